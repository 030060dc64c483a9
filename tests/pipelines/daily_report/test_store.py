"""The form and the day report gathered from a real store (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from analyzer.custody import LegKind
from pipelines.daily_report import CheckStatus, gather_day, gather_form
from pipelines.store import open_store
from pipelines.store.schema import ReviewState
from tests.pipelines.daily_report import scenario
from tests.pipelines.daily_report.helpers import DAY1, DAY2, SITE, ZONE


@pytest.fixture
def store(db_url: str, tmp_path: Path) -> Iterator[tuple[sa.Engine, scenario.Stored]]:
    engine = open_store(db_url)
    stored = scenario.populate(engine, tmp_path)
    yield engine, stored
    engine.dispose()


def test_form_from_the_store(store: tuple[sa.Engine, scenario.Stored]) -> None:
    engine, _ = store
    with Session(engine) as session:
        form = gather_form(session, SITE, ZONE, DAY1, 2)
    assert len(form.rows) == 2 * 2 * 4
    assert form.days == (DAY1, DAY2)

    rows = form.rows_of("vault-1")
    assert [(r.block.day, r.block.label) for r in rows] == [
        (day, label)
        for day in (DAY1, DAY2)
        for label in ("00:00–06:00", "06:00–12:00", "12:00–18:00", "18:00–24:00")
    ]
    assert [r.status for r in rows] == [
        CheckStatus.SCAN,
        CheckStatus.NOT_CHECKED,
        CheckStatus.SCAN,
        CheckStatus.NOT_CHECKED,  # a download plays nothing (V12)
        CheckStatus.INSPECTOR,  # the five recorded hours played as a clip
        CheckStatus.NO_RECORDING,
        CheckStatus.SCAN,  # a 10-s clip does not check six hours
        CheckStatus.NO_RECORDING,
    ]
    assert [round(r.uncovered_minutes, 6) for r in rows] == [0, 10, 0, 30, 60, 360, 0, 360]
    assert [(g.start, g.end) for g in rows[1].coverage.gaps] == [
        (scenario.F_GAP.start, scenario.F_GAP.end)
    ]
    # The thumbnail looked at in block 06–12 is not a playback check.
    assert rows[1].views == ()
    assert [(v.actor, v.action) for v in rows[3].views] == [("张三", "recording.view")]
    assert [(v.actor, v.action) for v in rows[4].views] == [
        ("王五", "clip.view"),
        ("王五", "clip.played"),
    ]
    assert [(r.played_s, r.recorded_s) for r in rows[3:5]] == [(0, 5.5 * 3600), (5 * 3600,) * 2]
    assert rows[6].played_s == 10
    assert [(v.actor, v.action) for v in rows[5].views] == [("李四", "finding.review")]
    assert [(v.actor, v.action) for v in rows[6].views] == [
        ("王五", "clip.view"),
        ("王五", "clip.played"),
    ]
    # Two cameras sharing block 12–18: together complete, each missing part.
    assert [(s.camera, round(s.uncovered_s, 3)) for s in rows[2].shortfalls] == [
        ("cam-1a", 3 * 3600),
        ("cam-1b", 3 * 3600 - 0.5),
    ]

    def ids(index: int) -> list[str]:
        return [s.finding.id for s in rows[index].findings]

    cross, gap, room = scenario.F_CROSS.id, scenario.F_GAP.id, scenario.F_ROOM.id
    assert ids(0) == [cross]
    assert ids(1) == [cross, gap]
    assert ids(2) == [room]
    assert ids(3) == []  # the older analyzer's finding is not listed
    assert ids(5) == [scenario.F_D2_GAP.id]
    assert ids(4) == [scenario.F_D2_NIGHT.id]
    assert ids(6) == [scenario.F_D2.id]
    assert rows[6].findings[0].review_state is ReviewState.CONFIRMED

    empty = form.rows_of("vault-2")
    assert len(empty) == 8
    assert all(r.status is CheckStatus.NO_RECORDING and not r.checked for r in empty)
    assert all(r.cameras == ("cam-2",) and r.findings == () for r in empty)


def test_day_report_from_the_store(store: tuple[sa.Engine, scenario.Stored]) -> None:
    engine, stored = store
    with Session(engine) as session:
        first = gather_day(session, SITE, ZONE, DAY1)
        second = gather_day(session, SITE, ZONE, DAY2)
    assert [s.finding.id for s in first.findings] == [
        scenario.F_CROSS.id,
        scenario.F_GAP.id,
        scenario.F_ROOM.id,
    ]
    assert {(g.rule, g.count) for g in first.groups} == {("V1", 1), ("V2", 1), ("V7", 1)}
    cam_1a = next(c for c in first.cameras if c.camera == "cam-1a")
    assert cam_1a.recordings == 6
    assert [(g.start, g.end) for g in cam_1a.coverage.gaps] == [
        (scenario.F_GAP.start, scenario.F_GAP.end),
        (scenario.R_AFTERNOON_A.end, scenario.R_AFTERNOON_B.end),  # cam-1b's part
        (scenario.R_EVENING.end, scenario.R_LATE.start),
    ]
    assert [t.path for t in first.thumbnails] == [stored.frame]
    assert [(lot.lot, lot.kind, lot.from_room, lot.end) for lot in first.lots] == [
        ("L1", LegKind.STAY, "vault-1", None)
    ]
    assert [(lot.kind, lot.from_room, lot.to_room) for lot in second.lots] == [
        (LegKind.STAY, "vault-1", "vault-1"),
        (LegKind.MOVE, "vault-1", "office-1"),
        (LegKind.STAY, "office-1", "office-1"),
    ]
    phone = next(c for c in second.cameras if c.camera == "phone-1")
    assert phone.coverage.covered_s == 30 * 60
