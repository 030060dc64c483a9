"""The words and times the HTML and PDF writers print, made once so both say the same.

Times print in the site's wall clock; each document states the zone and its offset once
(`zone_note`), so cells can show "08:30:15" rather than a full ISO-8601 stamp.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from analyzer.intervals import Span, merge_spans
from pipelines.daily_report.form import FormRow, PlaybackForm
from pipelines.daily_report.labels import (
    action_name,
    kind_name,
    review_name,
    severity_name,
    status_name,
)
from pipelines.daily_report.views import Viewing
from pipelines.paper.names import stamp
from pipelines.store.finding_query import StoredFinding

FORM_TITLE = "保密室录像回放检查记录表"
DAY_TITLE = "保密室监控日报"
# Beyond these a cell says how many more; the review service lists them all.
MAX_GAPS_SHOWN = 4
MAX_VIEWS_SHOWN = 3
# Played spans named in one inspection's line.
MAX_SPANS_SHOWN = 2
MAX_FINDINGS_SHOWN = 6


@dataclass(frozen=True, slots=True)
class RowText:
    """A form row as printed: one string per column (lines separated by newlines)."""

    day: str
    block: str
    cameras: str
    scan: str
    inspector: str
    findings: str
    status: str


def clock(posix: float, zone: tzinfo) -> str:
    return datetime.fromtimestamp(posix, zone).strftime("%H:%M:%S")


def day_text(day: date) -> str:
    return day.isoformat()


def span_text(span: Span, zone: tzinfo) -> str:
    """The span as "08:00:00–08:12:30"; an end at the next midnight is "24:00:00"; with
    dates where the span runs into a later day."""
    first = datetime.fromtimestamp(span.start, zone)
    last = datetime.fromtimestamp(span.end, zone)
    if last.date() == first.date():
        return f"{first:%H:%M:%S}–{last:%H:%M:%S}"
    if last == datetime.combine(first.date() + timedelta(days=1), time(0), tzinfo=zone):
        return f"{first:%H:%M:%S}–24:00:00"
    return f"{first:%Y-%m-%d %H:%M:%S}–{last:%Y-%m-%d %H:%M:%S}"


def minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f} 分钟"


def site_label(name: str) -> str:
    return name or "站点"


def period_text(days: Sequence[date]) -> str:
    if len(days) == 1:
        return day_text(days[0])
    return f"{day_text(days[0])} 至 {day_text(days[-1])}"


def finding_line(stored: StoredFinding, zone: tzinfo) -> str:
    """A finding in a cell: "08:12:30 V2 画面冻结 frozen_video · 高 · 待复核 · vault-a"."""
    f = stored.finding
    return (
        f"{clock(f.start, zone)} {f.rule} {kind_name(f.kind)} · {severity_name(f.severity)} · "
        f"{review_name(stored.review_state)} · {f.camera}"
    )


def view_line(view: Viewing, zone: tzinfo) -> str:
    """An inspection in a cell: "张三（inspector）查看片段 2026-11-25 07:10:02"; footage the
    player played says which: "张三（inspector）播放 08:00:05–08:02:05 于 2026-11-25 07:10:02"."""
    role = f"（{view.role}）" if view.role else ""
    if view.played:
        spans = merge_spans(list(view.played))
        shown = "、".join(span_text(span, zone) for span in spans[:MAX_SPANS_SHOWN])
        more = f" 等 {len(spans)} 段" if len(spans) > MAX_SPANS_SHOWN else ""
        return f"{view.actor}{role}播放 {shown}{more} 于 {stamp(view.at, zone)}"
    return f"{view.actor}{role}{action_name(view.action)} {stamp(view.at, zone)}"


def shown_views(views: Sequence[Viewing]) -> list[Viewing]:
    """The inspections a cell lists: a clip served to someone whose player then reported
    playing it is said by the played line alone (it names what was played)."""
    played = {(v.actor, v.object_type, v.object_id) for v in views if v.played}
    return [
        v
        for v in views
        if v.action != "clip.view" or (v.actor, v.object_type, v.object_id) not in played
    ]


def _limited(lines: list[str], limit: int, unit: str) -> str:
    shown = lines[:limit]
    if len(lines) > limit:
        shown.append(f"另 {len(lines) - limit} {unit}")
    return "\n".join(shown)


def row_text(row: FormRow, zone: tzinfo) -> RowText:
    """What the form prints for `row`."""
    cov = row.coverage
    if cov.empty:
        scan = "无录像"
    elif cov.complete:
        scan = "全时段已分析"
    else:
        gaps = [span_text(gap, zone) for gap in cov.gaps]
        scan = f"未覆盖 {minutes(cov.uncovered_s)}\n" + _limited(gaps, MAX_GAPS_SHOWN, "段")
    # With one camera its shortfall is the room's; with several, say which camera lacks time.
    if len(row.cameras) > 1 and row.shortfalls and not cov.empty:
        scan += "\n单机缺失：" + "；".join(
            f"{s.camera} {minutes(s.uncovered_s)}" for s in row.shortfalls
        )
    views = [view_line(v, zone) for v in shown_views(row.views)]
    if row.views and not cov.empty:
        # How much of the block's footage was played in front of someone (V12).
        views.insert(0, f"回放 {minutes(row.played_s)} / 录像 {minutes(row.recorded_s)}")
    findings = [finding_line(s, zone) for s in row.findings]
    return RowText(
        day=day_text(row.block.day),
        block=row.block.label,
        cameras="\n".join(row.cameras) or "（无固定摄像机）",
        scan=scan,
        inspector=_limited(views, MAX_VIEWS_SHOWN, "次") or "无",
        findings=_limited(findings, MAX_FINDINGS_SHOWN, "项") or "无",
        status=status_name(row.status),
    )


def form_summary(form: PlaybackForm) -> str:
    """The form's tally: "共 8 个时段：已检查 5，未检查 2，无录像 1"."""
    checked = sum(1 for row in form.rows if row.checked)
    empty = sum(1 for row in form.rows if row.coverage.empty)
    unchecked = len(form.rows) - checked - empty
    return f"共 {len(form.rows)} 个时段：已检查 {checked}，未检查 {unchecked}，无录像 {empty}"
