"""Labelled frames on SQLite and PostgreSQL: stored boxes come back exactly, a second save of
a frame replaces its boxes and keeps the model the first correction started from, bad boxes
are refused, and labels never touch findings or recordings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from analyzer import ANALYZER_VERSION
from pipelines.store import save_scan_results
from pipelines.store.labels import (
    FrameKey,
    InvalidBoxesError,
    LabelFilter,
    LabelledFrame,
    UnknownLabelledFrameError,
    checked_boxes,
    count_labelled_frames,
    delete_labelled_frame,
    find_labelled_frame,
    get_labelled_frame,
    load_labelled_frames,
    save_labelled_frame,
)
from tests.pipelines.store.factories import T0, make_finding, make_recording
from tests.pipelines.store.helpers import table_rows

NOW = datetime(2026, 12, 7, 19, 30, 0, 123456, tzinfo=UTC)


def frame(offset_ms: int = 10_500, **overrides: Any) -> LabelledFrame:
    recording = make_recording()
    values: dict[str, Any] = {
        "key": FrameKey(recording.sha256, offset_ms),
        "camera": recording.camera,
        "at": recording.start + offset_ms / 1000,
        "width": 1920,
        "height": 1080,
        "boxes": [[10.25, 20.5, 110.75, 220.0], [0.0, 0.0, 1920.0, 1080.0]],
        "started_from": "bundle_yolo@ab1007139cc5",
        "finding_id": "f" * 64,
        "labelled_by": "inspector",
        "labelled_at": NOW,
    }
    return LabelledFrame(**{**values, **overrides})


@pytest.fixture
def stored(store: sa.Engine) -> sa.Engine:
    """A store holding the factories' recording and one finding on it."""
    with Session(store) as session:
        save_scan_results(
            session,
            recordings=[make_recording()],
            findings=[make_finding()],
            analyzer_version=ANALYZER_VERSION,
            params={"command": "test"},
        )
        session.commit()
    return store


def test_a_labelled_frame_round_trips(stored: sa.Engine) -> None:
    findings_before = table_rows(stored, "findings")
    recordings_before = table_rows(stored, "recordings")
    with Session(stored) as session:
        before, saved = save_labelled_frame(session, frame())
        session.commit()
    assert before is None and saved.id > 0
    with Session(stored) as session:
        got = get_labelled_frame(session, frame_id=saved.id)
        by_key = find_labelled_frame(session, saved.key)
    assert got is not None and by_key is not None and by_key.id == got.id
    want = frame()
    assert (got.key, got.camera, got.at, got.width, got.height) == (
        want.key,
        want.camera,
        want.at,
        want.width,
        want.height,
    )
    assert (got.started_from, got.finding_id, got.labelled_by, got.labelled_at) == (
        want.started_from,
        want.finding_id,
        want.labelled_by,
        NOW,
    )
    np.testing.assert_array_equal(got.boxes, want.boxes, strict=True)
    # Labels are beside the evidence, never in it.
    assert table_rows(stored, "findings") == findings_before
    assert table_rows(stored, "recordings") == recordings_before


def test_saving_a_frame_again_replaces_its_boxes(stored: sa.Engine) -> None:
    with Session(stored) as session:
        _, first = save_labelled_frame(session, frame())
        session.commit()
    later = NOW + timedelta(minutes=5)
    again = frame(
        boxes=[], started_from="other@000000000000", labelled_by="admin", labelled_at=later
    )
    with Session(stored) as session:
        before, second = save_labelled_frame(session, again)
        session.commit()
    assert before is not None and before.id == first.id
    np.testing.assert_array_equal(before.boxes, frame().boxes)
    assert second.id == first.id
    assert second.boxes.shape == (0, 4)  # a negative: the frame shows no bundle
    assert (second.labelled_by, second.labelled_at) == ("admin", later)
    # The model the boxes first came from stays: the correction was of its boxes.
    assert second.started_from == "bundle_yolo@ab1007139cc5"
    with Session(stored) as session:
        assert count_labelled_frames(session, LabelFilter()) == 1


def test_list_filters_by_camera_period_and_visibility(stored: sa.Engine) -> None:
    other = make_recording("rec-2", camera="vault-2")
    with Session(stored) as session:
        save_scan_results(
            session,
            recordings=[other],
            findings=[],
            analyzer_version=ANALYZER_VERSION,
            params={"command": "test"},
        )
        save_labelled_frame(session, frame(1_000))
        save_labelled_frame(session, frame(90_000))
        save_labelled_frame(
            session,
            frame(5_000, key=FrameKey(other.sha256, 5_000), camera="vault-2", at=T0 + 5),
        )
        session.commit()
        everything = load_labelled_frames(session, LabelFilter())
        assert [f.key.offset_ms for f in everything] == [1_000, 5_000, 90_000]
        assert [
            f.key.offset_ms for f in load_labelled_frames(session, LabelFilter(["vault-2"]))
        ] == [5_000]
        late = LabelFilter(since=T0 + 4, until=T0 + 100)
        assert [f.key.offset_ms for f in load_labelled_frames(session, late)] == [5_000, 90_000]
        seen = LabelFilter(visible_cameras=["vault-1"])
        assert count_labelled_frames(session, seen) == 2
        assert [
            f.key.offset_ms for f in load_labelled_frames(session, seen, offset=1, limit=1)
        ] == [90_000]


def test_delete_removes_the_frame_and_says_what_it_held(stored: sa.Engine) -> None:
    with Session(stored) as session:
        _, saved = save_labelled_frame(session, frame())
        session.commit()
    with Session(stored) as session:
        gone = delete_labelled_frame(session, frame_id=saved.id)
        session.commit()
        np.testing.assert_array_equal(gone.boxes, frame().boxes)
        assert get_labelled_frame(session, frame_id=saved.id) is None
        with pytest.raises(UnknownLabelledFrameError):
            delete_labelled_frame(session, frame_id=saved.id)


def test_a_frame_of_an_unknown_recording_is_refused(stored: sa.Engine) -> None:
    with Session(stored) as session, pytest.raises(IntegrityError):
        save_labelled_frame(session, frame(key=FrameKey("0" * 64, 0)))


@pytest.mark.parametrize(
    ("boxes", "problem"),
    [
        ([[10, 10, 5, 20]], "positive size"),
        ([[10, 10, 20, 10]], "positive size"),
        ([[-1, 0, 20, 20]], "leaves the 1920 x 1080 frame"),
        ([[0, 0, 1921, 20]], "leaves the 1920 x 1080 frame"),
        ([[0, 0, 20, 1080.5]], "leaves the 1920 x 1080 frame"),
        ([[0, 0, float("nan"), 20]], "not a number"),
        ([[0, 0, 20]], "shape"),
        ([[0, 0, 1, 1]] * 501, "at most 500"),
    ],
)
def test_bad_boxes_are_refused(boxes: list[list[float]], problem: str) -> None:
    with pytest.raises(InvalidBoxesError, match=problem):
        checked_boxes(boxes, 1920, 1080)
    with pytest.raises(InvalidBoxesError, match=problem):
        frame(boxes=boxes)


def test_boxes_on_the_frame_edges_are_boxes() -> None:
    got = checked_boxes([[0, 0, 1920, 1080]], 1920, 1080)
    assert got.dtype == np.float64 and got.shape == (1, 4)
    assert checked_boxes([], 1920, 1080).shape == (0, 4)
