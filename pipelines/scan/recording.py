"""One recording analysed: probed, its packets read and screened, its frames decoded once
for the picture checks, the on-screen clock and the counting, and its own continuity
findings made. Everything that decodes goes through `pipelines.media`."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing, nullcontext
from dataclasses import dataclass
from datetime import tzinfo
from functools import partial
from pathlib import Path
from typing import TypeVar

from analyzer import continuity
from analyzer.clock import no_clock
from analyzer.clock_face import ClockNotFound
from analyzer.counting import CountTimeline
from analyzer.findings import NOT_COVERAGE, Finding
from analyzer.gating import plan_gops
from analyzer.intervals import StreamSpan
from analyzer.recording import RecordingInfo
from analyzer.signals import FrameSignals, PacketTimeline
from pipelines import media
from pipelines.clock_reader import ClockFaces, ClockReader, check_clock
from pipelines.counting import ObjectCounter
from pipelines.ingest import resolve_start
from pipelines.scan.options import ScanOptions
from pipelines.scan.progress import Progress, ProgressReport
from pipelines.scan.recheck import recheck_still_stretches
from pipelines.scan.signal_meter import SignalMeter, view_meter
from pipelines.site import Camera

T = TypeVar("T")


@dataclass(frozen=True)
class RecordingAnalysis:
    """One readable recording with the timelines measured from it and its own findings."""

    recording: RecordingInfo
    packets: PacketTimeline
    signals: FrameSignals
    findings: list[Finding]
    counts: CountTimeline | None = None
    # Seconds of keyframe-only stretches decoded again in full because they looked frozen
    # (besides the short probe after each of their keyframes).
    rechecked_s: float = 0.0
    # Seconds spent on the on-screen clock (the benchmark reports them): finding its face
    # (learnt once per camera and scan, then only checked on each file) and reading it.
    clock_learn_s: float = 0.0
    clock_read_s: float = 0.0
    # Seconds of keyframe-only GOPs decoded again in full because the count changed across
    # them (`count_coarse_changes`).
    recounted_s: float = 0.0


def analyse_recording(
    path: Path,
    *,
    sha256: str | Future[str],
    camera: Camera,
    options: ScanOptions,
    progress: Progress | None = None,
    clock_faces: ClockFaces | None = None,
) -> RecordingAnalysis:
    """Probe, demux and decode one file and run the per-file continuity checks.

    `sha256` may still be being computed (`scan_files` hashes in a thread): it is waited for
    only once the clock is learnt. `clock_faces` lends the on-screen clock learned from the camera's
    other files to a file too damaged to learn it from. Raises media.UnreadableMedia when the
    file cannot be analysed at all.
    """
    info = media.probe(path)
    start, start_source = resolve_start(
        path,
        camera=camera,
        option_start=options.start,
        creation_time=info.creation_time,
        duration_s=info.duration_s,
        zone=options.zone,
    )
    # Learning the clock decodes half a minute of every frame on one core: the packets are
    # read in a thread meanwhile (and the file hashed, by the caller). Measured on 10 min of
    # noisy 1080p, two cores: 0.25 s of a 3.3-s scan. Learning stays in this thread, so that
    # an interrupt stops it at once; reading the packets takes a fraction of a second.
    with ThreadPoolExecutor(1, thread_name_prefix="packets") as reading:
        packets_read = reading.submit(media.read_packets, path)
        clock, clock_learn_s = _timed(
            partial(_clock_reader, path, camera, info.duration_s, start, options.zone, clock_faces)
        )
        packets = packets_read.result()
    digest = sha256 if isinstance(sha256, str) else sha256.result()
    stats = media.DecodeStats()
    report = ProgressReport(progress)
    thresholds = options.site.thresholds.continuity
    meter = SignalMeter(options.analysis_every_s, view_meter(camera, thresholds))
    setup = None if options.counting is None else options.counting(camera)
    counter = (
        None if setup is None else ObjectCounter(setup, camera.id, digest, recording_start=start)
    )
    every_s = (
        options.analysis_every_s if setup is None else min(options.analysis_every_s, setup.every_s)
    )
    gate = None if setup is not None and setup.needs_every_frame else options.gate
    plan = None if gate is None else plan_gops(packets, gate)
    recounted_s = 0.0
    frames = media.iter_frames(
        path, every_s=every_s, stats=stats, progress=report.reached, plan=plan
    )
    # The counter's detector thread and the decoding thread are stopped however the pass
    # ends (an unreadable file, an interrupt); `finish` below stops the first in the normal
    # course, and the second stops when the file is decoded.
    with closing(frames), counter if counter is not None else nullcontext():
        for frame in frames:
            meter.take(frame)
            if isinstance(clock, ClockReader):
                clock.take(frame)
            if counter is not None:
                counter.take(frame)
        if plan is not None and counter is not None:
            recounted_s = count_coarse_changes(path, counter, every_s)
        counts = None if counter is None else counter.finish()
    signals = meter.finish()
    rechecked_s = 0.0
    if plan is not None:
        signals, rechecked_s = recheck_still_stretches(
            path,
            signals,
            plan,
            stats.decoded_to_s,
            options.analysis_every_s,
            thresholds,
            meter.reference,
        )
    # A container that declares no duration is as long as what decodes.
    duration_s = info.duration_s if info.duration_s > 0 else stats.decoded_to_s
    recording = RecordingInfo(
        path=str(path),
        sha256=digest,
        size_bytes=path.stat().st_size,
        camera=camera.id,
        camera_kind=camera.kind,
        start=start,
        start_source=start_source,
        duration_s=duration_s,
        fps=packets.typical_rate() or info.fps,
        width=info.width,
        height=info.height,
        codec=info.codec,
        container=info.container,
        rotation=info.rotation,
        decoded_to=start + stats.decoded_to_s,
        decode_errors=stats.errors,
    )
    findings = continuity.recording_problems(recording, packets, signals, thresholds)
    clock_read_s = 0.0
    if isinstance(clock, ClockReader):
        not_coverage = [
            StreamSpan(f.start - start, f.end - start) for f in findings if f.kind in NOT_COVERAGE
        ]
        checked = check_clock(clock, path, recording, not_coverage, options.site.thresholds.clock)
        if checked.corrected:
            shift = checked.recording.start - recording.start
            recording = checked.recording
            findings = continuity.recording_problems(recording, packets, signals, thresholds)
            counts = None if counts is None else counts.shifted(shift)
        findings += checked.findings
        clock_read_s = checked.busy_s
    elif isinstance(clock, ClockNotFound):
        findings.append(no_clock(recording, str(clock)))
    report.reached(duration_s)
    return RecordingAnalysis(
        recording,
        packets,
        signals,
        findings,
        counts,
        rechecked_s,
        clock_learn_s=clock_learn_s,
        clock_read_s=clock_read_s,
        recounted_s=recounted_s,
    )


def _timed(call: Callable[[], T]) -> tuple[T, float]:
    """What `call` returns and the seconds it took."""
    began = time.perf_counter()
    return call(), time.perf_counter() - began


def _clock_reader(
    path: Path,
    camera: Camera,
    duration_s: float,
    start: float,
    zone: tzinfo,
    faces: ClockFaces | None,
) -> ClockReader | ClockNotFound | None:
    """A reader of the recording's on-screen clock; why there is none when the camera should
    show one; None for a camera whose clock is not read (a phone burns none)."""
    if not camera.clock.reads(camera.kind):
        return None
    faces = faces if faces is not None else ClockFaces({})
    try:
        face = faces.face(camera.id, path, duration_s, camera.clock)
    except ClockNotFound as exc:
        return exc
    return ClockReader(face, camera.clock, start=start, zone=zone)


def count_coarse_changes(path: Path, counter: ObjectCounter, every_s: float) -> float:
    """Where the count changed between two keyframes of keyframe-only GOPs, decode the GOP
    between them in full and count it on the counting grid, so that a presence starts and
    ends where the every-frame path puts it. On a noisy camera recorded at a bitrate target
    the packet screening cannot see someone walk in (every frame is the same size); the
    keyframes still show them, and this finds the moment. Returns the seconds decoded.

    `every_s` is the main pass's sampling step: the frames sampled from the keyframe on are
    the ones the every-frame path counts (its sampling is regular from the first frame)."""
    stretches = counter.coarse_changes()
    for start, end in stretches:
        frames = media.iter_frames(path, every_s=every_s, window=StreamSpan(start, end))
        counter.count_between(start, end, frames)
    return sum(end - start for start, end in stretches)
