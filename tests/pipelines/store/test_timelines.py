"""Count timelines in the store: exact round trips, size, idempotent re-saves, unknown
recordings, refused arrays and the filters rules use."""

from __future__ import annotations

import io
from dataclasses import replace
from typing import Any

import numpy as np
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from analyzer.counting import NOT_MEASURED, CountTimeline
from analyzer.findings import Finding
from analyzer.recording import RecordingInfo
from pipelines.store import (
    ScanSummary,
    UnknownRecordingError,
    load_count_timelines,
    save_scan_results,
)
from pipelines.store.schema import CountTimelineRow
from pipelines.store.timelines import counted_with_sha256
from tests.pipelines.store.factories import (
    COUNTED_WITH,
    T0,
    make_finding,
    make_recording,
    make_timeline,
    sha,
)
from tests.pipelines.store.helpers import assert_same_timelines, count, table_rows

DAY_AT_2_FPS = 24 * 60 * 60 * 2  # 172,800 frames


def save(
    session: Session,
    recordings: list[RecordingInfo],
    timelines: list[CountTimeline],
    *,
    findings: list[Finding] | None = None,
    version: str = "1.0",
) -> ScanSummary:
    return save_scan_results(
        session,
        recordings=recordings,
        findings=findings or [],
        analyzer_version=version,
        params={"command": "scan"},
        count_timelines=timelines,
    )


@pytest.mark.parametrize("frames", [0, 1, 7])
def test_round_trip_gives_equal_timelines(session: Session, frames: int) -> None:
    timeline = make_timeline(frames=frames)
    save(session, [make_recording()], [timeline])
    session.expire_all()

    [loaded] = load_count_timelines(session)
    assert_same_timelines([loaded], [timeline])
    assert len(loaded) == frames


def test_row_columns_and_blob_format(store: sa.Engine, session: Session) -> None:
    timeline = make_timeline()
    summary = save(session, [make_recording()], [timeline])

    [row] = table_rows(store, "count_timelines")
    assert row["counted_with"] == COUNTED_WITH
    assert row["counted_with_sha256"] == counted_with_sha256(COUNTED_WITH)
    assert len(row["counted_with_sha256"]) == 64 < len(COUNTED_WITH)
    assert (row["camera"], row["frames"], row["scan_id"]) == ("vault-1", 7, summary.scan_id)
    assert (row["start_s"], row["end_s"]) == (timeline.time[0], timeline.time[-1])  # exact
    assert row["created_at"].tzinfo is not None
    # The documented format: a plain .npz, readable without pickle.
    with np.load(io.BytesIO(row["data"]), allow_pickle=False) as archive:
        assert sorted(archive.files) == ["bundles", "confidence", "persons", "time"]
        assert archive["time"].dtype == np.dtype("<f8")
        assert archive["confidence"].dtype == np.dtype("<f4")
        np.testing.assert_array_equal(archive["persons"], timeline.persons, strict=True)


def test_empty_timeline_has_no_span(store: sa.Engine, session: Session) -> None:
    save(session, [make_recording()], [make_timeline(frames=0)])

    [row] = table_rows(store, "count_timelines")
    assert (row["frames"], row["start_s"], row["end_s"]) == (0, None, None)
    # No frames overlap no window.
    assert load_count_timelines(session, since=0.0) == []
    assert load_count_timelines(session, until=T0 + 1e9) == []


def test_day_long_timeline_stores_compactly(store: sa.Engine, session: Session) -> None:
    # A day at 2 fps in a vault room: empty at night, two people (three for a while) by day,
    # four bundles in view throughout; confidences jitter frame to frame as a detector's do.
    frames = DAY_AT_2_FPS
    hour = 2 * 60 * 60
    persons = np.zeros(frames, np.int64)
    persons[8 * hour : 17 * hour] = 2
    persons[10 * hour : 10 * hour + 1800] = 3
    bundles = np.full(frames, 4, np.int64)
    bundles[8 * hour + 60 : 8 * hour + 600] = NOT_MEASURED  # view blocked for a few minutes
    timeline = make_timeline(frames=frames, persons=persons, bundles=bundles)
    raw = sum(getattr(timeline, name).nbytes for name in ("time", "persons", "bundles"))
    raw += timeline.confidence.nbytes

    save(session, [make_recording()], [timeline])
    session.expire_all()

    stored = session.scalar(sa.select(sa.func.length(CountTimelineRow.data)))
    assert stored is not None
    print(f"24 h at 2 fps: {raw:,} bytes of arrays stored in {stored:,} ({stored / raw:.1%})")
    assert raw == frames * 28
    assert stored < raw / 5
    assert_same_timelines(load_count_timelines(session), [timeline])


def test_resave_adds_nothing_and_alters_nothing(store: sa.Engine, session: Session) -> None:
    timeline = make_timeline()
    first = save(session, [make_recording()], [timeline])
    before = table_rows(store, "count_timelines")

    # Same key, different contents: the stored timeline wins.
    recounted = replace(
        timeline, camera="vault-9", persons=timeline.persons + 1, time=timeline.time + 60.0
    )
    second = save(session, [], [recounted])

    assert (first.timelines_new, first.timelines_known) == (1, 0)
    assert (second.timelines_new, second.timelines_known) == (0, 1)
    assert table_rows(store, "count_timelines") == before
    assert_same_timelines(load_count_timelines(session), [timeline])
    scans = table_rows(store, "scans")
    assert [(s["timelines_new"], s["timelines_known"]) for s in scans] == [(1, 0), (0, 1)]


def test_repeats_within_one_save_count_once(store: sa.Engine, session: Session) -> None:
    timeline = make_timeline()
    summary = save(session, [make_recording()], [timeline, timeline])

    assert (summary.timelines_new, summary.timelines_known) == (1, 0)
    assert count(store, "count_timelines") == 1


def test_new_version_or_counting_setup_stores_another(session: Session) -> None:
    timeline = make_timeline()
    motion = replace(timeline, counted_with="motion fallback, every 1 s")
    save(session, [make_recording()], [timeline], version="1.0")
    summary = save(session, [], [timeline, motion], version="1.1")

    assert (summary.timelines_new, summary.timelines_known) == (2, 0)
    assert len(load_count_timelines(session)) == 3
    assert_same_timelines(load_count_timelines(session, analyzer_version="1.0"), [timeline])
    assert_same_timelines(load_count_timelines(session, counted_with=motion.counted_with), [motion])


def test_timeline_for_unknown_recording_is_rejected(store: sa.Engine, session: Session) -> None:
    orphan = make_timeline("never-ingested")

    with pytest.raises(UnknownRecordingError, match=sha("never-ingested")) as raised:
        save(session, [make_recording()], [make_timeline(), orphan], findings=[make_finding()])

    assert raised.value.sha256s == [sha("never-ingested")]
    # Rejected before anything was written, including the scan row.
    tables = ("scans", "recordings", "findings", "count_timelines")
    assert [count(store, name) for name in tables] == [0, 0, 0, 0]


def test_timeline_may_refer_to_a_recording_saved_earlier(session: Session) -> None:
    save(session, [make_recording()], [])
    summary = save(session, [], [make_timeline()])

    assert summary.timelines_new == 1


def _with(**arrays: Any) -> CountTimeline:
    return replace(make_timeline(), **arrays)


@pytest.mark.parametrize(
    ("timeline", "error"),
    [
        (_with(persons=np.full(7, 2, np.int32)), "persons must be an \\(n,\\) int64"),
        (_with(confidence=np.full(7, 0.9)), "confidence must be an \\(n,\\) float32"),
        (_with(time=np.full(7, T0, np.float32)), "time must be an \\(n,\\) float64"),
        (
            _with(
                time=np.full((7, 1), T0),
                persons=np.full((7, 1), 2),
                bundles=np.full((7, 1), 4),
                confidence=np.ones((7, 1), np.float32),
            ),
            "time must be an \\(n,\\) float64 array, got \\(7, 1\\)",
        ),
        (_with(time=T0 - np.arange(7.0)), "time must not decrease"),
        (_with(time=np.append(T0 + np.arange(6.0), np.nan)), "time must be finite"),
        (_with(counted_with=""), "counted_with must not be empty"),
    ],
)
def test_timelines_the_store_cannot_keep_exactly_are_refused(
    store: sa.Engine, session: Session, timeline: CountTimeline, error: str
) -> None:
    with pytest.raises(ValueError, match=error):
        save(session, [make_recording()], [timeline])

    assert [count(store, name) for name in ("scans", "recordings", "count_timelines")] == [0, 0, 0]


def test_repeated_frame_times_are_kept(session: Session) -> None:
    # Two frames with one timestamp happen with sloppy PTS; the order is still sound.
    timeline = _with(time=T0 + np.array([0.0, 0.5, 0.5, 1.0, 1.5, 2.0, 2.5]))
    save(session, [make_recording()], [timeline])

    assert_same_timelines(load_count_timelines(session), [timeline])


# a, d, e: rec-1 on vault-1 from T0 (d by analyzer 2.0, e by another setup from T0 + 0.25);
# b: rec-2 on vault-1 from T0 + 100; c: rec-3 on vault-2 from T0 + 50; f: rec-4, no frames.
# Each non-empty one spans 3 s (7 frames, 0.5 s apart).
@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, "adebfc"),
        ({"camera": "vault-2"}, "c"),
        ({"recording_sha256": sha("rec-1")}, "ade"),
        ({"analyzer_version": "2.0"}, "d"),
        ({"counted_with": "motion fallback"}, "e"),
        ({"camera": "vault-1", "analyzer_version": "1.0"}, "aebf"),
        # Overlap semantics, inclusive ends: a and d end at T0 + 3, c starts at T0 + 50.
        ({"since": T0 + 3.0, "until": T0 + 50.0}, "adec"),
        ({"since": T0 + 3.1}, "ebc"),
        ({"until": T0 + 0.1}, "ad"),
        ({"since": T0 + 200.0}, ""),
    ],
)
def test_load_count_timelines_filters_and_orders_by_camera_then_start(
    session: Session, filters: dict[str, Any], expected: str
) -> None:
    timelines = {
        "a": make_timeline("rec-1"),
        "b": make_timeline("rec-2", offset=100.0),
        "c": make_timeline("rec-3", offset=50.0, camera="vault-2"),
        "e": make_timeline("rec-1", offset=0.25, counted_with="motion fallback"),
        "f": make_timeline("rec-4", frames=0),
    }
    recordings = [make_recording(name) for name in ("rec-1", "rec-2", "rec-4")]
    recordings.append(make_recording("rec-3", camera="vault-2"))
    save(session, recordings, [*timelines.values()])
    timelines["d"] = make_timeline("rec-1", persons=np.full(7, 1, np.int64))
    save(session, [], [timelines["d"]], version="2.0")

    loaded = load_count_timelines(session, **filters)
    assert_same_timelines(loaded, [timelines[label] for label in expected])
