from __future__ import annotations

import pytest

# The modules' own fixtures: retention is tested on the records each module really writes.
from fangkong.containment.tests.conftest import containment  # noqa: F401
from fangkong.screening.tests.conftest import screening  # noqa: F401
from fangkong.testing.tests.conftest import testing  # noqa: F401


@pytest.fixture(autouse=True)
def _small_ranges(settings):
    # Three ids per range: every test walks several ranges, as a city-sized purge walks thousands.
    settings.FANGKONG = {**settings.FANGKONG, "PURGE_STEP": 3}
