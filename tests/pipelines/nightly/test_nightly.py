"""Nightly runs in this process: incremental (nothing new, nothing analysed), changed and
added files taken up, one coordinator at a time, a run killed half way completed by the next
with the same findings as an uninterrupted run, and the findings `vaultwatch scan` makes."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from pipelines.cli import main
from pipelines.nightly.context import RunConfig
from pipelines.nightly.executors import InProcessExecutor, UnitFailure
from pipelines.nightly.lock import RunLocked, run_lock
from pipelines.nightly.run import NightlyError, run_nightly
from pipelines.nightly.units import AnalysisUnit
from pipelines.store import open_store
from pipelines.store.nightly import RunState, get_run, list_runs
from tests.clips import noisy_scene, regular, write_clip
from tests.pipelines.nightly.conftest import (
    SEGMENTS,
    comparable,
    make_site,
    stored_findings,
    stored_timeline_count,
)

pytestmark = pytest.mark.video


def config_of(site, db_url: str) -> RunConfig:  # type: ignore[no-untyped-def]
    return RunConfig(db_url=db_url, site_path=str(site.site))


def rows(db_url: str, table: str) -> int:
    engine = open_store(db_url)
    with engine.connect() as connection:
        count = connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()
    engine.dispose()
    return int(count)


def test_a_second_run_analyses_nothing_and_changes_are_taken_up(
    segments: Path, tmp_path: Path, db_url: str
) -> None:
    site = make_site(tmp_path, segments, db_url, names=list(SEGMENTS)[:5])
    config = config_of(site, db_url)
    first = run_nightly(config, InProcessExecutor())
    assert (first.files_seen, first.files_hashed, first.units) == (5, 5, 5)
    kinds = {f.kind.value for f in stored_findings(db_url)}
    assert {"coverage_gap", "frozen_video"} <= kinds

    again = run_nightly(config, InProcessExecutor())
    assert (again.files_hashed, again.units, again.finalized.analyses) == (0, 0, 0)
    assert rows(db_url, "recording_analyses") == 5

    # A segment exported again with other content, and the missing sixth one arrives.
    changed = site.media / "a_20261124080020.mp4"
    write_clip(changed, regular(6.0, 10), noisy_scene(seed=99), preset="ultrafast")
    shutil.copy(segments / "b_20261124080012.mp4", site.media / "b_20261124080012.mp4")
    third = run_nightly(config, InProcessExecutor())
    assert (third.files_seen, third.files_hashed, third.units) == (6, 2, 2)
    assert rows(db_url, "recording_analyses") == 7
    engine = open_store(db_url)
    with Session(engine) as session:
        run = get_run(session, third.run_id)
        runs = [(r.id, r.units_total, r.units_done) for r in list_runs(session)]
    engine.dispose()
    assert runs == [(third.run_id, 2, 2), (again.run_id, 0, 0), (first.run_id, 5, 5)]
    assert run is not None and (run.state, run.units_total, run.units_done) == (RunState.DONE, 2, 2)


def test_the_nightly_finds_what_scan_finds(segments: Path, tmp_path: Path) -> None:
    night = make_site(tmp_path / "night", segments, f"sqlite:///{tmp_path / 'night.db'}")
    run_nightly(config_of(night, night.db_url), InProcessExecutor(workers=2))
    scanned = f"sqlite:///{tmp_path / 'scan.db'}"
    assert main(["scan", str(night.media), "--site", str(night.site), "--db", scanned]) == 0
    assert comparable(stored_findings(night.db_url)) == comparable(stored_findings(scanned))
    assert stored_timeline_count(night.db_url) == stored_timeline_count(scanned) == 6


@pytest.mark.parametrize("first", ["early", "late"])
def test_scan_and_nightly_agree_whichever_files_come_first(
    segments: Path, tmp_path: Path, first: str
) -> None:
    """The files arrive in two batches, the early ones or the late ones first: two scans and
    two nightly runs store the same findings, among them the gap of cam-a that lies between
    the batches (each camera's new files are judged against its stored ones)."""
    early = [name for name, at in SEGMENTS.items() if at < 12]
    late = [name for name, at in SEGMENTS.items() if at >= 12]
    batches = [early, late] if first == "early" else [late, early]
    night = make_site(tmp_path / "night", segments, f"sqlite:///{tmp_path / 'night.db'}", [])
    scanned = f"sqlite:///{tmp_path / 'scan.db'}"
    for batch in batches:
        for name in batch:
            shutil.copy(segments / name, night.media / name)
        run_nightly(config_of(night, night.db_url), InProcessExecutor())
        paths = [str(segments / name) for name in batch]
        assert main(["scan", *paths, "--site", str(night.site), "--db", scanned]) == 0
    found = comparable(stored_findings(scanned))
    assert comparable(stored_findings(night.db_url)) == found
    gaps = [
        (camera, end - start) for _, kind, camera, start, end, _ in found if kind == "coverage_gap"
    ]
    assert gaps == [("cam-a", pytest.approx(8.0, abs=0.2))]


class Crashing:
    """Runs `after` units, then dies the way a killed coordinator does (nothing after it
    runs: no finalize, no report)."""

    name = "inprocess"

    def __init__(self, after: int) -> None:
        self.after = after

    def run(
        self, units: Sequence[AnalysisUnit], config: RunConfig, done: Callable[[], None]
    ) -> list[UnitFailure]:
        InProcessExecutor().run(units[: self.after], config, done)
        raise KeyboardInterrupt("killed")


@pytest.mark.parametrize("after", [0, 1, 4, 6])
def test_a_run_killed_half_way_is_completed_by_the_next(
    segments: Path, tmp_path: Path, after: int
) -> None:
    reference = make_site(tmp_path / "ref", segments, f"sqlite:///{tmp_path / 'ref.db'}")
    run_nightly(config_of(reference, reference.db_url), InProcessExecutor())
    site = make_site(tmp_path / "crash", segments, f"sqlite:///{tmp_path / 'crash.db'}")
    config = config_of(site, site.db_url)
    with pytest.raises(KeyboardInterrupt):
        run_nightly(config, Crashing(after))
    # Nothing half-written: the killed run's analyses are whole, no finding stored yet.
    assert rows(site.db_url, "recording_analyses") == after
    assert rows(site.db_url, "findings") == 0
    finished = run_nightly(config, InProcessExecutor())
    assert finished.units == 6 - after
    assert comparable(stored_findings(site.db_url)) == comparable(stored_findings(reference.db_url))
    for table in ("findings", "recordings", "count_timelines", "recording_analyses"):
        assert rows(site.db_url, table) == rows(reference.db_url, table), table
    engine = open_store(site.db_url)
    with Session(engine) as session:
        killed = get_run(session, 1)
    engine.dispose()
    assert (
        killed is not None and killed.state is RunState.FAILED and "killed" in (killed.error or "")
    )


def test_one_coordinator_at_a_time(segments: Path, tmp_path: Path, db_url: str) -> None:
    site = make_site(tmp_path, segments, db_url, names=[])
    engine = open_store(db_url)
    try:
        with run_lock(engine), pytest.raises(RunLocked):
            run_nightly(config_of(site, db_url), InProcessExecutor())
    finally:
        engine.dispose()


def test_a_site_without_media_roots_is_refused(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    site = tmp_path / "site.yaml"
    site.write_text("timezone: Asia/Shanghai\n", encoding="utf-8")
    with pytest.raises(NightlyError, match="media_roots"):
        run_nightly(RunConfig(f"sqlite:///{tmp_path / 'x.db'}", str(site)), InProcessExecutor())
    assert main(["nightly", "--site", str(site), "--db", f"sqlite:///{tmp_path / 'x.db'}"]) == 2
    assert "media_roots" in capsys.readouterr().err


def test_the_night_writes_its_reports(segments: Path, tmp_path: Path) -> None:
    site = make_site(tmp_path, segments, f"sqlite:///{tmp_path / 'r.db'}")
    outcome = run_nightly(
        config_of(site, site.db_url), InProcessExecutor(), reports_dir=tmp_path / "out"
    )
    names = sorted(path.name for path in outcome.reports)
    assert names == [
        "daily-site-2026-11-24.html",
        "daily-site-2026-11-24.pdf",
        "playback-site-2026-11-24.html",
        "playback-site-2026-11-24.pdf",
    ]
    form = (tmp_path / "out" / "playback-site-2026-11-24.html").read_text(encoding="utf-8")
    assert "vault-1" in form and "vault-2" in form
    # Nothing new the next night: no analysis, no report rewritten.
    assert (
        run_nightly(
            config_of(site, site.db_url), InProcessExecutor(), reports_dir=tmp_path / "out"
        ).reports
        == []
    )
