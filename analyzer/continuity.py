"""Continuity checks: where a camera's video is missing, broken or not a real picture.

Pure functions from timelines to findings (rules V1, V2 and V4 of RULES.md). Times inside a
recording are seconds from its start; findings carry POSIX seconds (recording start + offset).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from analyzer.findings import Finding, FindingKind, Severity
from analyzer.intervals import Interval, mask_intervals
from analyzer.recording import CameraKind, RecordingInfo
from analyzer.signals import FrameSignals, PacketTimeline
from analyzer.thresholds import ContinuityThresholds
from analyzer.view import view_problems

# A check of one stretch of pictures without holes: (recording, signals, end, thresholds).
PictureCheck = Callable[[RecordingInfo, FrameSignals, float, ContinuityThresholds], list[Finding]]


def coverage_rule(kind: CameraKind) -> str:
    """Missing time breaks V1 on a fixed camera and V4 on a handheld recorder."""
    return "V4" if kind is CameraKind.HANDHELD else "V1"


def finding_in(
    recording: RecordingInfo,
    kind: FindingKind,
    rule: str,
    start_s: float,
    end_s: float,
    severity: Severity,
    detail: str,
    frame_s: float | None,
) -> Finding:
    """A finding inside `recording`, from offsets in seconds to POSIX times."""
    return Finding(
        kind=kind,
        rule=rule,
        cameras=(recording.camera,),
        start=recording.start + start_s,
        end=recording.start + end_s,
        severity=severity,
        detail=detail,
        recording_sha256=recording.sha256,
        frame_time=None if frame_s is None else recording.start + frame_s,
    )


def segment_gaps(
    recordings: Sequence[RecordingInfo], thresholds: ContinuityThresholds
) -> list[Finding]:
    """Missing time between consecutive files of one camera, and files that overlap.

    `recordings` are one camera's readable files in any order. A gap runs from the end of the
    video that actually decoded in one file to the start of the next; an overlap (the next file
    starts well before the previous one ends) means the clock went back or footage is doubled.
    """
    ordered = sorted(recordings, key=lambda r: (r.start, r.end))
    findings = []
    for before, after in zip(ordered, ordered[1:], strict=False):
        covered_until = _covered_until(before, thresholds)
        missing = after.start - covered_until
        if missing >= thresholds.segment_gap_s:
            findings.append(
                Finding(
                    kind=FindingKind.COVERAGE_GAP,
                    rule=coverage_rule(before.camera_kind),
                    cameras=(before.camera,),
                    start=covered_until,
                    end=after.start,
                    severity=Severity.HIGH,
                    detail=f"{missing:.1f} s of no video between {_name(before)} and "
                    f"{_name(after)}",
                )
            )
        elif before.end - after.start >= thresholds.segment_overlap_s:
            findings.append(
                Finding(
                    kind=FindingKind.TIMESTAMP_JUMP,
                    rule="V2",
                    cameras=(before.camera,),
                    start=after.start,
                    end=before.end,
                    severity=Severity.MEDIUM,
                    detail=f"{_name(after)} starts {before.end - after.start:.1f} s before "
                    f"{_name(before)} ends: "
                    "the recorder's clock went back or footage is duplicated",
                    recording_sha256=after.sha256,
                    frame_time=after.start,
                )
            )
    return findings


def _covered_until(recording: RecordingInfo, thresholds: ContinuityThresholds) -> float:
    """Where a file's video ends for the gap after it. A truncated file's missing tail is its
    own decode_error finding, so the gap starts where the file declared its end and no second
    counts twice; a tail lost short of that (a fragmented MP4 or MPEG-TS declares only what
    it holds, give or take its last fragment) belongs to the gap."""
    if recording.end - recording.decoded_to >= thresholds.segment_gap_s:
        return recording.end
    return min(recording.end, recording.decoded_to)


def _name(recording: RecordingInfo) -> str:
    return recording.path.replace("\\", "/").rsplit("/", 1)[-1]


def _frame_duration(packets: PacketTimeline, fps: float) -> float:
    """The regular step between packets: the recording's rate, else the median step seen."""
    if fps > 0:
        return 1.0 / fps
    rate = packets.typical_rate()
    return 1.0 / rate if rate else 0.04


@dataclass(frozen=True, slots=True)
class Hole:
    """A stretch inside a recording that its timestamps skip, in seconds from its start: from
    the end of the last frame before the skip to the first frame after it."""

    start_s: float
    end_s: float


def timestamp_holes(
    recording: RecordingInfo, packets: PacketTimeline, thresholds: ContinuityThresholds
) -> list[Hole]:
    """Forward jumps of the packet timestamps of at least `timestamp_jump_s`, in file order."""
    if len(packets) < 2:
        return []
    frame_s = _frame_duration(packets, recording.fps)
    steps = np.diff(packets.time)
    return [
        Hole(float(packets.time[i]) + frame_s, float(packets.time[i + 1]))
        for i in np.flatnonzero(steps >= thresholds.timestamp_jump_s)
    ]


def timestamp_jumps(
    recording: RecordingInfo, packets: PacketTimeline, thresholds: ContinuityThresholds
) -> list[Finding]:
    """Forward jumps (missing time) and backward steps of the timestamps inside one file."""
    if len(packets) < 2:
        return []
    frame_s = _frame_duration(packets, recording.fps)
    steps = np.diff(packets.time)
    findings = [
        finding_in(
            recording,
            FindingKind.TIMESTAMP_JUMP,
            coverage_rule(recording.camera_kind),
            hole.start_s,
            hole.end_s,
            Severity.HIGH,
            f"timestamps jump forward {hole.end_s - hole.start_s:.1f} s inside the file",
            hole.end_s,
        )
        for hole in timestamp_holes(recording, packets, thresholds)
    ]
    # A step back of a frame or more cannot come from rounding; smaller ones are ignored.
    for i in np.flatnonzero(steps <= -frame_s):
        before, after = float(packets.time[i]), float(packets.time[i + 1])
        findings.append(
            finding_in(
                recording,
                FindingKind.TIMESTAMP_JUMP,
                "V2",
                after,
                before,
                Severity.MEDIUM,
                f"timestamps step back {before - after:.1f} s inside the file",
                after,
            )
        )
    return findings


def dropped_frames(
    recording: RecordingInfo, packets: PacketTimeline, thresholds: ContinuityThresholds
) -> list[Finding]:
    """Stretches where far fewer frames arrive than the nominal rate promises.

    Counts packets per one-second bin; a bin below `dropped_frames_ratio` of the nominal rate
    is starved. Bins touched by a timestamp jump are left to that finding, and the last,
    partial bin is not judged.
    """
    if recording.fps <= 0 or len(packets) < 2:
        return []
    times = np.sort(packets.time)
    start = float(times[0])
    whole_bins = int((float(times[-1]) - start) // 1.0)
    if whole_bins < 1:
        return []
    counts = np.bincount(((times - start) // 1.0).astype(np.int64), minlength=whole_bins + 1)
    counts = counts[:whole_bins]
    starved = counts < thresholds.dropped_frames_ratio * recording.fps
    steps = np.diff(times)
    for i in np.flatnonzero(steps >= thresholds.timestamp_jump_s):
        first = int((times[i] - start) // 1.0)
        last = int((times[i + 1] - start) // 1.0)
        starved[first : last + 1] = False
    bin_starts = start + np.arange(whole_bins, dtype=np.float64)
    return [
        finding_in(
            recording,
            FindingKind.DROPPED_FRAMES,
            "V2",
            interval.start,
            interval.end,
            Severity.MEDIUM,
            f"{int(counts[interval.first : interval.last + 1].sum())} frames in "
            f"{interval.duration_s:.0f} s where {recording.fps:g} fps were expected",
            interval.start,
        )
        for interval in mask_intervals(
            bin_starts, bin_starts + 1.0, starved, thresholds.dropped_frames_min_s
        )
    ]


def _stretch_ends(signals: FrameSignals, decoded_to_s: float) -> np.ndarray:
    """(n,) time until which each analysed frame is the latest evidence: the next frame's time,
    and for the last one the end of decoding."""
    return np.append(signals.time[1:], max(decoded_to_s, float(signals.time[-1])))


@dataclass(frozen=True)
class Piece:
    """The analysed frames between two holes of a recording's timestamps, and the time until
    which its last frame is evidence (the start of the next hole, or the end of decoding)."""

    signals: FrameSignals
    end_s: float


def pieces(signals: FrameSignals, decoded_to_s: float, holes: Sequence[Hole]) -> list[Piece]:
    """`signals` cut at the holes. No picture was recorded in a hole: a picture seen before it
    is no evidence of what was shown during it, and one seen after it was not compared with
    its predecessor. Without the cut, a still scene either side of a 10 s skip reads as 10 s
    of frozen picture."""
    if not holes:
        return [Piece(signals, decoded_to_s)]
    # Packet times are decode times; with B-frames a picture before the hole may be shown a
    # frame or two after the hole's start, but every picture after it is shown at its end or
    # later: the pieces are cut there.
    ordered = sorted(holes, key=lambda hole: hole.end_s)
    bounds = [-np.inf, *(hole.end_s for hole in ordered), np.inf]
    evidence_ends = [*(hole.start_s for hole in ordered), decoded_to_s]
    found = []
    for start, end, evidence_end in zip(bounds[:-1], bounds[1:], evidence_ends, strict=True):
        piece = signals.between(start, end)
        if len(piece):
            found.append(Piece(piece, max(evidence_end, float(piece.time[-1]))))
    return found


# Two analysed pictures at most this far apart are close: sampled inside one GOP.
CLOSE_PAIR_S = 0.5
# Mean grey-level change (0-255, on the thumbnail) below which two close pictures are one
# picture repeated. A re-encoded frozen picture measures 0.000-0.006 between close frames
# (the encoder codes every block as skipped); a live camera on a still scene keeps coding a
# little of its sensor noise, 0.02-0.4, even under 10 s GOPs.
REPEAT_MAX_CHANGE = 0.01
# Share of a stretch's close pairs that must repeat one picture for it to be frozen; what
# repeats once a GOP (requantisation at a keyframe) or once a second (a recorder's burned-in
# clock over a frozen camera) stays well under half.
REPEAT_MIN_SHARE = 0.5
# Fewer close pairs than this say nothing: keyframe-only evidence is judged by change alone.
MIN_CLOSE_PAIRS = 3


def frozen_intervals(
    signals: FrameSignals,
    decoded_to_s: float,
    thresholds: ContinuityThresholds,
    holes: Sequence[Hole] = (),
) -> list[Interval]:
    """Stretches of at least `frozen_min_s` in which no analysed picture changed by
    `frozen_max_change` (blank ones left out: they are black video, not frozen), never across
    a hole of the timestamps: the candidates a scan decodes again in full. Times are seconds
    from the stream start; interval indices count rows of each piece."""
    return [
        interval
        for piece in pieces(signals, decoded_to_s, holes)
        for interval in _unchanged_in(piece.signals, piece.end_s, thresholds)
    ]


def _frozen_in(
    signals: FrameSignals, decoded_to_s: float, thresholds: ContinuityThresholds
) -> list[Interval]:
    """Unchanged stretches that repeat one picture. Under long GOPs a still scene changes by
    less than `frozen_max_change` between keyframes too; what tells it from a frozen picture
    is that a live camera's close pictures are never quite the same."""
    return [
        interval
        for interval in _unchanged_in(signals, decoded_to_s, thresholds)
        if _repeats_one_picture(signals, interval)
    ]


def _repeats_one_picture(signals: FrameSignals, interval: Interval) -> bool:
    rows = slice(interval.first, interval.last + 1)
    steps = np.diff(signals.time, prepend=-np.inf)[rows]
    close = signals.change[rows][steps <= CLOSE_PAIR_S]
    if close.size < MIN_CLOSE_PAIRS:
        return True
    return float(np.mean(close <= REPEAT_MAX_CHANGE)) >= REPEAT_MIN_SHARE


def _unchanged_in(
    signals: FrameSignals, decoded_to_s: float, thresholds: ContinuityThresholds
) -> list[Interval]:
    if len(signals) == 0:
        return []
    ends = _stretch_ends(signals, decoded_to_s)
    blank = signals.uniform >= thresholds.blank_uniform_fraction
    unchanged = (signals.change < thresholds.frozen_max_change) & ~blank
    # The frozen picture is the one shown by the frame before the first unchanged one.
    starts = np.append(signals.time[:1], signals.time[:-1])
    return mask_intervals(starts, ends, unchanged, thresholds.frozen_min_s)


def picture_problems(
    recording: RecordingInfo,
    signals: FrameSignals,
    decoded_to_s: float,
    thresholds: ContinuityThresholds,
    holes: Sequence[Hole] = (),
) -> list[Finding]:
    """Black or blank stretches and frozen stretches of one recording (V2).

    A frozen stretch starts at the last frame that still changed (its picture is what stays
    on screen) and ends at the first frame that changes again. A stretch that is blank is
    reported as black only, since a black picture is trivially also unchanged. Stretches end
    at a hole of the timestamps (`holes`): that time is a timestamp jump, not a picture.
    """
    return _between_holes(_picture_problems_in, recording, signals, decoded_to_s, thresholds, holes)


def _picture_problems_in(
    recording: RecordingInfo,
    signals: FrameSignals,
    decoded_to_s: float,
    thresholds: ContinuityThresholds,
) -> list[Finding]:
    if len(signals) == 0:
        return []
    ends = _stretch_ends(signals, decoded_to_s)
    blank = signals.uniform >= thresholds.blank_uniform_fraction
    findings = []
    for interval in mask_intervals(signals.time, ends, blank, thresholds.black_min_s):
        mean_luma = float(signals.luma[interval.first : interval.last + 1].mean())
        what = "black" if mean_luma <= thresholds.black_max_luma else "blank (one flat colour)"
        detail = f"{what} picture for {interval.duration_s:.1f} s (mean luma {mean_luma:.0f})"
        findings.append(
            _picture_finding(
                recording, FindingKind.BLACK_VIDEO, interval.start, interval.end, detail
            )
        )
    for interval in _frozen_in(signals, decoded_to_s, thresholds):
        detail = f"picture frozen for {interval.duration_s:.1f} s"
        findings.append(
            _picture_finding(
                recording, FindingKind.FROZEN_VIDEO, interval.start, interval.end, detail
            )
        )
    return findings


def _picture_finding(
    recording: RecordingInfo, kind: FindingKind, start_s: float, end_s: float, detail: str
) -> Finding:
    """A V2 finding about the picture itself (black, frozen, obstructed): always high, and
    shown with the stretch's first frame, which is what stays on screen or hides the room."""
    return finding_in(recording, kind, "V2", start_s, end_s, Severity.HIGH, detail, start_s)


def view_integrity(
    recording: RecordingInfo,
    signals: FrameSignals,
    decoded_to_s: float,
    thresholds: ContinuityThresholds,
    holes: Sequence[Hole] = (),
) -> list[Finding]:
    """Stretches where a fixed camera's view is obstructed, blurred or moved (V2): complete
    video of nothing, never across a hole of the timestamps. A handheld recorder moves by
    design and is not judged."""
    if len(signals) == 0 or recording.camera_kind is CameraKind.HANDHELD:
        return []
    return _between_holes(_view_integrity_in, recording, signals, decoded_to_s, thresholds, holes)


def _between_holes(
    check: PictureCheck,
    recording: RecordingInfo,
    signals: FrameSignals,
    decoded_to_s: float,
    thresholds: ContinuityThresholds,
    holes: Sequence[Hole],
) -> list[Finding]:
    """`check` on each stretch of pictures between two holes of the timestamps, so that no
    stretch it finds spans a jump (that time is a timestamp finding, not a picture)."""
    return [
        finding
        for piece in pieces(signals, decoded_to_s, holes)
        for finding in check(recording, piece.signals, piece.end_s, thresholds)
    ]


def _view_integrity_in(
    recording: RecordingInfo,
    signals: FrameSignals,
    decoded_to_s: float,
    thresholds: ContinuityThresholds,
) -> list[Finding]:
    return [
        _picture_finding(
            recording, problem.kind, problem.interval.start, problem.interval.end, problem.detail
        )
        for problem in view_problems(signals, _stretch_ends(signals, decoded_to_s), thresholds)
    ]


def truncation(
    recording: RecordingInfo, decoded_to_s: float, thresholds: ContinuityThresholds
) -> list[Finding]:
    """The tail of a file that declares more video than decodes (a cut or corrupt copy)."""
    missing = recording.duration_s - decoded_to_s
    if missing < thresholds.segment_gap_s:
        return []
    return [
        finding_in(
            recording,
            FindingKind.DECODE_ERROR,
            "V2",
            decoded_to_s,
            recording.duration_s,
            Severity.HIGH,
            f"file declares {recording.duration_s:.1f} s but decodes only to "
            f"{decoded_to_s:.1f} s ({recording.decode_errors} decoder errors): truncated or "
            "corrupt",
            max(0.0, decoded_to_s - 0.5),
        )
    ]


def unreadable(*, path: str, camera: str, sha256: str | None, at: float, reason: str) -> Finding:
    """A file that could not be analysed at all: its time is not coverage (V2)."""
    return Finding(
        kind=FindingKind.UNREADABLE_RECORDING,
        rule="V2",
        cameras=(camera,),
        start=at,
        end=at,
        severity=Severity.HIGH,
        detail=reason,
        recording_sha256=sha256,
    )


def recording_problems(
    recording: RecordingInfo,
    packets: PacketTimeline,
    signals: FrameSignals,
    thresholds: ContinuityThresholds,
) -> list[Finding]:
    """Every continuity finding inside one readable recording."""
    decoded_to_s = recording.decoded_to - recording.start
    holes = timestamp_holes(recording, packets, thresholds)
    return [
        *timestamp_jumps(recording, packets, thresholds),
        *dropped_frames(recording, packets, thresholds),
        *picture_problems(recording, signals, decoded_to_s, thresholds, holes),
        *view_integrity(recording, signals, decoded_to_s, thresholds, holes),
        *truncation(recording, decoded_to_s, thresholds),
    ]
