"""Saving scan results: round trips, idempotent re-saves, unknown recordings, concurrency."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from analyzer.counting import CountTimeline
from analyzer.findings import Finding, FindingKind, Severity
from analyzer.recording import RecordingInfo
from pipelines.store import (
    ReviewState,
    ScanSummary,
    UnknownRecordingError,
    get_recording,
    load_findings,
    load_recordings,
    recording_paths,
    save_scan_results,
)
from pipelines.store.findings import add_findings
from pipelines.store.recordings import add_recordings
from pipelines.store.schema import ScanRow
from tests.pipelines.store.factories import T0, make_finding, make_recording, make_timeline, sha
from tests.pipelines.store.helpers import count, table_rows


def save(
    session: Session,
    recordings: list[RecordingInfo],
    findings: list[Finding],
    version: str = "1.0",
    timelines: list[CountTimeline] | None = None,
) -> ScanSummary:
    return save_scan_results(
        session,
        recordings=recordings,
        findings=findings,
        analyzer_version=version,
        params={"command": "scan", "paths": ["/footage"], "fps": 5},
        count_timelines=timelines or [],
    )


def test_round_trip_gives_equal_dataclasses(session: Session) -> None:
    recordings = [make_recording("rec-1"), make_recording("rec-2", camera="vault-2")]
    findings = [
        make_finding(10.0),
        make_finding(20.0, counts=None, frame_time=None, frame=None, custody_leg=None),
        # A gap between files belongs to no recording.
        make_finding(30.0, kind=FindingKind.COVERAGE_GAP, recording_sha256=None),
    ]
    save(session, recordings, findings)
    session.expire_all()

    assert load_recordings(session) == recordings
    loaded = load_findings(session)
    assert loaded == findings
    # `frame` is excluded from Finding equality; it must survive too.
    assert [f.frame for f in loaded] == [f.frame for f in findings]
    assert [f.id for f in loaded] == [f.id for f in findings]
    assert all(isinstance(f.kind, FindingKind) for f in loaded)
    assert get_recording(session, sha256=sha("rec-2")) == recordings[1]
    assert get_recording(session, sha256=sha("nope")) is None


def test_datetimes_are_utc_and_match_the_floats(store: sa.Engine, session: Session) -> None:
    finding = make_finding()
    save(session, [make_recording()], [finding])

    [row] = table_rows(store, "findings")
    for column, seconds in (("start", finding.start), ("end", finding.end)):
        value = row[column]
        assert value.utcoffset() == timedelta(0)
        assert abs(value.timestamp() - seconds) < 1e-6
    assert row["start_s"] == finding.start  # exact, not merely close
    assert row["duration_s"] == finding.duration_s
    assert row["review_state"] == ReviewState.OPEN
    [recording] = table_rows(store, "recordings")
    assert recording["start"] == datetime.fromtimestamp(T0, UTC)
    assert recording["first_seen_at"].tzinfo is not None


def test_first_save_counts_everything_new(store: sa.Engine, session: Session) -> None:
    summary = save(session, [make_recording()], [make_finding(1), make_finding(2)])

    assert (summary.recordings_new, summary.recordings_known) == (1, 0)
    assert (summary.findings_new, summary.findings_known) == (2, 0)
    assert (summary.timelines_new, summary.timelines_known) == (0, 0)
    [scan] = table_rows(store, "scans")
    assert scan["id"] == summary.scan_id
    assert scan["analyzer_version"] == "1.0"
    assert scan["params"] == {"command": "scan", "paths": ["/footage"], "fps": 5}
    assert (scan["findings_new"], scan["findings_known"]) == (2, 0)
    assert scan["started_at"] <= scan["finished_at"]


def test_resave_adds_nothing_and_alters_nothing(store: sa.Engine, session: Session) -> None:
    recording = make_recording()
    findings = [make_finding(1), make_finding(2)]
    first = save(session, [recording], findings)
    before = {name: table_rows(store, name) for name in ("recordings", "findings")}

    # Same keys, different contents: the stored rows win, silently rewriting them would
    # falsify the audit trail.
    moved = replace(recording, path="/elsewhere/copy.mp4", codec="hevc", decode_errors=7)
    reworded = [replace(f, detail="other words", severity=Severity.LOW) for f in findings]
    second = save(session, [moved], reworded)

    assert (second.recordings_new, second.recordings_known) == (0, 1)
    assert (second.findings_new, second.findings_known) == (0, 2)
    assert second.scan_id != first.scan_id
    assert {name: table_rows(store, name) for name in before} == before
    assert recording_paths(session, sha256=recording.sha256) == [
        recording.path,
        "/elsewhere/copy.mp4",
    ]
    assert load_recordings(session) == [recording]
    assert count(store, "scans") == 2


def test_repeats_within_one_save_count_once(store: sa.Engine, session: Session) -> None:
    recording = make_recording()
    summary = save(session, [recording, recording], [make_finding(1), make_finding(1)])

    assert (summary.recordings_new, summary.recordings_known) == (1, 0)
    assert (summary.findings_new, summary.findings_known) == (1, 0)
    assert count(store, "findings") == 1


def test_new_analyzer_version_stores_its_own_findings(session: Session) -> None:
    finding = make_finding()
    save(session, [make_recording()], [finding], version="1.0")
    summary = save(session, [make_recording()], [finding], version="1.1")

    assert summary.findings_new == 1
    assert load_findings(session, analyzer_version="1.1") == [finding]
    assert load_findings(session) == [finding, finding]


def test_finding_for_unknown_recording_is_rejected(store: sa.Engine, session: Session) -> None:
    orphan = make_finding(recording_sha256=sha("never-ingested"))

    with pytest.raises(UnknownRecordingError, match=sha("never-ingested")) as raised:
        save(session, [make_recording()], [make_finding(1), orphan])

    assert raised.value.sha256s == [sha("never-ingested")]
    # Rejected before anything was written, including the scan row.
    assert [count(store, name) for name in ("scans", "recordings", "findings")] == [0, 0, 0]


def test_finding_may_refer_to_a_recording_saved_earlier(session: Session) -> None:
    save(session, [make_recording()], [])
    summary = save(session, [], [make_finding()])

    assert summary.findings_new == 1


def test_empty_analyzer_version_is_refused(session: Session) -> None:
    with pytest.raises(ValueError, match="analyzer_version"):
        save(session, [], [], version="")


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["a", "b", "c", "d"]),
        ({"camera": "vault-2"}, ["c"]),
        ({"kind": FindingKind.BLACK_VIDEO}, ["b"]),
        ({"rule": "frozen_video"}, ["a", "c", "d"]),
        ({"analyzer_version": "2.0"}, ["d"]),
        # a: [T0+10, T0+22.3], b: [T0+100, ...]; overlap semantics, inclusive ends.
        ({"since": T0 + 22.0, "until": T0 + 100.0}, ["a", "b"]),
        ({"since": T0 + 500.0}, ["c", "d"]),
        ({"until": T0 + 10.0}, ["a"]),
        ({"camera": "vault-1", "kind": FindingKind.FROZEN_VIDEO}, ["a", "d"]),
    ],
)
def test_load_findings_filters(
    session: Session, filters: dict[str, object], expected: list[str]
) -> None:
    findings = {
        "a": make_finding(10.0, detail="a"),
        "b": make_finding(100.0, kind=FindingKind.BLACK_VIDEO, rule="black_video", detail="b"),
        "c": make_finding(500.0, cameras=("vault-2",), recording_sha256=sha("rec-2"), detail="c"),
    }
    save(
        session, [make_recording(), make_recording("rec-2", camera="vault-2")], [*findings.values()]
    )
    findings["d"] = make_finding(600.0, detail="d")
    save(session, [], [findings["d"]], version="2.0")

    loaded = load_findings(session, **filters)  # type: ignore[arg-type]
    assert [f.detail for f in loaded] == expected


def test_load_recordings_by_camera(session: Session) -> None:
    one, two = make_recording("rec-1"), make_recording("rec-2", camera="vault-2")
    save(session, [two, one], [])

    assert load_recordings(session, camera="vault-2") == [two]
    assert load_recordings(session) == [one, two]


def test_load_recordings_still_running_at_a_time(session: Session) -> None:
    early = make_recording("early")  # T0 .. T0 + 600.04
    late = make_recording("late", start=T0 + 3600.0)
    save(session, [early, late], [])

    assert load_recordings(session, ending_after=T0 + 600.0) == [early, late]
    assert load_recordings(session, ending_after=T0 + 601.0) == [late]
    assert load_recordings(session, ending_after=T0 + 5000.0) == []


def test_concurrent_saves_store_each_row_once(store: sa.Engine) -> None:
    recordings = [make_recording(f"rec-{i}") for i in range(25)]
    findings = [
        make_finding(float(i), recording_sha256=recordings[i % 25].sha256) for i in range(400)
    ]
    timelines = [make_timeline(f"rec-{i}", frames=600) for i in range(25)]
    writers = 4
    barrier = threading.Barrier(writers)

    def write(_: int) -> ScanSummary:
        with Session(store) as session:
            barrier.wait()  # start together so the inserts really overlap
            return save(session, recordings, findings, timelines=timelines)

    with ThreadPoolExecutor(writers) as pool:
        summaries = list(pool.map(write, range(writers)))

    assert sum(s.recordings_new for s in summaries) == 25
    assert sum(s.findings_new for s in summaries) == 400
    assert sum(s.timelines_new for s in summaries) == 25
    for summary in summaries:
        assert summary.recordings_new + summary.recordings_known == 25
        assert summary.findings_new + summary.findings_known == 400
        assert summary.timelines_new + summary.timelines_known == 25
    assert count(store, "recordings") == 25
    assert count(store, "recording_paths") == 25
    assert count(store, "findings") == 400
    assert count(store, "count_timelines") == 25
    assert count(store, "scans") == writers


def test_writer_waits_for_an_uncommitted_twin_then_skips_it(store: sa.Engine) -> None:
    """The interleaving the thread test can only hope for, forced: writer A has inserted the
    same rows but not committed; writer B must wait, then count them as known."""
    recording, finding = make_recording(), make_finding()
    now = datetime.now(UTC)
    with Session(store) as first, ThreadPoolExecutor(1) as pool:
        scan = ScanRow(analyzer_version="1.0", started_at=now, params={})
        first.add(scan)
        first.flush()
        add_recordings(first, recordings=[recording], seen_at=now)
        add_findings(
            first, findings=[finding], analyzer_version="1.0", scan_id=scan.id, created_at=now
        )

        def write_second() -> ScanSummary:
            with Session(store) as second:
                return save(second, [recording], [finding])

        pending = pool.submit(write_second)
        with pytest.raises(TimeoutError):
            pending.result(timeout=0.5)  # blocked on A's uncommitted rows
        first.commit()
        summary = pending.result(timeout=10)

    assert (summary.recordings_new, summary.recordings_known) == (0, 1)
    assert (summary.findings_new, summary.findings_known) == (0, 1)
    assert count(store, "findings") == 1


def test_recordings_are_read_for_a_window(session: Session) -> None:
    early = make_recording("early", start=1000.0, duration_s=100.0, decoded_to=1100.0)
    late = make_recording("late", start=5000.0, duration_s=100.0, decoded_to=5100.0)
    save_scan_results(
        session, recordings=[early, late], findings=[], analyzer_version="1", params={}
    )

    def shas(**window: float) -> list[str]:
        return [r.sha256 for r in load_recordings(session, **window)]

    assert shas(ending_after=1050.0, starting_before=1200.0) == [sha("early")]
    assert shas(ending_after=1200.0, starting_before=5000.0) == [sha("late")]
    assert shas(ending_after=1100.0, starting_before=6000.0) == [sha("early"), sha("late")]
