"""What the pages call the product's values, in the reader's language: finding kinds,
severities, review states, custody events and legs, camera kinds, audit actions, roles, job
states, moments and durations, stored English problems and errors, and 无 for nothing.

The Chinese names are the printed reports' (`pipelines.paper.names`), so a kind reads the same
on a page and on a filed form; the English ones are the values themselves made readable, or a
label where the value is a code (custody events, camera kinds). Stored English texts are said
in Chinese by `api.ui.stored_text`.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from analyzer.custody import EventType, LegKind
from analyzer.findings import FindingKind, Severity
from analyzer.recording import CameraKind
from api.ui.stored_text import in_chinese
from pipelines.paper.names import (
    action_name,
    camera_kind_name,
    event_name,
    kind_short,
    leg_name,
    review_name,
    severity_name,
    stamp,
    zone_note,
)
from pipelines.store.schema import ReviewState

CHINESE = "zh-CN"

ROLE_NAMES = {"auditor": "审计员", "inspector": "审查员", "admin": "管理员"}
# Scan jobs and nightly runs share these states (queued is the jobs' alone).
STATE_NAMES = {
    "zh-CN": {"queued": "排队中", "running": "进行中", "done": "已完成", "failed": "失败"},
    "en": {"queued": "Queued", "running": "Running", "done": "Done", "failed": "Failed"},
}
NONE_WORD = {"zh-CN": "无", "en": "none"}
# The English page's names of custody events and camera kinds (the values are codes).
EVENT_LABELS = {
    EventType.ARRIVE: "Arrival",
    EventType.DEPART: "Departure",
    EventType.HANDOVER: "Handover",
    EventType.OPEN: "Opening",
    EventType.CLOSE: "Closing",
    EventType.DUTY: "Duty shift",
}
CAMERA_KIND_LABELS = {CameraKind.FIXED: "Fixed", CameraKind.HANDHELD: "Handheld"}
# What audit records are about (their `object_type`).
OBJECT_NAMES = {
    "finding": "发现",
    "recording": "录像",
    "user": "用户",
    "scan_job": "扫描任务",
    "labelled_frame": "标注帧",
    "labels": "标注",
    "audit": "审计链",
    "export": "证据包",
}
YES_NO = {"zh-CN": ("是", "否"), "en": ("yes", "no")}
# The keys of audit records' details (api/audit_trail, api/routes, the command line's exports).
DETAIL_KEYS = {
    "analyzer_version": "分析器版本",
    "at": "时刻",
    "boxes": "框数",
    "boxes_before": "原框数",
    "bundles": "试卷袋",
    "camera": "摄像机",
    "cameras": "摄像机",
    "case": "案件",
    "clips": "片段",
    "comment": "意见",
    "derived": "派生片段",
    "finding": "发现",
    "frames": "帧数",
    "from": "原状态",
    "head": "链头",
    "intact": "完整",
    "lot": "批次",
    "made_by": "制作方式",
    "offset_ms": "偏移（毫秒）",
    "paths": "路径",
    "played": "播放时段",
    "range": "字节范围",
    "recording": "录像",
    "records": "记录数",
    "role": "角色",
    "since": "起",
    "skipped": "跳过",
    "started_from": "起始框来源",
    "to": "新状态",
    "until": "止",
    "via": "方式",
    "width": "宽度",
}


def is_nothing(value: object) -> bool:
    """None, an empty string or an empty collection: what a page shows as 无."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, Collection) and len(value) == 0


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _readable(value: str) -> str:
    """ "frozen_video" -> "frozen video"; "clip.view" stays as the trail writes it."""
    return value.replace("_", " ")


@dataclass(frozen=True)
class Words:
    """The names of one page: its language and the site's zone."""

    lang: str
    zone: tzinfo

    @property
    def chinese(self) -> bool:
        return self.lang == CHINESE

    @property
    def none(self) -> str:
        return NONE_WORD[CHINESE if self.chinese else "en"]

    def kind(self, kind: FindingKind | str) -> str:
        value = FindingKind(kind) if kind in set(FindingKind) else None
        if value is None:
            return str(kind)
        return kind_short(value) if self.chinese else _readable(value.value)

    def severity(self, severity: Severity | str) -> str:
        value = Severity(severity)
        return severity_name(value) if self.chinese else value.value.capitalize()

    def review(self, state: ReviewState | str) -> str:
        value = ReviewState(state)
        return review_name(value) if self.chinese else value.value.capitalize()

    def event(self, event: EventType) -> str:
        if self.chinese:
            return event_name(event)
        return EVENT_LABELS.get(event) or _readable(event.value).capitalize()

    def leg(self, leg: LegKind) -> str:
        return leg_name(leg) if self.chinese else leg.value.capitalize()

    def camera_kind(self, kind: CameraKind | None) -> str:
        if kind is None:
            return self.none
        if self.chinese:
            return camera_kind_name(kind)
        return CAMERA_KIND_LABELS.get(kind) or _readable(kind.value).capitalize()

    def stored(self, text: str | None) -> str:
        """A problem or error the product keeps in English (an audit chain's break, a failed
        job's error): as written on an English page, in Chinese on a Chinese one (the stored
        text is never changed); 无 for nothing."""
        if text is None or is_nothing(text):
            return self.none
        return in_chinese(text) if self.chinese else text

    def action(self, action: str) -> str:
        if not self.chinese:
            return action
        return action_name(action)

    def role(self, role: str) -> str:
        return ROLE_NAMES.get(role, role) if self.chinese else role

    def state(self, state: str) -> str:
        return STATE_NAMES[CHINESE if self.chinese else "en"].get(state, state)

    def when(self, moment: float | datetime | None) -> str:
        """A moment as "2026-11-24 08:30:15" in the site's zone (stated once per page by
        `zone_line`); nothing is 无."""
        if moment is None:
            return self.none
        posix = moment.timestamp() if isinstance(moment, datetime) else moment
        return stamp(posix, self.zone)

    def clock(self, posix: float) -> str:
        """The time of day alone, "08:30:15", for chart axes."""
        return datetime.fromtimestamp(posix, self.zone).strftime("%H:%M:%S")

    def duration(self, seconds: float) -> str:
        """ "12.5 秒", "3 分 20 秒", "6 小时 5 分" (en: s, min, h)."""
        zh = self.chinese
        if seconds < 60:
            return f"{seconds:.1f} 秒" if zh else f"{seconds:.1f} s"
        minutes, rest = divmod(round(seconds), 60)
        if minutes < 60:
            return f"{minutes} 分 {rest} 秒" if zh else f"{minutes} min {rest} s"
        hours, minutes = divmod(minutes, 60)
        return f"{hours} 小时 {minutes} 分" if zh else f"{hours} h {minutes} min"

    def zone_line(self, at: float) -> str:
        if self.chinese:
            return zone_note(self.zone, at)
        offset = datetime.fromtimestamp(at, self.zone).strftime("%z")
        return f"Times in {self.zone} (UTC{offset[:3]}:{offset[3:]})"

    def object_type(self, object_type: str) -> str:
        return OBJECT_NAMES.get(object_type, object_type) if self.chinese else object_type

    def detail_key(self, key: str) -> str:
        return DETAIL_KEYS.get(key, key) if self.chinese else key

    def detail(self, value: Any, key: str = "") -> str:
        """A value of an audit record's detail (under `key`) as a reader writes it: yes / no,
        a list joined, a review step's states by their names, 无 for nothing (never Python's
        `True`, `['a']`, `None`)."""
        if is_nothing(value):
            return self.none
        if isinstance(value, bool):
            return YES_NO[CHINESE if self.chinese else "en"][0 if value else 1]
        if isinstance(value, Mapping):
            return ", ".join(
                f"{self.detail_key(str(k))}: {self.detail(v)}" for k, v in value.items()
            )
        if key == "played" and isinstance(value, list):
            spans = self._played(value)
            if spans is not None:
                return spans
        if isinstance(value, list | tuple | set | frozenset):
            return ("、" if self.chinese else ", ").join(self.detail(v) for v in value)
        if key in ("from", "to") and value in set(ReviewState):
            return self.review(value)
        return str(value)

    def _played(self, spans: list[Any]) -> str | None:
        """A played clip's wall-clock spans ([[start, end], ...], POSIX seconds) as
        "2026-11-24 08:00:05–08:00:09", or None when they are not such pairs."""
        if not all(
            isinstance(pair, list) and len(pair) == 2 and all(_is_number(t) for t in pair)
            for pair in spans
        ):
            return None
        joined = "、" if self.chinese else ", "
        return joined.join(f"{self.when(start)}–{self.clock(end)}" for start, end in spans)

    def value(self, value: Any) -> Any:
        """`value` itself, or 无 where it is nothing (None, "", [], {})."""
        return self.none if is_nothing(value) else value
