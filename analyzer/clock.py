"""The on-screen clock against the video's own timestamps: cuts, drift and unreadable stretches.

A cut made before export leaves the container's timestamps continuous; only the clock burned
into the picture jumps (V2). Pure functions from the readings of one recording to findings.

The clock shows whole seconds, so `shown - file time` of a steady clock scatters over one
second; a change of that offset by `clock_jump_s` or more, held by `confirm_readings` readings
in a row, is a jump. A lone reading off the level is a misread and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import tzinfo
from statistics import median

import numpy as np
import numpy.typing as npt

from analyzer.continuity import finding_in
from analyzer.findings import Finding, FindingKind, Severity
from analyzer.intervals import Interval, StreamSpan, mask_intervals
from analyzer.recording import RecordingInfo
from analyzer.thresholds import ClockThresholds
from analyzer.wallclock import iso

FloatArray = npt.NDArray[np.float64]

# The clock shows whole seconds: its reading lies up to 1 s behind the true time, 0.5 s on
# average, and the spread of offsets within one level is under a second.
QUANTUM_S = 1.0
# Readings further apart than this (the keyframes of a static stretch, seconds apart) are too
# sparse to tell a lone misread from a jump: a new offset they show but do not confirm is
# read again, a second at a time.
DENSE_S = 1.5


@dataclass(frozen=True)
class ClockTimeline:
    """What the on-screen clock showed in the frames read from one recording.

    time: (n,) seconds from the recording's start, increasing; shown: (n,) POSIX seconds of
    the wall time the clock showed, NaN where it could not be read.
    """

    time: FloatArray
    shown: FloatArray

    def __post_init__(self) -> None:
        if self.time.shape != self.shown.shape or self.time.ndim != 1:
            raise ValueError(f"time {self.time.shape} and shown {self.shown.shape} differ")
        if self.time.size > 1 and np.any(np.diff(self.time) <= 0):
            raise ValueError("reading times must increase")

    def __len__(self) -> int:
        return int(self.time.shape[0])

    @classmethod
    def empty(cls) -> ClockTimeline:
        return cls(np.zeros(0), np.zeros(0))

    def with_rows(self, extra: ClockTimeline) -> ClockTimeline:
        """These readings and those of `extra` in time order (existing times win)."""
        keep = ~np.isin(extra.time, self.time)
        time = np.concatenate((self.time, extra.time[keep]))
        order = np.argsort(time, kind="stable")
        return ClockTimeline(time[order], np.concatenate((self.shown, extra.shown[keep]))[order])

    def outside(self, spans: list[StreamSpan]) -> ClockTimeline:
        """The readings outside `spans` (seconds from start, inclusive): a frozen or black
        picture's clock says nothing about the recording."""
        keep = np.ones(len(self), bool)
        for start, end in spans:
            keep &= ~((self.time >= start) & (self.time <= end))
        return ClockTimeline(self.time[keep], self.shown[keep])


@dataclass(frozen=True)
class ClockStep:
    """The clock's offset changed between two readings (seconds from the recording's start)."""

    before_s: float
    after_s: float
    shown_before: float
    shown_after: float
    step_s: float  # change of (clock - video time): + forward (time cut out), - back


@dataclass(frozen=True)
class ClockAnalysis:
    """offset_s: the clock minus the file's time at the start (None: never read);
    steps: jumps; unreadable: stretches of no reading (seconds from the start); unsettled:
    (start, end) seconds where readings too sparse to confirm it showed a new offset (read
    them again more densely: `ClockTimeline.with_rows`)."""

    offset_s: float | None
    steps: list[ClockStep] = field(default_factory=list)
    unreadable: list[Interval] = field(default_factory=list)
    unsettled: list[StreamSpan] = field(default_factory=list)


def analyse_clock(
    timeline: ClockTimeline, start: float, decoded_to_s: float, thresholds: ClockThresholds
) -> ClockAnalysis:
    """Levels, jumps and unreadable stretches of the clock of a recording starting at POSIX
    `start` and decoding to `decoded_to_s` seconds."""
    readable = ~np.isnan(timeline.shown)
    unreadable = []
    if len(timeline):
        ends = np.append(timeline.time[1:], max(decoded_to_s, float(timeline.time[-1])))
        unreadable = mask_intervals(timeline.time, ends, ~readable, thresholds.clock_unreadable_s)
    times = timeline.time[readable]
    shown = timeline.shown[readable]
    offsets = shown - (start + times)
    # Rounding: offsets of one level lie within QUANTUM_S; a jump moves them by more.
    tolerance = thresholds.clock_jump_s - QUANTUM_S / 2
    first_level: list[float] = []
    level: list[float] = []  # recent offsets of the current level
    last_on_level = -1
    pending: list[int] = []
    steps = []
    unsettled: list[StreamSpan] = []

    def note_if_sparse(end_s: float) -> None:
        """The pending readings were not confirmed by `end_s`: note their stretch when they
        were too sparse to be (keyframes seconds apart), not a lone misread among dense
        readings."""
        moments = np.concatenate(([times[last_on_level]], times[pending], [end_s]))
        if np.diff(moments).max() > DENSE_S:
            unsettled.append(StreamSpan(float(moments[0]), float(end_s)))

    for i, offset in enumerate(offsets):
        if not level:
            pending.append(i)
            pending = [j for j in pending if abs(offsets[j] - offsets[pending[-1]]) < tolerance]
            if len(pending) >= thresholds.confirm_readings:
                level = [float(offsets[j]) for j in pending]
                last_on_level, pending = pending[-1], []
            continue
        if abs(offset - median(level)) < tolerance:
            if pending:
                note_if_sparse(float(times[i]))
            level = [*level[-9:], float(offset)]
            last_on_level, pending = i, []
            continue
        pending.append(i)
        pending = [j for j in pending if abs(offsets[j] - offset) < tolerance]
        if len(pending) < thresholds.confirm_readings:
            continue
        first_new = pending[0]
        steps.append(
            ClockStep(
                before_s=float(times[last_on_level]),
                after_s=float(times[first_new]),
                shown_before=float(shown[last_on_level]),
                shown_after=float(shown[first_new]),
                step_s=float(median(offsets[j] for j in pending) - median(level)),
            )
        )
        if not first_level:
            first_level = level
        level = [float(offsets[j]) for j in pending]
        last_on_level, pending = pending[-1], []
    if pending and level:
        note_if_sparse(max(decoded_to_s, float(times[-1])))
    if not first_level:
        first_level = level
    offset = None if not first_level else median(first_level) + QUANTUM_S / 2
    return ClockAnalysis(offset, steps, unreadable, unsettled)


def clock_findings(
    recording: RecordingInfo,
    analysis: ClockAnalysis,
    thresholds: ClockThresholds,
    zone: tzinfo,
    *,
    corrected: bool = False,
) -> list[Finding]:
    """clock_jump, clock_drift and clock_unreadable findings of one recording.

    `corrected`: the recording's start was already set from the clock (the site trusts it);
    the drift is still reported, as what the file's own time said.
    """
    findings = []
    for step in analysis.steps:
        direction = "forward" if step.step_s > 0 else "back"
        findings.append(
            finding_in(
                recording,
                FindingKind.CLOCK_JUMP,
                "V2",
                step.before_s,
                step.after_s,
                Severity.HIGH,
                f"on-screen clock jumps {direction} {abs(step.step_s):.0f} s "
                f"({_clock(step.shown_before, zone)} -> {_clock(step.shown_after, zone)}) "
                f"while the video's timestamps run on {step.after_s - step.before_s:.1f} s: "
                "footage cut or spliced before export",
                step.after_s,
            )
        )
    offset = analysis.offset_s
    if offset is not None and abs(offset) >= thresholds.clock_drift_s:
        ahead = "ahead of" if offset > 0 else "behind"
        findings.append(
            finding_in(
                recording,
                FindingKind.CLOCK_DRIFT,
                "V2",
                0.0,
                recording.duration_s,
                Severity.MEDIUM,
                f"on-screen clock {abs(offset):.0f} s {ahead} the file's time "
                f"({recording.start_source.value})"
                + ("; finding times follow the on-screen clock" if corrected else ""),
                0.0,
            )
        )
    for gap in analysis.unreadable:
        findings.append(
            finding_in(
                recording,
                FindingKind.CLOCK_UNREADABLE,
                "V2",
                gap.start,
                gap.end,
                Severity.LOW,
                f"on-screen clock unreadable for {gap.duration_s:.0f} s",
                gap.start,
            )
        )
    return findings


def no_clock(recording: RecordingInfo, reason: str) -> Finding:
    """The whole recording without a clock that could be learned."""
    return finding_in(
        recording,
        FindingKind.CLOCK_UNREADABLE,
        "V2",
        0.0,
        recording.duration_s,
        Severity.LOW,
        f"no on-screen clock read: {reason}",
        0.0,
    )


def _clock(posix_s: float, zone: tzinfo) -> str:
    return iso(posix_s, zone)[:19].replace("T", " ")
