"""Chinese names for what the reports and the review pages print: finding kinds, severities,
review states, custody events and legs, camera kinds, audit actions.

The forms are filed on paper by people who read Chinese; the English value stays beside the
name where a reader may look it up (kinds), so an unknown new kind still prints its value.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from analyzer.custody import EventType, LegKind
from analyzer.findings import FindingKind, Severity
from analyzer.recording import CameraKind
from pipelines.store.schema import ReviewState

KIND_NAMES: dict[FindingKind, str] = {
    FindingKind.COVERAGE_GAP: "录像中断",
    FindingKind.TIMESTAMP_JUMP: "时间戳跳变",
    FindingKind.DROPPED_FRAMES: "丢帧",
    FindingKind.FROZEN_VIDEO: "画面冻结",
    FindingKind.BLACK_VIDEO: "黑屏",
    FindingKind.DECODE_ERROR: "录像损坏",
    FindingKind.UNREADABLE_RECORDING: "录像无法读取",
    FindingKind.LATE_RECORDING_START: "手持录像未及时开始",
    FindingKind.MISSING_ARRIVAL: "转运后无签收",
    FindingKind.LONE_PERSON: "单人接触试卷",
    FindingKind.NO_CARRIER: "画面中无押运人",
    FindingKind.PAPER_OFF_CAMERA: "试卷袋离开画面",
    FindingKind.BUNDLE_COUNT_MISMATCH: "袋数与交接单不符",
    FindingKind.UNLOGGED_ACCESS: "无登记进入保密室",
    FindingKind.DUTY_UNDERSTAFFED: "值班不足两人",
    FindingKind.EARLY_PICKUP: "提前领取试卷",
    FindingKind.CLOCK_JUMP: "画面时钟跳变",
    FindingKind.CLOCK_DRIFT: "画面时钟偏差",
    FindingKind.CLOCK_UNREADABLE: "画面时钟无法读取",
    FindingKind.OBSTRUCTED_VIEW: "镜头遮挡",
    FindingKind.BLURRED_VIEW: "画面模糊",
    FindingKind.CAMERA_MOVED: "摄像机移位",
}

SEVERITY_NAMES: dict[Severity, str] = {
    Severity.LOW: "低",
    Severity.MEDIUM: "中",
    Severity.HIGH: "高",
    Severity.CRITICAL: "严重",
}

REVIEW_NAMES: dict[ReviewState, str] = {
    ReviewState.OPEN: "待复核",
    ReviewState.CONFIRMED: "已确认",
    ReviewState.DISMISSED: "已排除",
}

LEG_NAMES: dict[LegKind, str] = {LegKind.STAY: "存放", LegKind.MOVE: "转运"}

EVENT_NAMES: dict[EventType, str] = {
    EventType.ARRIVE: "入库/到达",
    EventType.DEPART: "出库/离开",
    EventType.HANDOVER: "交接",
    EventType.OPEN: "开启",
    EventType.CLOSE: "关闭",
    EventType.DUTY: "值班",
}

CAMERA_KIND_NAMES: dict[CameraKind, str] = {CameraKind.FIXED: "固定", CameraKind.HANDHELD: "手持"}

# Every action the audit trail records (api/audit_trail.Action and the command line's).
ACTION_NAMES: dict[str, str] = {
    "recording.view": "调取录像文件",
    "recording.download": "下载录像文件",
    "clip.view": "查看片段",
    "clip.played": "播放片段",
    "clip.download": "下载片段",
    "thumbnail.view": "查看截图",
    "finding.review": "复核发现",
    "login": "登录",
    "login.failed": "登录失败",
    "logout": "退出登录",
    "scan.submit": "提交扫描",
    "user.create": "新建用户",
    "label.save": "保存标注",
    "label.delete": "删除标注",
    "labels.export": "导出标注",
    "audit.verify": "校验审计链",
    "export.create": "导出证据包",
}


def kind_short(kind: FindingKind) -> str:
    """The kind's Chinese name alone ("画面冻结"), for screens that show the value elsewhere;
    a kind without a name is its value."""
    return KIND_NAMES.get(kind, kind.value)


def kind_name(kind: FindingKind) -> str:
    """The kind as "画面冻结 frozen_video"; a kind without a name prints its value alone."""
    name = KIND_NAMES.get(kind)
    return f"{name} {kind.value}" if name else kind.value


def severity_name(severity: Severity) -> str:
    return SEVERITY_NAMES.get(severity, severity.value)


def review_name(state: ReviewState) -> str:
    return REVIEW_NAMES.get(state, state.value)


def event_name(event: EventType) -> str:
    return EVENT_NAMES.get(event, event.value)


def leg_name(leg: LegKind) -> str:
    return LEG_NAMES.get(leg, leg.value)


def camera_kind_name(kind: CameraKind) -> str:
    return CAMERA_KIND_NAMES.get(kind, kind.value)


def action_name(action: str) -> str:
    return ACTION_NAMES.get(action, action)


def stamp(posix: float, zone: tzinfo) -> str:
    """A moment as every printed document writes it: "2026-11-24 08:00:00" in the site's zone
    (the zone is stated once per document)."""
    return datetime.fromtimestamp(posix, zone).strftime("%Y-%m-%d %H:%M:%S")


def zone_note(zone: tzinfo, at: float) -> str:
    """The zone as it stood at `at`: "时间为 Asia/Shanghai（UTC+08:00）"."""
    moment = datetime.fromtimestamp(at, zone)
    offset = moment.strftime("%z")
    return f"时间为 {zone}（UTC{offset[:3]}:{offset[3:]}）"
