"""The review UI's words in Chinese (the default: inspectors' working language) and English.

Templates call `t("key")`; a key missing from a language falls back to Chinese, and a key
missing from Chinese is a bug the tests catch (`test_every_template_key_is_translated`).
"""

from __future__ import annotations

from collections.abc import Callable

DEFAULT_LANGUAGE = "zh-CN"
LANGUAGES = ("zh-CN", "en")
LANGUAGE_COOKIE = "vaultwatch_lang"

MESSAGES: dict[str, dict[str, str]] = {
    "zh-CN": {
        "app": "VaultWatch 试卷保密监控审查",
        "findings": "发现问题",
        "lots": "试卷批次",
        "cameras": "摄像机",
        "audit": "审计日志",
        "jobs": "扫描任务",
        "login": "登录",
        "logout": "退出",
        "username": "用户名",
        "password": "密码",
        "login_failed": "用户名或密码错误",
        "severity": "严重程度",
        "camera": "摄像机",
        "kind": "类型",
        "rule": "规则",
        "lot": "批次",
        "state": "审查状态",
        "start": "开始",
        "end": "结束",
        "duration": "时长",
        "detail": "说明",
        "filter": "筛选",
        "any": "全部",
        "previous": "上一页",
        "next": "下一页",
        "of": "共",
        "confirm": "确认问题",
        "dismiss": "驳回",
        "reopen": "重新打开",
        "comment": "审查意见",
        "comment_needed": "请填写审查意见",
        "reviews": "审查记录",
        "show_boxes": "显示人员和试卷框",
        "counts_chart": "人数与试卷袋数",
        "persons": "人数",
        "bundles": "试卷袋",
        "custody": "交接记录",
        "custody_event": "交接事件",
        "custody_leg": "保管阶段",
        "no_video": "该问题没有可播放的录像",
        "no_counts": "没有计数数据",
        "counted_by": "计数模型",
        "count_confidence": "计数置信度",
        "low_confidence": "置信度低：请人工查看录像核实",
        "low_confidence_short": "计数置信度低",
        "recording": "录像",
        "download": "下载原始录像",
        "legs": "保管阶段",
        "events": "交接事件",
        "coverage": "录像覆盖",
        "day": "日期",
        "day_timeline": "全天时间线",
        "time": "时间",
        "actor": "操作人",
        "action": "操作",
        "object": "对象",
        "client": "来源地址",
        "verify_chain": "校验审计链",
        "chain_intact": "审计链完整",
        "chain_broken": "审计链已被破坏",
        "records": "条记录",
        "no_findings": "没有符合条件的问题",
        "language": "English",
        "back": "返回",
        "persons_in_room": "在场人员",
        "bundles_count": "试卷袋数",
        "location": "地点",
        "type": "类型",
        "role": "角色",
        "scan_path": "媒体目录下的路径",
        "scan_submit": "提交扫描",
        "scan_jobs": "手动扫描任务",
        "nightly_runs": "夜间扫描",
        "paths": "路径",
        "files": "文件（新哈希）",
        "progress": "进度",
        "bundles_counted_by": "试卷袋计数模型",
        "camera_bundle_model": "摄像机当前的试卷袋模型",
        "label_bundles": "标注试卷袋",
        "label_help": (
            "在画面空白处拖动可画新框；拖动已有的框可移动它；点选一个框后按 Delete 键或"
            "“删除框”按钮删除；改完后点“保存标注”。保存的标注用于训练试卷袋检测模型，"
            "不会改动问题记录和原始录像。"
        ),
        "label_delete_box": "删除框",
        "label_save": "保存标注",
        "label_saved": "标注已保存",
        "label_failed": "标注未保存",
        "label_unsaved": "有未保存的修改",
        "label_boxes": "个试卷袋框",
        "label_from_detector": "框来自模型 {model} 的检测结果（尚未保存）",
        "label_from_labelled": "{who} 于 {when} 保存的标注，修改自模型 {model} 的检测结果",
        "label_from_none": "该摄像机没有试卷袋模型：请手动画框",
        "label_read_only": "只有审查员可以修改标注",
        "bundles_on_form": "交接单记载",
        "not_counted_persons": "该摄像机不计人数",
        "gap_in_counts": "空白处为无计数数据（录像中断或未分析）",
        "error_title": "出错了",
    },
    "en": {
        "app": "VaultWatch exam-paper custody review",
        "findings": "Findings",
        "lots": "Lots",
        "cameras": "Cameras",
        "audit": "Audit log",
        "jobs": "Scan jobs",
        "login": "Sign in",
        "logout": "Sign out",
        "username": "User name",
        "password": "Password",
        "login_failed": "Wrong user name or password",
        "severity": "Severity",
        "camera": "Camera",
        "kind": "Kind",
        "rule": "Rule",
        "lot": "Lot",
        "state": "Review state",
        "start": "Start",
        "end": "End",
        "duration": "Duration",
        "detail": "Detail",
        "filter": "Filter",
        "any": "Any",
        "previous": "Previous",
        "next": "Next",
        "of": "of",
        "confirm": "Confirm",
        "dismiss": "Dismiss",
        "reopen": "Reopen",
        "comment": "Comment",
        "comment_needed": "A comment is needed",
        "reviews": "Reviews",
        "show_boxes": "Box people and bundles",
        "counts_chart": "People and bundles",
        "persons": "People",
        "bundles": "Bundles",
        "custody": "Custody",
        "custody_event": "Custody event",
        "custody_leg": "Custody leg",
        "no_video": "No playable footage for this finding",
        "no_counts": "No counts",
        "counted_by": "Counted by",
        "count_confidence": "Count confidence",
        "low_confidence": "low: check the footage before acting on it",
        "low_confidence_short": "low-confidence counts",
        "recording": "Recording",
        "download": "Download the original",
        "legs": "Legs",
        "events": "Events",
        "coverage": "Footage",
        "day": "Day",
        "day_timeline": "Day timeline",
        "time": "Time",
        "actor": "Who",
        "action": "Action",
        "object": "Object",
        "client": "From",
        "verify_chain": "Verify the chain",
        "chain_intact": "The audit chain is intact",
        "chain_broken": "The audit chain is broken",
        "records": "records",
        "no_findings": "No findings match",
        "language": "中文",
        "back": "Back",
        "persons_in_room": "People",
        "bundles_count": "Bundles",
        "location": "Location",
        "type": "Type",
        "role": "Role",
        "scan_path": "Path under the media roots",
        "scan_submit": "Scan",
        "scan_jobs": "Scan jobs",
        "nightly_runs": "Nightly runs",
        "paths": "Paths",
        "files": "Files (hashed)",
        "progress": "Progress",
        "bundles_counted_by": "Bundles counted by",
        "camera_bundle_model": "The camera's bundle model",
        "label_bundles": "Label bundles",
        "label_help": (
            "Drag on an empty part of the picture to draw a box; drag a box to move it; "
            "select a box and press Delete (or the button) to remove it; then save. Saved "
            "labels train the bundle detector; they never change the finding or the original "
            "recording."
        ),
        "label_delete_box": "Delete box",
        "label_save": "Save labels",
        "label_saved": "Labels saved",
        "label_failed": "Labels not saved",
        "label_unsaved": "unsaved changes",
        "label_boxes": "bundle boxes",
        "label_from_detector": "Boxes found by {model} (not saved yet)",
        "label_from_labelled": "Saved by {who} at {when}, corrected from the boxes of {model}",
        "label_from_none": "This camera has no bundle model: draw the boxes",
        "label_read_only": "Only inspectors may change labels",
        "bundles_on_form": "on the form",
        "not_counted_persons": "This camera counts no people",
        "gap_in_counts": "Blank stretches have no counts (no footage, or not analysed)",
        "error_title": "Something went wrong",
    },
}


# What an error means, by its stable code (`api.errors.ErrorCode`); the API's messages are
# English sentences for clients, so a Chinese page says what the code means instead.
ERROR_WORDS: dict[str, str] = {
    "unauthenticated": "请先登录",
    "forbidden": "无权执行此操作",
    "not_found": "找不到该对象，或您无权查看",
    "invalid_request": "请求的参数无效",
    "conflict": "该操作与当前状态冲突（可能已被他人处理）",
    "outside_media_roots": "路径不在服务的媒体目录下",
    "media_unavailable": "录像文件无法读取（已移动、不在媒体目录下或已损坏）",
    "range_not_satisfiable": "请求的录像范围无效",
    "too_many_requests": "尝试次数过多，请稍后再试",
    "method_not_allowed": "不支持此操作",
    "not_acceptable": "无法提供所请求的格式",
    "unsupported_media_type": "不支持的内容类型",
    "internal_error": "服务内部错误，请联系管理员",
}


def error_words(language: str, code: str, message: str) -> str:
    """An error for a page: on a Chinese page what its code means, on an English page the
    API's message."""
    if language_of(language) != DEFAULT_LANGUAGE:
        return message
    return ERROR_WORDS.get(code, ERROR_WORDS["internal_error"])


def language_of(cookie: str | None) -> str:
    return cookie if cookie in LANGUAGES else DEFAULT_LANGUAGE


def translator(language: str) -> Callable[[str], str]:
    words = MESSAGES[language_of(language)]
    fallback = MESSAGES[DEFAULT_LANGUAGE]

    def t(key: str) -> str:
        return words.get(key) or fallback[key]

    return t
