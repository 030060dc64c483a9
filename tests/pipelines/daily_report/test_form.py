"""The playback-check form built from hand-made store contents: one row per vault and block,
and the verdict on each."""

from __future__ import annotations

import pytest

from analyzer.findings import FindingKind
from analyzer.intervals import Span
from pipelines.daily_report.coverage import coverage
from pipelines.daily_report.form import CheckStatus, build_form, check_status
from pipelines.daily_report.periods import period_window
from pipelines.daily_report.views import Viewing
from pipelines.site import Site
from tests.pipelines.daily_report.helpers import (
    DAY1,
    DAY2,
    SITE,
    ZONE,
    at,
    audit,
    extract,
    finding,
    recording,
    stored,
)

W = Span(0, 100)
VIEW = Viewing("张三", "inspector", "recording.view", 200, ("c",), Span(0, 50), "recording", "x", 1)


@pytest.mark.parametrize(
    ("spans", "views", "status", "checked"),
    [
        ([(0, 100)], [], CheckStatus.SCAN, True),
        ([(0, 100)], [VIEW], CheckStatus.SCAN_AND_INSPECTOR, True),
        ([(0, 60)], [VIEW], CheckStatus.INSPECTOR, True),
        ([(0, 60)], [], CheckStatus.NOT_CHECKED, False),
        ([], [], CheckStatus.NO_RECORDING, False),
        # Nothing to play back: a person reviewing a gap's finding does not check the block.
        ([], [VIEW], CheckStatus.NO_RECORDING, False),
    ],
)
def test_check_status(
    spans: list[tuple[float, float]], views: list[Viewing], status: CheckStatus, checked: bool
) -> None:
    result = check_status(coverage([Span(*s) for s in spans], W), views)
    assert result is status
    assert result.checked is checked


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
            ),
        ),
    )
    rows = form.rows_of("vault-2")
    assert [r.status for r in rows] == [
        CheckStatus.SCAN,
        CheckStatus.INSPECTOR,
        CheckStatus.NO_RECORDING,  # the duty room's camera is not the vault's
        CheckStatus.NO_RECORDING,
    ]
    assert [s.finding for s in rows[0].findings] == [crossing]
    assert [s.finding for s in rows[1].findings] == [crossing, gap]
    assert rows[1].uncovered_minutes == 60
    assert [v.actor for v in rows[1].views] == ["李四"]
    assert all(r.status is CheckStatus.NO_RECORDING for r in form.rows_of("vault-1"))


def test_a_site_without_vaults_has_an_empty_form() -> None:
    days = (DAY1,)
    form = build_form(Site(), ZONE, days, extract(period_window(days, ZONE)))
    assert form.rows == ()
