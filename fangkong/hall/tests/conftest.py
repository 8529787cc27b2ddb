"""The hall's tests use the domains' own fixtures: checkpoints and risk areas, a testing round, a compound."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from fangkong.containment.tests.conftest import containment  # noqa: F401  (fixtures)
from fangkong.core import clock
from fangkong.screening.tests.conftest import screening  # noqa: F401
from fangkong.testing.tests.conftest import testing  # noqa: F401


@pytest.fixture(autouse=True)
def daytime() -> Iterator[None]:
    """The hall counts 'today' in the district's day. Its fixtures place events hours before now and expect them
    today; run at 00:05 (CI runs at any hour) they would fall yesterday. Between 23:30 and 07:00 the clock moves
    on to 07:00, and still runs."""
    now = clock.now()
    start = clock.start_of_day(clock.localdate(now))
    if now < start + timedelta(hours=7):
        target = start + timedelta(hours=7)
    elif now > start + timedelta(hours=23, minutes=30):
        target = clock.start_of_day(clock.localdate(now + timedelta(hours=1))) + timedelta(hours=7)
    else:
        yield
        return
    with clock.advanced(target - now):
        yield


class _ApiClient:
    def __init__(self, client, headers: dict) -> None:
        self._client, self._headers = client, headers

    def get(self, path: str, params: dict | None = None):
        return self._client.get(path, params or {}, **self._headers)


@pytest.fixture
def api(client, api_token):
    """api(user).get(path, params): the API as `user` sees it, with a bearer token from the real endpoint."""
    return lambda user: _ApiClient(client, api_token(user))


def arrive(actor, checkpoint, **kw):
    """A passage registered through the service (an arrival unless told), with a fresh document number."""
    from fangkong.conftest import make_id_number
    from fangkong.screening.passages import PassageInput, passage_register

    base = {"direction": "in", "document_number": make_id_number(), "name": "来客", "destination_community": None}
    return passage_register(actor=actor, checkpoint_id=checkpoint.pk, data=PassageInput(**{**base, **kw}))


def high_risk_arrival(scr, community):
    """An arrival from 上海市浦东新区 (high risk in the fixture) to `community`: it raises the hall's alert."""
    from fangkong.core.models import HallAlert

    arrive(scr.staff1, scr.cp1, origin="上海市浦东新区", destination_community=community.pk)
    return HallAlert.objects.order_by("-id").first()
