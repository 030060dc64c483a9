"""Which time a camera's analysed recordings cover, and the gaps: pure functions on spans.

"Analysed" is what the scan decoded: a recording's start to its `decoded_to` (a truncated
file's missing tail is not footage anyone or anything has seen). Holes shorter than the
site's `segment_gap_s` are closed, as the scan does not call them coverage gaps either (NVR
segments rarely meet to the microsecond).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from analyzer.intervals import Span, clip_spans, merge_spans, subtract_spans
from analyzer.recording import RecordingInfo


@dataclass(frozen=True, slots=True)
class Bar:
    """A stretch drawn on a timeline: `left` and `width` as fractions (0..1) of its window."""

    left: float
    width: float


@dataclass(frozen=True, slots=True)
class Coverage:
    """A window and what covers it: `covered` and `gaps` are sorted, disjoint, inside the
    window, and together fill it (up to the holes too short to count)."""

    window: Span
    covered: tuple[Span, ...]
    gaps: tuple[Span, ...]

    @property
    def covered_s(self) -> float:
        return sum(span.duration_s for span in self.covered)

    @property
    def uncovered_s(self) -> float:
        return sum(span.duration_s for span in self.gaps)

    @property
    def complete(self) -> bool:
        return not self.gaps

    @property
    def empty(self) -> bool:
        return not self.covered

    @property
    def fraction(self) -> float:
        """Covered share of the window, 0..1."""
        length = self.window.duration_s
        return self.covered_s / length if length > 0 else 0.0


def analysed_span(recording: RecordingInfo) -> Span | None:
    """[start, decoded_to) of a recording, or None when nothing of it decoded."""
    if recording.decoded_to <= recording.start:
        return None
    return Span(recording.start, recording.decoded_to)


def analysed_spans(recordings: Iterable[RecordingInfo], cameras: Iterable[str]) -> list[Span]:
    """The analysed spans of the recordings of any of `cameras`, unsorted."""
    wanted = set(cameras)
    spans = (analysed_span(r) for r in recordings if r.camera in wanted)
    return [span for span in spans if span is not None]


def coverage(spans: Sequence[Span], window: Span, join_s: float = 0.0) -> Coverage:
    """What `spans` cover of `window`. Spans less than `join_s` apart are joined first (pass
    spans reaching outside the window too, so a join across its edge is seen), and gaps
    shorter than `join_s` are not gaps."""
    covered = clip_spans(merge_spans(list(spans), max_gap_s=join_s), window)
    gaps = [g for g in subtract_spans(window, covered) if g.duration_s >= join_s]
    # A dropped short gap is covered: the covered spans are the window less the real gaps.
    covered = subtract_spans(window, gaps) if covered else []
    return Coverage(window, tuple(covered), tuple(gaps))


def bars(spans: Iterable[Span], window: Span) -> tuple[Bar, ...]:
    """`spans` clipped to `window`, as fractions of it, in time order."""
    length = window.duration_s
    if length <= 0:
        return ()
    return tuple(
        Bar((s.start - window.start) / length, s.duration_s / length)
        for s in sorted(clip_spans(list(spans), window))
    )
