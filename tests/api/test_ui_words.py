"""The review UI's words without a service: the names of kinds, events, states and actions in
each language (the reports' Chinese names), a finding said in Chinese from its fields, and
moments, durations and 无."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from analyzer.custody import EventType, LegKind
from analyzer.findings import Counts, Finding, FindingKind, Severity
from analyzer.recording import CameraKind
from api.audit_trail import Action
from api.ui.describe import describe, lot_of
from api.ui.words import CAMERA_KIND_LABELS, EVENT_LABELS, Words
from pipelines.paper.names import (
    ACTION_NAMES,
    CAMERA_KIND_NAMES,
    EVENT_NAMES,
    KIND_NAMES,
    LEG_NAMES,
    REVIEW_NAMES,
    SEVERITY_NAMES,
)
from pipelines.store.schema import ReviewState

ZONE = ZoneInfo("Asia/Shanghai")
ZH, EN = Words("zh-CN", ZONE), Words("en", ZONE)
# 2026-11-24 08:30:15 in Shanghai
AT = datetime(2026, 11, 24, 0, 30, 15, tzinfo=UTC).timestamp()
CJK = re.compile(r"[\u4e00-\u9fff]")


def finding(kind: FindingKind, **fields: object) -> Finding:
    base: dict[str, object] = {
        "kind": kind,
        "rule": "V7",
        "cameras": ("vault-b",),
        "start": AT,
        "end": AT + 42.0,
        "severity": Severity.CRITICAL,
        "detail": "one person alone with lot L1 in vault-2 for 42 s",
    }
    return Finding(**{**base, **fields})  # type: ignore[arg-type]


def test_every_value_has_its_chinese_name_and_an_english_one() -> None:
    for kind in FindingKind:
        assert ZH.kind(kind) == KIND_NAMES[kind] and CJK.search(ZH.kind(kind)), kind
        assert EN.kind(kind) == kind.value.replace("_", " ")
    for severity in Severity:
        assert ZH.severity(severity) == SEVERITY_NAMES[severity]
        assert ZH.severity(severity.value) == SEVERITY_NAMES[severity]  # from a query string
    for state in ReviewState:
        assert ZH.review(state) == REVIEW_NAMES[state] and EN.review(state) != REVIEW_NAMES[state]
    for event in EventType:
        assert ZH.event(event) == EVENT_NAMES[event] and EN.event(event) == EVENT_LABELS[event]
    for leg in LegKind:
        assert ZH.leg(leg) == LEG_NAMES[leg]
    for camera in CameraKind:
        assert ZH.camera_kind(camera) == CAMERA_KIND_NAMES[camera]
        assert EN.camera_kind(camera) == CAMERA_KIND_LABELS[camera]
    # Every action the service records has a Chinese name; English shows the trail's code.
    for action in Action:
        assert CJK.search(ZH.action(action.value)), action
        assert action.value in ACTION_NAMES, action
        assert EN.action(action.value) == action.value
    for state in ("queued", "running", "done", "failed"):
        assert CJK.search(ZH.state(state)) and not CJK.search(EN.state(state))
    assert ZH.role("inspector") == "审查员" and EN.role("inspector") == "inspector"
    assert ZH.kind("not_a_kind") == "not_a_kind"  # a kind of a later analyzer: its value


@pytest.mark.parametrize(
    ("value", "zh", "en"),
    [
        (None, "无", "none"),
        ("", "无", "none"),
        ("  ", "无", "none"),
        ([], "无", "none"),
        ({}, "无", "none"),
        ((), "无", "none"),
        (0, 0, 0),
        ("L1", "L1", "L1"),
        (["a"], ["a"], ["a"]),
    ],
)
def test_nothing_is_said_as_none_and_anything_else_as_itself(
    value: object, zh: object, en: object
) -> None:
    assert ZH.value(value) == zh and EN.value(value) == en


def test_audit_details_read_as_words_not_python() -> None:
    assert ZH.detail(True) == "是" and EN.detail(False) == "no"
    assert ZH.detail(["/a", "/b"]) == "/a、/b" and EN.detail(("/a", "/b")) == "/a, /b"
    assert ZH.detail({"boxes": 3, "lot": None}) == "框数: 3, 批次: 无"
    assert ZH.detail("dismissed", "to") == "已排除" and ZH.detail("dismissed") == "dismissed"
    assert EN.detail("dismissed", "to") == "Dismissed"
    assert ZH.detail(None) == "无" and ZH.detail(0) == "0"
    assert ZH.detail_key("paths") == "路径" and EN.detail_key("paths") == "paths"
    assert ZH.object_type("scan_job") == "扫描任务" and EN.object_type("scan_job") == "scan_job"


def test_a_played_clips_spans_read_as_times() -> None:
    played = [[AT, AT + 4.5], [AT + 60, AT + 65]]
    assert ZH.detail(played, "played") == (
        "2026-11-24 08:30:15–08:30:19、2026-11-24 08:31:15–08:31:20"
    )
    assert EN.detail(played, "played") == (
        "2026-11-24 08:30:15–08:30:19, 2026-11-24 08:31:15–08:31:20"
    )
    assert ZH.action("clip.played") == "播放片段" and EN.action("clip.played") == "clip.played"
    assert ZH.detail_key("played") == "播放时段" and ZH.detail_key("camera") == "摄像机"
    # Anything else under that key is said as any other value.
    assert ZH.detail(["a", "b"], "played") == "a、b"
    assert ZH.detail([[True, 1]], "played") == "是、1"


def test_moments_and_durations_read_the_same_everywhere() -> None:
    assert ZH.when(AT) == "2026-11-24 08:30:15" == EN.when(AT)
    assert ZH.when(datetime.fromtimestamp(AT, UTC)) == "2026-11-24 08:30:15"
    assert ZH.when(None) == "无" and EN.when(None) == "none"
    assert ZH.clock(AT) == "08:30:15"
    assert ZH.zone_line(AT) == "时间为 Asia/Shanghai（UTC+08:00）"
    assert EN.zone_line(AT) == "Times in Asia/Shanghai (UTC+08:00)"
    assert [ZH.duration(s) for s in (4.25, 200, 6 * 3600 + 300)] == [
        "4.2 秒",
        "3 分 20 秒",
        "6 小时 5 分",
    ]
    assert EN.duration(200) == "3 min 20 s"


@pytest.mark.parametrize("kind", list(FindingKind))
def test_every_kind_is_described_in_chinese_from_its_fields(kind: FindingKind) -> None:
    said = describe(finding(kind), ZH)
    # Chinese words, with no English left but the camera's id.
    assert CJK.search(said), said
    assert re.sub(r"vault-b", "", said).isascii() is False
    assert not re.search(r"[A-Za-z]{3,}", said.replace("vault-b", "")), said
    assert "None" not in said and "摄像机 vault-b" in said
    # The English page keeps the analyzer's own sentence.
    assert describe(finding(kind), EN) == "one person alone with lot L1 in vault-2 for 42 s"


def test_a_description_carries_the_findings_numbers_lot_and_confidence() -> None:
    lone = finding(
        FindingKind.LONE_PERSON,
        counts=Counts(
            persons_min=1,
            persons_max=1,
            bundles_min=3,
            bundles_expected=4,
            counted_by="persons: motion-person-fallback",
            confidence=0.25,
        ),
        custody_leg="L2026-001/E1-E2",
    )
    said = describe(lone, ZH)
    assert said.startswith("单人接触试卷 42.0 秒（应至少两人在场）；画面中 1 人；")
    assert "交接单记载 4 袋，录像中最少看到 3 袋" in said and "批次 L2026-001" in said
    assert said.endswith("摄像机 vault-b；计数置信度低（0.25），请人工查看录像核实")
    assert lot_of(lone) == "L2026-001"
    ranged = finding(FindingKind.UNLOGGED_ACCESS, counts=Counts(persons_min=1, persons_max=3))
    assert "画面中 1–3 人" in describe(ranged, ZH)
    # Neither a leg nor counts: the event names the context, nothing says None.
    missing = finding(FindingKind.MISSING_ARRIVAL, custody_event="E7", end=AT)
    assert describe(missing, ZH) == (
        "试卷出库后，交接单上没有之后的到达记录；交接事件 E7；摄像机 vault-b"
    )
    assert lot_of(missing) is None
