"""Inspections read from audit records: which footage they name, and when."""

from __future__ import annotations

import pytest

from analyzer.intervals import Span
from pipelines.daily_report.views import touches, viewings
from tests.pipelines.daily_report.helpers import (
    DAY1,
    DAY2,
    at,
    audit,
    finding,
    played,
    recording,
)

REC = recording("r1", "cam-1a", at(DAY1, "18:00"), at(DAY1, "20:00"))
ROOM_FINDING = finding("cam-1a+cam-1b", at(DAY1, "13:00"), at(DAY1, "13:00:12"))
FINDINGS = {ROOM_FINDING.id: ROOM_FINDING}
RECORDINGS = {REC.sha256: REC}


def test_views_and_reviews_name_their_footage() -> None:
    records = [
        audit(1, "张三", "recording.view", "recording", REC.sha256, at(DAY2, "01:00")),
        audit(2, "李四", "clip.view", "finding", ROOM_FINDING.id, at(DAY1, "15:00")),
        audit(3, "王五", "finding.review", "finding", ROOM_FINDING.id, at(DAY1, "16:00")),
    ]
    found = viewings(records, findings=FINDINGS, recordings=RECORDINGS)
    assert [(v.actor, v.action, v.cameras) for v in found] == [
        ("张三", "recording.view", ("cam-1a",)),
        ("李四", "clip.view", ("cam-1a", "cam-1b")),
        ("王五", "finding.review", ("cam-1a", "cam-1b")),
    ]
    assert found[0].seen == Span(REC.start, REC.decoded_to)
    assert found[0].at == at(DAY2, "01:00")
    assert found[1].seen == Span(ROOM_FINDING.start, ROOM_FINDING.end)


def test_other_actions_and_unknown_objects_are_not_inspections() -> None:
    records = [
        audit(1, "a", "thumbnail.view", "finding", ROOM_FINDING.id, at(DAY2, "01:00")),
        audit(2, "a", "recording.download", "recording", REC.sha256, at(DAY2, "01:00")),
        audit(3, "a", "login", "user", "a", at(DAY2, "01:00")),
        audit(4, "a", "clip.view", "finding", "no-such-finding", at(DAY2, "01:00")),
        audit(5, "a", "recording.view", "recording", "f" * 64, at(DAY2, "01:00")),
    ]
    assert viewings(records, findings=FINDINGS, recordings=RECORDINGS) == ()


def test_nothing_is_seen_after_the_moment_of_the_view() -> None:
    # Watching a recording still being written at 19:00 cannot check its later part.
    early = audit(1, "a", "recording.view", "recording", REC.sha256, at(DAY1, "19:00"))
    (view,) = viewings([early], findings=FINDINGS, recordings=RECORDINGS)
    assert view.seen == Span(REC.start, at(DAY1, "19:00"))
    before = audit(2, "a", "recording.view", "recording", REC.sha256, at(DAY1, "17:00"))
    assert viewings([before], findings=FINDINGS, recordings=RECORDINGS) == ()


@pytest.mark.parametrize(
    ("span", "expected"),
    [
        ((5, 15), True),
        ((0, 10), False),  # ends where the window starts
        ((20, 30), False),  # starts where the window ends
        ((10, 10), True),  # a moment at the window's start belongs to it
        ((20, 20), False),
        ((0, 40), True),
    ],
)
def test_touches_half_open_windows(span: tuple[float, float], expected: bool) -> None:
    assert touches(Span(*span), Span(10, 20)) is expected


def test_a_played_clip_names_its_camera_and_the_spans_played() -> None:
    spans = [
        (at(DAY1, "13:00"), at(DAY1, "13:00:05")),
        (at(DAY1, "13:00:08"), at(DAY1, "13:00:12")),
    ]
    record = played(1, "李四", ROOM_FINDING.id, "cam-1b", spans, at(DAY1, "15:00"))
    (view,) = viewings([record], findings={}, recordings={})
    assert (view.action, view.cameras) == ("clip.played", ("cam-1b",))
    assert view.played == tuple(Span(*s) for s in spans)
    assert view.seen == Span(spans[0][0], spans[1][1])


def test_served_clips_play_nothing() -> None:
    record = audit(1, "李四", "clip.view", "finding", ROOM_FINDING.id, at(DAY1, "15:00"))
    (view,) = viewings([record], findings=FINDINGS, recordings=RECORDINGS)
    assert view.played == ()


@pytest.mark.parametrize(
    "detail",
    [
        {},
        {"camera": "cam-1a"},
        {"played": [[0, 10]]},
        {"camera": "", "played": [[0, 10]]},
        {"camera": "cam-1a", "played": "0-10"},
        {"camera": "cam-1a", "played": []},
        {"camera": "cam-1a", "played": [[10, 0]]},
        {"camera": "cam-1a", "played": [[0, 10, 20]]},
        {"camera": "cam-1a", "played": [["0", "10"]]},
        {"camera": "cam-1a", "played": [[True, 10]]},
        {"camera": "cam-1a", "played": [[0, float("nan")]]},
        {"camera": "cam-1a", "played": [[0, 10], [5, float("inf")]]},
    ],
)
def test_a_played_record_that_means_nothing_counts_nothing(detail: dict[str, object]) -> None:
    record = audit(1, "a", "clip.played", "finding", ROOM_FINDING.id, at(DAY1, "15:00"), detail)
    assert viewings([record], findings=FINDINGS, recordings=RECORDINGS) == ()


def test_nothing_is_played_after_the_moment_of_the_report() -> None:
    spans = [(at(DAY1, "13:00"), at(DAY1, "15:30")), (at(DAY1, "15:10"), at(DAY1, "15:20"))]
    (view,) = viewings(
        [played(1, "a", ROOM_FINDING.id, "cam-1a", spans, at(DAY1, "15:00"))],
        findings={},
        recordings={},
    )
    assert view.played == (Span(at(DAY1, "13:00"), at(DAY1, "15:00")),)
