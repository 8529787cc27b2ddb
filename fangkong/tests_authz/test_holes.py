"""Holes the generated checks found, each pinned where the generated checks cannot reach it."""

from __future__ import annotations

import pytest

from fangkong.core.errors import FieldError
from fangkong.testing.collection import tube_close
from fangkong.testing.custody import bag_seal
from fangkong.testing.tests.conftest import collect, scan, testing  # noqa: F401  (the fixture)


def test_a_sampling_team_cannot_seal_another_teams_tubes(district, testing):  # noqa: F811
    # bag_seal took any closed tube by its code: the other site's team could bag (and so hand over) A's samples.
    collect(testing.sampler, testing.round, [scan(testing.people_a[0], "OWN-1", testing.site)])
    tube_close(actor=testing.sampler, code="OWN-1")
    with pytest.raises(FieldError) as exc:
        bag_seal(actor=testing.other_sampler, seal_code="THEIRS", tube_codes=["OWN-1"])
    assert exc.value.field == "tube_codes"
    with pytest.raises(FieldError) as missing:
        bag_seal(actor=testing.other_sampler, seal_code="THEIRS", tube_codes=["NO-SUCH"])
    assert missing.value.message.replace("NO-SUCH", "OWN-1") == exc.value.message  # the same answer
    assert bag_seal(actor=testing.sampler, seal_code="OURS", tube_codes=["OWN-1"]).tubes.count() == 1
