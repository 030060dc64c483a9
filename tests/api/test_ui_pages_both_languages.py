"""Every page of the sample videos' store, in Chinese and in English: no Python `None`, `[]` or
`{}` shown, one date format (no ISO `T` stamps), the zone said once, the Chinese pages' names
Chinese and the English pages' findings in the analyzer's words."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from api.ui.describe import describe
from api.ui.words import Words
from pipelines.paper.names import EVENT_NAMES, KIND_NAMES
from tests.api.conftest import SampleScan

# What a reader sees of a page: its text and the titles of its bars (tooltips), not markup or
# the label editor's JSON words.
ISO_STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")
PLAIN_STAMP = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")


class _Shown(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
        self.parts += [v for k, v in attrs if k in ("title", "alt", "aria-label") and v]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def shown(html: str) -> str:
    parser = _Shown()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def pages(sample: SampleScan) -> dict[str, str]:
    listed = {
        "findings": "/findings",
        "findings, filtered to nothing": "/findings?camera=nowhere",
        "lots": "/lots",
        "lot": "/lots/view?lot=L2026-001",
        "cameras": "/cameras",
        "camera day": "/cameras/vault-b/day?day=2026-11-24",
        "handheld day": "/cameras/phone-2/day?day=2026-11-24",
        "empty day": "/cameras/vault-b/day?day=2026-01-01",
        "audit": "/audit",
        "jobs": "/jobs",
    }
    for finding in sample.findings:
        listed[f"finding {finding.kind.value} {finding.camera}"] = f"/findings/{finding.id}"
    return listed


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_no_page_shows_none_or_an_iso_stamp(
    clients: dict[str, TestClient], sample_scan: SampleScan, lang: str
) -> None:
    ui = clients["admin"]
    ui.get("/lang", params={"to": lang})
    # Records whose details hold a boolean, a list and review states.
    ui.get("/audit", params={"verify": "1"})
    lone = next(f for f in sample_scan.findings if f.kind.value == "lone_person")
    ui.post(f"/findings/{lone.id}/review", data={"state": "dismissed", "comment": "复核"})
    ui.post("/jobs", data={"path": "handheld-1"})
    none = "无" if lang == "zh-CN" else "none"
    for name, path in pages(sample_scan).items():
        page = ui.get(path)
        assert page.status_code == 200, (name, page.status_code)
        text = shown(page.text)
        for bad in ("None", "[]", "{}", "()", "True", "False", "['"):
            assert bad not in text, f"{name} ({lang}) shows {bad!r}: {text[:2000]}"
        assert not ISO_STAMP.search(page.text), f"{name} ({lang}): an ISO stamp"
        assert text.count("Asia/Shanghai") == 1, f"{name} ({lang}): the zone once"
        if name.startswith("finding ") or name in ("findings", "lot", "lots", "audit"):
            assert PLAIN_STAMP.search(text), f"{name} ({lang}): no moment shown"
    # Empty sections say so.
    empty_day = shown(ui.get("/cameras/vault-b/day?day=2026-01-01").text)
    assert none in empty_day
    nothing = ui.get("/findings?camera=nowhere").text
    assert ("没有符合条件的问题" if lang == "zh-CN" else "No findings match") in nothing


def test_the_chinese_pages_name_everything_in_chinese(
    clients: dict[str, TestClient], sample_scan: SampleScan
) -> None:
    ui = clients["auditor"]
    words = Words("zh-CN", ZoneInfo("Asia/Shanghai"))
    listed = shown(ui.get("/findings").text)
    for finding in sample_scan.findings:
        assert KIND_NAMES[finding.kind] in listed
        assert finding.kind.value not in listed, finding.kind  # the value only in links/data
        page = shown(ui.get(f"/findings/{finding.id}").text)
        assert describe(finding, words) in page
        assert finding.detail not in page
    lot = shown(ui.get("/lots/view?lot=L2026-001").text)
    for event in {e.type for e in sample_scan.events if e.lot == "L2026-001"}:
        assert EVENT_NAMES[event] in lot
    assert "存放" in lot and "转运" in lot and "严重" in lot
    cameras = shown(ui.get("/cameras").text)
    assert "固定" in cameras and "手持" in cameras and "fixed" not in cameras
    audit = shown(ui.get("/audit").text)
    assert "登录" in audit and "审计员" in audit and "用户 auditor" in audit
    assert "时间为 Asia/Shanghai（UTC+08:00）" in audit
    missing = ui.get("/findings/does-not-exist")
    assert missing.status_code == 404
    assert "找不到该对象，或您无权查看" in shown(missing.text)
    assert "not found" not in shown(missing.text)


def test_the_english_pages_keep_the_analyzers_words(
    clients: dict[str, TestClient], sample_scan: SampleScan
) -> None:
    ui = clients["auditor"]
    ui.get("/lang", params={"to": "en"})
    for finding in sample_scan.findings:
        page = shown(ui.get(f"/findings/{finding.id}").text)
        assert finding.detail in page
    missing = shown(ui.get("/findings/does-not-exist").text)
    assert "not found" in missing


def test_a_handheld_cameras_chart_has_no_people_line(
    clients: dict[str, TestClient], sample_scan: SampleScan
) -> None:
    """phone-2 counts no people (`person_model: none`): its charts draw bundles only and say
    so; vault-b counts both."""
    ui = clients["auditor"]
    phone = next(f for f in sample_scan.findings if f.camera == "phone-2")
    page = ui.get(f"/findings/{phone.id}").text
    assert 'class="bundles" d="M' in page and 'class="persons"' not in page.split("</svg>")[0]
    assert "该摄像机不计人数" in page
    day = ui.get("/cameras/vault-b/day?day=2026-11-24").text
    assert '<path class="persons" d="M' in day and '<path class="bundles" d="M' in day
    # Clock times under the chart and counts beside it.
    ticks = re.findall(r'<text class="tick"[^>]*>([^<]+)</text>', day)
    assert "03:00" in ticks and "12:00" in ticks and "0" in ticks


def test_the_sign_in_form_tells_a_throttled_user_to_wait(app_client: TestClient) -> None:
    def attempt() -> Any:
        return app_client.post("/login", data={"username": "auditor", "password": "wrong"})

    for _ in range(5):
        wrong = attempt()
        assert wrong.status_code == 401 and "用户名或密码错误" in shown(wrong.text)
    throttled = attempt()
    assert throttled.status_code == 429 and int(throttled.headers["retry-after"]) > 0
    text = shown(throttled.text)
    assert "尝试次数过多，请稍后再试" in text and "用户名或密码错误" not in text


def drawn_spans(d: str) -> list[tuple[float, float]]:
    """The x ranges an SVG step path `d` ("M x,y H x V y H x ... M ...") draws."""
    spans = []
    for piece in d.split("M")[1:]:
        xs = [float(piece.split(",")[0])] + [float(x) for x in re.findall(r"H([\d.]+)", piece)]
        spans.append((min(xs), max(xs)))
    return spans


def test_a_gap_in_the_footage_is_a_gap_in_the_chart(
    clients: dict[str, TestClient], sample_scan: SampleScan
) -> None:
    """vault-a's 12 s without video: the counts chart draws nothing over the flagged stretch
    (no line at zero), and draws on both sides of it."""
    gap = next(f for f in sample_scan.findings if f.kind.value == "coverage_gap")
    page = clients["auditor"].get(f"/findings/{gap.id}").text
    band = re.search(r'<rect class="flagged" x="([\d.]+)" y="0" width="([\d.]+)"', page)
    assert band is not None
    left, right = float(band[1]), float(band[1]) + float(band[2])
    for series in ("persons", "bundles"):
        path = re.search(rf'<path class="{series}" d="([^"]*)"', page)
        assert path is not None, series
        spans = drawn_spans(path[1])
        assert len(spans) >= 2, spans
        # Nothing drawn inside the band but the last sample's own step (the samples are
        # 0.5 s apart, 8 units here) at its edges; a line on either side.
        edge = 20.0
        assert all(b <= left + edge or a >= right - edge for a, b in spans), (spans, band)
        assert any(b <= left + edge for a, b in spans), spans
        assert any(a >= right - edge for a, b in spans), spans
    assert "空白处为无计数数据" in page
