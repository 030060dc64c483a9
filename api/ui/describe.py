"""A finding said in the reader's language.

The analyzer writes its `detail` in English, and stored findings and the JSON keep it so. A
Chinese page says the same from the finding's structured fields instead (kind, duration,
counts, camera, lot, leg, event), so nothing has to parse the English sentence; the English
page shows the analyzer's own words.
"""

from __future__ import annotations

from collections.abc import Callable

from analyzer.findings import Counts, Finding, FindingKind
from api.ui.words import Words


def lot_of(finding: Finding) -> str | None:
    """The lot a custody leg belongs to: leg ids are "<lot>/<first event>-<last event>"."""
    return finding.custody_leg.split("/", 1)[0] if finding.custody_leg else None


def _people(counts: Counts | None) -> str:
    if counts is None or counts.persons_max is None:
        return ""
    low, high = counts.persons_min, counts.persons_max
    return f"画面中 {high} 人" if low in (None, high) else f"画面中 {low}–{high} 人"


def _bundles(counts: Counts | None) -> str:
    if counts is None or counts.bundles_expected is None:
        return ""
    seen = "" if counts.bundles_min is None else f"，录像中最少看到 {counts.bundles_min} 袋"
    return f"交接单记载 {counts.bundles_expected} 袋{seen}"


def _sentences(words: Words) -> dict[FindingKind, Callable[[Finding], str]]:
    """What each kind means, with its numbers, one sentence each."""
    d = words.duration
    return {
        FindingKind.COVERAGE_GAP: lambda f: f"{d(f.duration_s)}没有可用录像",
        FindingKind.TIMESTAMP_JUMP: lambda f: (
            f"录像时间重叠 {d(f.duration_s)}：录像机时钟回拨或录像重复"
        ),
        FindingKind.DROPPED_FRAMES: lambda f: f"{d(f.duration_s)}内丢帧",
        FindingKind.FROZEN_VIDEO: lambda f: f"画面静止不变 {d(f.duration_s)}",
        FindingKind.BLACK_VIDEO: lambda f: f"画面全黑 {d(f.duration_s)}",
        FindingKind.DECODE_ERROR: lambda f: f"录像 {d(f.duration_s)}无法解码",
        FindingKind.UNREADABLE_RECORDING: lambda f: "录像文件无法读取，无法检查其内容",
        FindingKind.LATE_RECORDING_START: lambda f: f"手持录像在出发 {d(f.duration_s)}后才开始",
        FindingKind.MISSING_ARRIVAL: lambda f: "试卷出库后，交接单上没有之后的到达记录",
        FindingKind.LONE_PERSON: lambda f: f"单人接触试卷 {d(f.duration_s)}（应至少两人在场）",
        FindingKind.NO_CARRIER: lambda f: f"手持录像画面中无押运人 {d(f.duration_s)}",
        FindingKind.PAPER_OFF_CAMERA: lambda f: (
            f"手持录像画面中的试卷袋少于交接单所记 {d(f.duration_s)}"
        ),
        FindingKind.BUNDLE_COUNT_MISMATCH: lambda f: "录像中的试卷袋数与交接单不符",
        FindingKind.UNLOGGED_ACCESS: lambda f: (
            f"保密室内有人 {d(f.duration_s)}，期间交接单上没有登记"
        ),
        FindingKind.DUTY_UNDERSTAFFED: lambda f: f"值班人数不足 {d(f.duration_s)}",
        FindingKind.EARLY_PICKUP: lambda f: f"试卷在允许的最早领取时间之前 {d(f.duration_s)}被取出",
        FindingKind.CLOCK_JUMP: lambda f: f"画面上的时钟跳变（涉及 {d(f.duration_s)}）",
        FindingKind.CLOCK_DRIFT: lambda f: f"画面上的时钟与录像时间不一致 {d(f.duration_s)}",
        FindingKind.CLOCK_UNREADABLE: lambda f: f"画面上的时钟无法读取 {d(f.duration_s)}",
        FindingKind.OBSTRUCTED_VIEW: lambda f: f"镜头被遮挡 {d(f.duration_s)}",
        FindingKind.BLURRED_VIEW: lambda f: f"画面模糊 {d(f.duration_s)}",
        FindingKind.CAMERA_MOVED: lambda f: f"摄像机视角偏移 {d(f.duration_s)}",
    }


def describe(finding: Finding, words: Words) -> str:
    """The finding in one line: on an English page the analyzer's `detail`; on a Chinese page a
    sentence from its fields, e.g. "单人接触试卷 42.0 秒（应至少两人在场）；画面中 1 人；批次
    L2026-001；摄像机 vault-a；计数置信度低（0.30），请人工查看录像核实"."""
    if not words.chinese:
        return finding.detail
    sentence = _sentences(words).get(finding.kind)
    parts = [sentence(finding) if sentence else words.kind(finding.kind)]
    parts += [p for p in (_people(finding.counts), _bundles(finding.counts)) if p]
    lot = lot_of(finding)
    if lot:
        parts.append(f"批次 {lot}")
    elif finding.custody_event:
        parts.append(f"交接事件 {finding.custody_event}")
    parts.append(f"摄像机 {finding.camera}")
    counts = finding.counts
    if counts is not None and counts.low_confidence:
        # The counting models are named beside the description (计数模型); here only
        # the warning.
        parts.append(f"计数置信度低（{counts.confidence:.2f}），请人工查看录像核实")
    return "；".join(parts)
