"""The playback-check form built from hand-made store contents: one row per vault and block,
and the verdict on each."""

from __future__ import annotations

import pytest

from analyzer.findings import FindingKind
from analyzer.intervals import Span
from pipelines.daily_report.coverage import coverage
from pipelines.daily_report.form import (
    CheckStatus,
    FormRow,
    build_form,
    check_status,
    played_s,
)
from pipelines.daily_report.periods import period_window
from pipelines.site import Site
from pipelines.store.audit import AuditRecord
from tests.pipelines.daily_report.helpers import (
    DAY1,
    DAY2,
    SITE,
    ZONE,
    at,
    audit,
    extract,
    finding,
    played,
    recording,
    sha,
    stored,
)

W = Span(0, 100)


@pytest.mark.parametrize(
    ("spans", "played", "status", "checked"),
    [
        ([(0, 100)], [], CheckStatus.SCAN, True),
        ([(0, 100)], [(0, 100)], CheckStatus.SCAN_AND_INSPECTOR, True),
        ([(0, 60)], [(0, 60)], CheckStatus.INSPECTOR, True),
        # Played over the gap too: only the recorded footage counts, and all of it was played.
        ([(0, 60)], [(0, 80)], CheckStatus.INSPECTOR, True),
        # 95 % of the recorded footage is enough (seeking and clip edges lose seconds).
        ([(0, 60)], [(0, 30), (31.5, 59)], CheckStatus.INSPECTOR, True),
        # A 22-s clip does not check a block of 60 s of footage (V12).
        ([(0, 60)], [(10, 32)], CheckStatus.NOT_CHECKED, False),
        # Two viewings of the same half count once.
        ([(0, 60)], [(0, 30), (0, 30)], CheckStatus.NOT_CHECKED, False),
        ([(0, 60)], [], CheckStatus.NOT_CHECKED, False),
        ([], [], CheckStatus.NO_RECORDING, False),
        # Nothing to play back: playing a gap's clip does not check the block.
        ([], [(0, 50)], CheckStatus.NO_RECORDING, False),
    ],
)
def test_check_status(
    spans: list[tuple[float, float]],
    played: list[tuple[float, float]],
    status: CheckStatus,
    checked: bool,
) -> None:
    result = check_status(coverage([Span(*s) for s in spans], W), [Span(*p) for p in played])
    assert result is status
    assert result.checked is checked


def test_played_seconds_count_recorded_footage_once() -> None:
    block = coverage([Span(0, 40), Span(60, 100)], W)
    assert played_s(block, [Span(30, 70), Span(35, 45)]) == pytest.approx(20.0)


def test_every_vault_and_block_has_a_row_even_without_footage() -> None:
    days = (DAY1, DAY2)
    form = build_form(SITE, ZONE, days, extract(period_window(days, ZONE)))
    assert len(form.rows) == 2 * 2 * 4
    assert [room.id for room in form.vaults] == ["vault-1", "vault-2"]
    assert {row.status for row in form.rows} == {CheckStatus.NO_RECORDING}
    first = form.rows_of("vault-1")
    assert [(r.block.day, r.block.index) for r in first] == [(d, i) for d in days for i in range(4)]
    assert first[0].cameras == ("cam-1a", "cam-1b")
    assert form.rows_of("vault-2")[0].cameras == ("cam-2",)


def test_rows_of_one_day() -> None:
    full = recording("full", "cam-2", at(DAY1, "00:00"), at(DAY1, "06:00"))
    holed = recording("holed", "cam-2", at(DAY1, "06:00"), at(DAY1, "11:00"))
    duty = recording("duty", "cam-duty", at(DAY1, "12:00"), at(DAY1, "18:00"))
    crossing = finding("cam-2", at(DAY1, "05:59"), at(DAY1, "06:01"))
    gap = finding("cam-2", at(DAY1, "11:00"), at(DAY1, "12:00"), kind=FindingKind.COVERAGE_GAP)
    old = finding("cam-2", at(DAY1, "01:00"), at(DAY1, "01:01"), detail="older analyzer")
    days = (DAY1,)
    form = build_form(
        SITE,
        ZONE,
        days,
        extract(
            period_window(days, ZONE),
            recordings=(full, holed, duty),
            findings=(stored(crossing), stored(gap), stored(old, version="0.0.1")),
            audit_records=(
                audit(1, "李四", "finding.review", "finding", gap.id, at(DAY1, "13:00")),
                audit(2, "张三", "clip.view", "finding", crossing.id, at(DAY1, "13:05")),
                played(
                    3,
                    "张三",
                    crossing.id,
                    "cam-2",
                    [(crossing.start, crossing.end)],
                    at(DAY1, "13:06"),
                ),
            ),
        ),
    )
    rows = form.rows_of("vault-2")
    assert [r.status for r in rows] == [
        CheckStatus.SCAN,
        # A review decision and a 2-min clip do not check 5 h of footage (V12).
        CheckStatus.NOT_CHECKED,
        CheckStatus.NO_RECORDING,  # the duty room's camera is not the vault's
        CheckStatus.NO_RECORDING,
    ]
    assert [s.finding for s in rows[0].findings] == [crossing]
    assert [s.finding for s in rows[1].findings] == [crossing, gap]
    assert rows[1].uncovered_minutes == 60
    assert [(v.actor, v.action) for v in rows[1].views] == [
        ("李四", "finding.review"),
        ("张三", "clip.view"),
        ("张三", "clip.played"),
    ]
    # The clip's minute played inside the block, of the block's five recorded hours.
    assert (rows[1].played_s, rows[1].recorded_s) == (60.0, 5 * 3600.0)
    assert rows[0].played_s == 60.0
    assert all(r.status is CheckStatus.NO_RECORDING for r in form.rows_of("vault-1"))


def test_a_site_without_vaults_has_an_empty_form() -> None:
    days = (DAY1,)
    form = build_form(Site(), ZONE, days, extract(period_window(days, ZONE)))
    assert form.rows == ()


def _played_through_form(*records: AuditRecord) -> FormRow:
    """Block 06–12 of vault-2 on day 1 (five recorded hours, 06:00–11:00) with `records`."""
    holed = recording("holed", "cam-2", at(DAY1, "06:00"), at(DAY1, "11:00"))
    days = (DAY1,)
    form = build_form(
        SITE,
        ZONE,
        days,
        extract(
            period_window(days, ZONE),
            recordings=(holed,),
            findings=(stored(LONG_VISIT),),
            audit_records=records,
        ),
    )
    return form.rows_of("vault-2")[1]


LONG_VISIT = finding(
    "cam-2", at(DAY1, "06:00"), at(DAY1, "10:50"), kind=FindingKind.UNLOGGED_ACCESS
)


def test_a_block_played_through_is_checked_by_the_inspector() -> None:
    # Played in three sittings, the second going over part of the first again.
    sittings = [
        (at(DAY1, "06:00"), at(DAY1, "08:00")),
        (at(DAY1, "07:30"), at(DAY1, "09:00")),
        (at(DAY1, "09:00"), at(DAY1, "10:50")),
    ]
    block = _played_through_form(
        played(1, "张三", LONG_VISIT.id, "cam-2", sittings[:2], at(DAY1, "13:00")),
        played(2, "张三", LONG_VISIT.id, "cam-2", sittings[2:], at(DAY1, "13:30")),
        # A download of the file is listed but plays nothing.
        audit(3, "李四", "recording.view", "recording", sha("holed"), at(DAY1, "13:10")),
    )
    assert block.status is CheckStatus.INSPECTOR
    assert block.played_s / block.recorded_s == pytest.approx(290 / 300)
    assert [v.actor for v in block.views] == ["张三", "张三", "李四"]


def test_a_clip_served_but_not_played_does_not_check_the_block() -> None:
    """Serving the whole finding's clip (`clip.view`) is not playing it (V12): only the
    player's report counts, and here it played a minute."""
    block = _played_through_form(
        audit(1, "张三", "clip.view", "finding", LONG_VISIT.id, at(DAY1, "13:00")),
        played(
            2,
            "张三",
            LONG_VISIT.id,
            "cam-2",
            [(at(DAY1, "06:00"), at(DAY1, "06:01"))],
            at(DAY1, "13:01"),
        ),
    )
    assert block.status is CheckStatus.NOT_CHECKED
    assert (block.played_s, block.recorded_s) == (60.0, 5 * 3600.0)


def test_played_spans_of_another_vaults_camera_do_not_count() -> None:
    block = _played_through_form(
        played(
            1,
            "张三",
            LONG_VISIT.id,
            "cam-1a",
            [(at(DAY1, "06:00"), at(DAY1, "11:00"))],
            at(DAY1, "13:00"),
        ),
    )
    assert block.status is CheckStatus.NOT_CHECKED and block.played_s == 0
