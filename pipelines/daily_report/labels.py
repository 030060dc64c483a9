"""Chinese names for what the daily report prints: the shared names of `pipelines.paper.names`
and the playback-check statuses of the report's form."""

from __future__ import annotations

from pipelines.daily_report.form import CheckStatus
from pipelines.paper.names import (
    ACTION_NAMES,
    CAMERA_KIND_NAMES,
    KIND_NAMES,
    LEG_NAMES,
    REVIEW_NAMES,
    SEVERITY_NAMES,
    action_name,
    kind_name,
    review_name,
    severity_name,
)

__all__ = [
    "ACTION_NAMES",
    "CAMERA_KIND_NAMES",
    "KIND_NAMES",
    "LEG_NAMES",
    "REVIEW_NAMES",
    "SEVERITY_NAMES",
    "STATUS_NAMES",
    "action_name",
    "kind_name",
    "review_name",
    "severity_name",
    "status_name",
]

STATUS_NAMES: dict[CheckStatus, str] = {
    CheckStatus.SCAN: "已检查（自动扫描）",
    CheckStatus.INSPECTOR: "已检查（人工回放）",
    CheckStatus.SCAN_AND_INSPECTOR: "已检查（自动扫描、人工回放）",
    CheckStatus.NOT_CHECKED: "未检查",
    CheckStatus.NO_RECORDING: "无录像，未检查",
}


def status_name(status: CheckStatus) -> str:
    return STATUS_NAMES[status]
