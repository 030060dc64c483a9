"""The Chinese review pages in real headless Chromium, on the sample videos' store: a finding's
page (kind, description, custody events, 无 for a section with nothing in it, the counts
chart's clock times and counts laid out along their axes) and a lot's timeline (Chinese legs,
events and finding titles, overlapping findings in lanes that do not cover each other, clock
times under the bars). Neither shows a Python `None`. Screenshots of both are written to
`test-artifacts/` (full size) and, reduced to a palette, `*-small.png` beside them (the copies
in `docs/screenshots/` are these)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from analyzer.findings import FindingKind
from api.ui.describe import describe
from api.ui.words import Words
from pipelines.paper.names import EVENT_NAMES, KIND_NAMES, LEG_NAMES
from tests.api.conftest import SampleScan
from tests.api.test_browser import (  # noqa: F401 (fixtures)
    ARTIFACTS,
    RunningService,
    browser_binaries,
    driver,
    service,
    sign_in,
    text_of,
    wait_for,
)

pytestmark = pytest.mark.browser

ZH = Words("zh-CN", ZoneInfo("Asia/Shanghai"))
CLOCK = re.compile(r"^\d\d:\d\d(:\d\d)?$")
# The boxes of SVG text or HTML elements as the browser laid them out, left to right.
BOXES = """
return Array.from(document.querySelectorAll(arguments[0]), e => {
  const r = e.getBoundingClientRect();
  return {text: e.textContent.trim(), left: r.left, right: r.right, top: r.top,
          bottom: r.bottom, title: e.getAttribute("title") || ""};
});
"""


def boxes(browser: WebDriver, css: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = browser.execute_script(BOXES, css)
    return found


def assert_no_python_values(browser: WebDriver) -> None:
    text = str(browser.find_element(By.TAG_NAME, "body").text)
    for bad in ("None", "[]", "{}"):
        assert bad not in text, f"{bad!r} on {browser.current_url}:\n{text}"


def assert_clock_axis(ticks: list[dict[str, Any]], within: dict[str, Any]) -> None:
    """Clock-time labels, in time order, laid out left to right inside `within`."""
    labels = [t["text"] for t in ticks]
    assert len(ticks) >= 3 and all(CLOCK.match(label) for label in labels), labels
    assert labels == sorted(labels), labels
    lefts = [t["left"] for t in ticks]
    assert lefts == sorted(lefts) and len(set(lefts)) == len(lefts), ticks
    # Labels do not run into each other.
    assert all(a["right"] <= b["left"] for a, b in zip(ticks, ticks[1:], strict=False)), ticks
    slack = 40  # a centred label at either end may stand out by half its width
    assert all(
        within["left"] - slack <= t["left"] and t["right"] <= within["right"] + slack for t in ticks
    ), (ticks, within)


def screenshot(browser: WebDriver, name: str, bottom_css: str) -> Path:
    """The page from its top to the bottom of `bottom_css`, at 1280 px wide; the full PNG
    and a palette copy (`-small`), which must stay under 300 kB."""
    height = browser.execute_script(
        "return Math.ceil(document.querySelector(arguments[0]).getBoundingClientRect().bottom"
        " + window.scrollY + 16)",
        bottom_css,
    )
    browser.set_window_size(1280, max(int(height) + 140, 600))  # + the browser's own frame
    browser.execute_script("window.scrollTo(0, 0)")
    ARTIFACTS.mkdir(exist_ok=True)
    full = ARTIFACTS / f"{name}.png"
    assert browser.save_screenshot(str(full))
    small = ARTIFACTS / f"{name}-small.png"
    with Image.open(full) as image:
        assert image.width == 1280
        cropped = image.convert("RGB").crop((0, 0, image.width, min(image.height, int(height))))
        cropped.quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(small, optimize=True)
    assert small.stat().st_size < 300_000, small.stat().st_size
    return full


def test_a_chinese_finding_page(
    driver: WebDriver,  # noqa: F811
    service: RunningService,  # noqa: F811
    sample_scan: SampleScan,
) -> None:
    sign_in(driver, service, "auditor")
    lone = next(f for f in sample_scan.findings if f.kind is FindingKind.LONE_PERSON)
    driver.get(f"{service.url}/findings/{lone.id}")
    wait_for(driver, "the finding page", lambda d: d.find_elements(By.ID, "counts-chart"))
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-CN"

    assert text_of(driver, "#finding-kind") == KIND_NAMES[FindingKind.LONE_PERSON] == "单人接触试卷"
    assert text_of(driver, "#finding-detail") == describe(lone, ZH)
    assert text_of(driver, "#finding-detail").startswith("单人接触试卷 ")
    assert text_of(driver, "#review-state") == "待复核"
    assert text_of(driver, "#finding-start") == ZH.when(lone.start)
    events = [e["text"] for e in boxes(driver, "#custody td.event-type")]
    assert events and set(events) <= set(EVENT_NAMES.values()), events
    assert "入库/到达" in events
    # Nobody has reviewed it yet: the section says 无.
    assert text_of(driver, "#reviews") == "无"
    assert text_of(driver, "#zone") == "时间为 Asia/Shanghai（UTC+08:00）"
    assert_no_python_values(driver)

    chart = boxes(driver, "#counts-chart")[0]
    x_ticks = boxes(driver, "#counts-chart .x-axis text")
    assert_clock_axis(x_ticks, chart)
    # The flagged stretch lies between the first and last clock times shown.
    assert x_ticks[0]["text"] <= ZH.clock(lone.start)[: len(x_ticks[0]["text"])]
    y_ticks = boxes(driver, "#counts-chart .y-axis text")
    counts = [int(t["text"]) for t in y_ticks]
    assert counts[0] == 0 and counts == sorted(counts) and counts[-1] >= 1, counts
    # Larger counts stand higher, all left of the plot.
    tops = [t["top"] for t in y_ticks]
    assert tops == sorted(tops, reverse=True), y_ticks
    persons = boxes(driver, "#counts-chart path.persons")
    assert persons and persons[0]["right"] > persons[0]["left"], persons
    assert max(t["right"] for t in y_ticks) <= persons[0]["left"] + 1
    assert "人数" in text_of(driver, "p.legend") and "试卷袋" in text_of(driver, "p.legend")

    shot = screenshot(driver, "finding-page-zh", "#custody")
    assert shot.exists()


def test_a_chinese_lot_timeline(
    driver: WebDriver,  # noqa: F811
    service: RunningService,  # noqa: F811
    sample_scan: SampleScan,
) -> None:
    sign_in(driver, service, "auditor")
    driver.get(f"{service.url}/lots/view?lot=L2026-001")
    wait_for(driver, "the lot timeline", lambda d: d.find_elements(By.ID, "lot-timeline"))
    assert text_of(driver, "h1") == "批次 L2026-001"

    legs = [e["text"] for e in boxes(driver, "#legs td.leg-kind")]
    assert set(legs) == set(LEG_NAMES.values()) == {"存放", "转运"}
    events = [e["text"] for e in boxes(driver, "#events td.event-type")]
    assert {"入库/到达", "出库/离开"} <= set(events) <= set(EVENT_NAMES.values())

    lot_findings = [
        f for f in sample_scan.findings if f.custody_leg and f.custody_leg.startswith("L2026-001/")
    ]
    bars = boxes(driver, "#finding-track a.bar")
    assert len(bars) == len(driver.find_elements(By.CSS_SELECTOR, "#lot-findings li")) >= 2
    for bar in bars:
        kind = bar["title"].split(" · ")[0]
        assert kind in KIND_NAMES.values(), bar["title"]
        assert re.search(r"2026-11-24 \d\d:\d\d:\d\d – 2026-11-24 \d\d:\d\d:\d\d$", bar["title"])
    # Bars that share time stand in different lanes, and no bar covers another.
    overlapping = 0
    for i, a in enumerate(bars):
        for b in bars[i + 1 :]:
            if a["left"] < b["right"] and b["left"] < a["right"]:
                overlapping += 1
                assert a["bottom"] <= b["top"] or b["bottom"] <= a["top"], (a, b)
    assert overlapping >= 1, "the sample lot's findings no longer overlap: the test shows nothing"
    track = boxes(driver, "#finding-track")[0]
    assert_clock_axis(boxes(driver, "#lot-timeline .hours span"), track)
    legend = text_of(driver, "#severity-legend")
    assert all(word in legend for word in ("低", "中", "高", "严重")), legend
    findings_list = text_of(driver, "#lot-findings")
    assert all(describe(f, ZH) in findings_list for f in lot_findings)
    assert_no_python_values(driver)

    shot = screenshot(driver, "lot-timeline-zh", "#events")
    assert shot.exists()
