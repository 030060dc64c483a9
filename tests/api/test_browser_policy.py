"""The review UI under its Content-Security-Policy in Chromium: the pages that run scripts
(sign-in, findings, a finding with its player and charts, a lot, a camera's day) load with
no violation reported in the browser's console."""

from __future__ import annotations

import pytest
from selenium.webdriver.remote.webdriver import WebDriver

from tests.api.test_browser import (  # noqa: F401 (fixtures)
    RunningService,
    browser_binaries,
    driver,
    open_finding,
    service,
    sign_in,
    wait_playing,
)

pytestmark = pytest.mark.browser


def test_no_page_breaks_the_content_security_policy(
    driver: WebDriver,  # noqa: F811
    service: RunningService,  # noqa: F811
) -> None:
    sign_in(driver, service, "inspector")
    open_finding(driver, "frozen_video", "vault-a")
    wait_playing(driver)
    for path in ("/lots", "/lots/L2026-001", "/cameras/vault-a/day?day=2026-11-24", "/audit"):
        driver.get(service.url + path)
    messages = [entry["message"] for entry in driver.get_log("browser")]
    violations = [m for m in messages if "Content Security Policy" in m or "CSP" in m]
    assert violations == [], violations
