"""The hall's tests use the domains' own fixtures: checkpoints and risk areas, a testing round, a compound."""

from __future__ import annotations

import pytest

from fangkong.containment.tests.conftest import containment  # noqa: F401  (fixtures)
from fangkong.screening.tests.conftest import screening  # noqa: F401
from fangkong.testing.tests.conftest import testing  # noqa: F401


class _ApiClient:
    def __init__(self, client, headers: dict) -> None:
        self._client, self._headers = client, headers

    def get(self, path: str, params: dict | None = None):
        return self._client.get(path, params or {}, **self._headers)


@pytest.fixture
def api(client, api_token):
    """api(user).get(path, params): the API as `user` sees it, with a bearer token from the real endpoint."""
    return lambda user: _ApiClient(client, api_token(user))
