"""What the writers print: times in the site's zone, form cells."""

from __future__ import annotations

from dataclasses import replace

from analyzer.intervals import Span
from pipelines.daily_report.coverage import coverage
from pipelines.daily_report.form import CameraShortfall, CheckStatus, FormRow
from pipelines.daily_report.periods import blocks_of_day
from pipelines.daily_report.text import row_text, shown_views, span_text, view_line
from pipelines.daily_report.views import Viewing
from pipelines.paper.names import zone_note
from pipelines.store.schema import ReviewState
from tests.pipelines.daily_report.helpers import DAY1, DAY2, SITE, ZONE, at, finding, stored


def test_span_text() -> None:
    assert span_text(Span(at(DAY1, "09:00"), at(DAY1, "09:10:30")), ZONE) == "09:00:00–09:10:30"
    assert span_text(Span(at(DAY1, "18:00"), at(DAY2, "00:00")), ZONE) == "18:00:00–24:00:00"
    assert (
        span_text(Span(at(DAY1, "23:00"), at(DAY2, "01:00")), ZONE)
        == "2026-11-24 23:00:00–2026-11-25 01:00:00"
    )


def test_zone_note() -> None:
    assert zone_note(ZONE, at(DAY1, "00:00")) == "时间为 Asia/Shanghai（UTC+08:00）"


def test_row_text_of_a_block_with_a_gap_a_view_and_findings() -> None:
    block = blocks_of_day(DAY1, ZONE)[1]
    cov = coverage(
        [Span(at(DAY1, "06:00"), at(DAY1, "09:00")), Span(at(DAY1, "09:10"), at(DAY1, "12:00"))],
        block.span,
    )
    view = Viewing(
        "张三",
        "inspector",
        "clip.view",
        at(DAY2, "01:00"),
        ("cam-1a",),
        Span(block.span.start, block.span.end),
        "finding",
        "x",
        7,
    )
    frozen = finding("cam-1a", at(DAY1, "07:00"), at(DAY1, "07:01"))
    row = FormRow(
        room=SITE.rooms[0],
        cameras=("cam-1a", "cam-1b"),
        block=block,
        coverage=cov,
        shortfalls=(CameraShortfall("cam-1b", 6 * 3600),),
        views=(view,),
        findings=(stored(frozen, ReviewState.CONFIRMED),),
        status=CheckStatus.INSPECTOR,
        played_s=cov.covered_s,
    )
    text = row_text(row, ZONE)
    assert (text.day, text.block) == ("2026-11-24", "06:00–12:00")
    assert text.cameras == "cam-1a\ncam-1b"
    assert text.scan.splitlines() == [
        "未覆盖 10.0 分钟",
        "09:00:00–09:10:00",
        "单机缺失：cam-1b 360.0 分钟",
    ]
    assert text.inspector.splitlines() == [
        "回放 350.0 分钟 / 录像 350.0 分钟",
        "张三（inspector）查看片段 2026-11-25 01:00:00",
    ]
    assert text.findings == "07:00:00 V2 画面冻结 frozen_video · 高 · 已确认 · cam-1a"
    assert text.status == "已检查（人工回放）"


def _view(action: str, moment: float, played: tuple[Span, ...] = ()) -> Viewing:
    span = played[0] if played else Span(at(DAY1, "07:00"), at(DAY1, "07:01"))
    return Viewing(
        "张三", "inspector", action, moment, ("cam-1a",), span, "finding", "f", 1, played
    )


def test_a_played_clip_says_what_was_played_and_stands_for_its_served_clip() -> None:
    served = _view("clip.view", at(DAY1, "13:00"))
    spans = (
        Span(at(DAY1, "07:00"), at(DAY1, "07:00:40")),
        Span(at(DAY1, "07:00:30"), at(DAY1, "07:01")),  # played again: one stretch
        Span(at(DAY1, "07:05"), at(DAY1, "07:06")),
        Span(at(DAY1, "07:10"), at(DAY1, "07:11")),
    )
    player = _view("clip.played", at(DAY1, "13:02"), spans)
    assert view_line(player, ZONE) == (
        "张三（inspector）播放 07:00:00–07:01:00、07:05:00–07:06:00 等 3 段 于 2026-11-24 13:02:00"
    )
    assert shown_views([served, player]) == [player]
    # Served and never reported played: listed as the view it was.
    other = replace(_view("clip.view", at(DAY1, "14:00")), object_id="g")
    assert shown_views([served, player, other]) == [player, other]
    assert view_line(other, ZONE) == "张三（inspector）查看片段 2026-11-24 14:00:00"
