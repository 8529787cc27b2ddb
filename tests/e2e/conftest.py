"""Browser journeys in Debian's Chromium, driven by Playwright against pytest-django's live server."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("FANGKONG_CHROMIUM", "/usr/bin/chromium")
OUTPUT = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the test itself (seeding,
# assertions) are ordinary blocking calls, which Django would otherwise refuse inside a loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def playwright():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        if os.environ.get("FANGKONG_REQUIRE_BROWSER"):
            pytest.fail(f"Chromium not found at {CHROMIUM}; .ci/run installs Debian's chromium")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


def _launch(playwright, args: list[str]):
    return playwright.chromium.launch(
        executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"), args=[*ARGS, *args]
    )


@pytest.fixture(scope="session")
def browser(playwright):
    b = _launch(playwright, [])
    yield b
    b.close()


@pytest.fixture
def camera_browser(playwright):
    """A Chromium whose camera shows a picture: `camera_browser(path)` with a .y4m file (tests/e2e/camera.py makes
    one of a QR code), the camera allowed without asking."""
    launched = []

    def launch(video: Path):
        launched.append(
            _launch(
                playwright,
                [
                    "--use-fake-ui-for-media-stream",
                    "--use-fake-device-for-media-stream",
                    f"--use-file-for-fake-video-capture={video}",
                ],
            )
        )
        return launched[-1]

    yield launch
    for b in launched:
        b.close()


@pytest.fixture(autouse=True)
def _fresh_memo():
    from fangkong.core import memo

    memo.clear_all()
    yield
    memo.clear_all()


@pytest.fixture
def screenshot_dir() -> Path:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    return OUTPUT
