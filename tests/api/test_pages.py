"""The review UI's pages without a browser: sign-in redirects, each page for each role, the
review form, the language switch, and the words of both languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.ui.i18n import MESSAGES
from tests.api.conftest import PASSWORD, SampleScan

TEMPLATES = Path(__file__).resolve().parents[2] / "api" / "templates"


def test_every_template_key_is_translated() -> None:
    used = set()
    for template in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r"""t\(["']([a-z_]+)["']\)""", template.read_text("utf-8")))
    assert used, "no t() calls found: the pattern above is out of date"
    assert used <= set(MESSAGES["zh-CN"])
    assert set(MESSAGES["zh-CN"]) == set(MESSAGES["en"])


def test_pages_send_strangers_to_sign_in_and_back(app_client: TestClient) -> None:
    page = app_client.get("/findings?camera=vault-a", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/login?next=%2Ffindings%3Fcamera%3Dvault-a"
    form = app_client.get(page.headers["location"])
    assert form.status_code == 200 and 'value="/findings?camera=vault-a"' in form.text
    wrong = app_client.post("/login", data={"username": "auditor", "password": "x"})
    assert wrong.status_code == 401 and "用户名或密码错误" in wrong.text
    right = app_client.post(
        "/login",
        data={"username": "auditor", "password": PASSWORD, "next": "/findings?camera=vault-a"},
        follow_redirects=False,
    )
    assert right.status_code == 303 and right.headers["location"] == "/findings?camera=vault-a"


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil"])
def test_sign_in_never_redirects_off_the_site(app_client: TestClient, target: str) -> None:
    response = app_client.post(
        "/login",
        data={"username": "auditor", "password": PASSWORD, "next": target},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/findings"
    switch = app_client.get("/lang", params={"to": "en", "back": target}, follow_redirects=False)
    assert switch.headers["location"] == "/findings"


def test_every_page_renders_for_an_auditor(
    clients: dict[str, TestClient], sample_scan: SampleScan
) -> None:
    ui = clients["auditor"]
    finding = next(f for f in sample_scan.findings if f.kind.value == "lone_person")
    pages = {
        "/findings": "findings",
        "/findings?severity=critical&review_state=open": "lone_person",
        f"/findings/{finding.id}": 'id="player"',
        "/lots": "L2026-001",
        "/lots/view?lot=L2026-001": "lot-timeline",
        "/cameras": "2026-11-24",
        "/cameras/vault-b/day?day=2026-11-24": "day-timeline",
        "/audit": "audit-log",
    }
    for path, expected in pages.items():
        page = ui.get(path)
        assert page.status_code == 200, path
        assert expected in page.text, path
    detail = ui.get(f"/findings/{finding.id}").text
    # An auditor reads; only inspectors and admins get the review form.
    assert "review-form" not in detail
    assert '<path class="persons" d="M' in detail  # the counts chart has a line
    assert "L2026-001" in detail  # custody context
    missing = ui.get("/findings/does-not-exist")
    assert missing.status_code == 404 and "<html" in missing.text


def test_the_review_form_decides_and_refuses_what_it_must(
    clients: dict[str, TestClient], sample_scan: SampleScan
) -> None:
    finding = next(f for f in sample_scan.findings if f.kind.value == "timestamp_jump")
    page = f"/findings/{finding.id}"
    auditor, inspector = clients["auditor"], clients["inspector"]
    refused = auditor.post(f"{page}/review", data={"state": "dismissed", "comment": "x"})
    assert "无权执行此操作" in refused.text
    empty = inspector.post(f"{page}/review", data={"state": "dismissed", "comment": "  "})
    assert "请填写审查意见" in empty.text
    assert inspector.get(f"/api/findings/{finding.id}").json()["review_state"] == "open"
    done = inspector.post(f"{page}/review", data={"state": "dismissed", "comment": "编码器重启"})
    assert done.status_code == 200 and 'class="state-dismissed"' in done.text
    assert "编码器重启" in done.text and "finding.review" in done.text
    assert "review-form" in done.text and 'id="dismiss"' not in done.text


def test_a_user_limited_to_cameras_gets_no_other_pages(
    clients: dict[str, TestClient], sample_scan: SampleScan
) -> None:
    phone = clients["phone-inspector"]
    vault = next(f for f in sample_scan.findings if f.camera == "vault-a")
    assert phone.get(f"/findings/{vault.id}").status_code == 404
    assert phone.get("/cameras/vault-a/day?day=2026-11-24").status_code == 404
    assert "vault-a" not in phone.get("/findings").text


def test_chinese_by_default_english_on_request(clients: dict[str, TestClient]) -> None:
    ui = clients["auditor"]
    assert '<html lang="zh-CN">' in ui.get("/findings").text
    ui.get("/lang", params={"to": "en", "back": "/findings"})
    english = ui.get("/findings").text
    assert '<html lang="en">' in english and "Findings" in english
    ui.get("/lang", params={"to": "xx"})
    assert '<html lang="en">' in ui.get("/findings").text


def test_the_jobs_page_queues_scans_and_shows_their_state(clients: dict[str, TestClient]) -> None:
    auditor, inspector = clients["auditor"], clients["inspector"]
    assert 'id="scan-form"' not in auditor.get("/jobs").text
    refused = auditor.post("/jobs", data={"path": "handheld-1"})
    assert "无权执行此操作" in refused.text and 'id="scan-jobs"' in refused.text
    outside = inspector.post("/jobs", data={"path": "../../etc"})
    assert "路径不在服务的媒体目录下" in outside.text
    queued = inspector.post("/jobs", data={"path": "handheld-1"})
    assert queued.status_code == 200 and "handheld-1" in queued.text
    jobs = inspector.get("/api/scan-jobs").json()
    assert [job["submitted_by"] for job in jobs] == ["inspector"]
    assert 'id="nightly-runs"' in queued.text


def test_count_confidence_shows_in_the_api_and_on_the_finding_page(
    clients: dict[str, TestClient], sample_scan: SampleScan
) -> None:
    """The sample vault counts its drawn people with the motion fallback: the lone-person
    finding says whose counts they are and that they are unsure, wherever it is read."""
    ui = clients["auditor"]
    lone = next(f for f in sample_scan.findings if f.kind.value == "lone_person")
    counts = ui.get(f"/api/findings/{lone.id}").json()["counts"]
    assert counts["counted_by"].startswith("persons: motion-person-fallback")
    assert counts["confidence"] <= 0.3 and counts["low_confidence"] is True  # the fallback caps it
    page = ui.get(f"/findings/{lone.id}").text
    assert 'id="counted-by">persons: motion-person-fallback' in page
    assert re.search(r'id="count-confidence" class="low-confidence">0\.[0-3]\d · 置信度低', page)
    assert "计数置信度低（0." in page  # the finding's description
    listed = ui.get("/findings", params={"kind": "lone_person"}).text
    assert '<span class="low-confidence">计数置信度低</span>' in listed
    # a finding made from no counts shows neither
    gap = next(f for f in sample_scan.findings if f.kind.value == "coverage_gap")
    assert 'id="count-confidence"' not in ui.get(f"/findings/{gap.id}").text
