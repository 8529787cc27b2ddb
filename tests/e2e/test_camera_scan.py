"""Camera scanning on a phone (issue 22, point 2): the sampler points the phone at a resident's personal code and
the sample is recorded, with no typing — through Chromium's fake camera showing the code's QR."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from fangkong.registry.codes import person_code
from fangkong.registry.models import RoleAssignment
from fangkong.site.demo import seed_demo
from fangkong.testing.models import Sample, Site

from .camera import qr_video
from .residents import poolable
from .test_people_browser import _login

pytestmark = pytest.mark.browser


def test_the_sampler_scans_a_personal_code_with_the_camera(
    camera_browser, live_server, transactional_db, screenshot_dir, tmp_path
):
    seed_demo(people=300)
    site = Site.objects.get(jurisdiction=RoleAssignment.objects.get(user__username="grid_worker_a").jurisdiction)
    resident = poolable(1)[0]
    code = person_code(actor=get_user_model().objects.get(username="hq_admin"), person_id=resident.pk)
    browser = camera_browser(qr_video(code, tmp_path / "code.y4m"))
    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = phone.new_page()
    _login(page, live_server, "sampler")
    page.goto(f"{live_server.url}/testing/sites/{site.pk}/")
    page.get_by_label(re.compile("^管号$")).fill("E2E-CAM-01")  # the open tube, as after its first sample
    scan = page.locator("button[data-scan-for=person]")
    assert scan.is_visible() and scan.inner_text() == "用摄像头扫码"
    scan.click()
    # Read from the camera, the field filled, the form sent as a hand scanner's Enter would: no typing at all.
    page.get_by_text(re.compile("已采样")).wait_for(timeout=60_000)  # decoding in JS on a loaded CI machine
    sample = Sample.objects.get(person=resident)
    assert sample.tube.code == "E2E-CAM-01"
    assert not page.locator("#scan-dialog").evaluate("d => d.open")  # closed, the camera stopped
    page.screenshot(path=str(screenshot_dir / "sampler-camera-scan-phone.png"), full_page=True)
    phone.close()
