"""`vaultwatch scan`: ingest recordings, measure them, and find continuity problems.

The pipeline is I/O at the edges around the pure checks of `analyzer.continuity`: files are
hashed and probed, packets read, sampled frames decoded to small grey pictures, and the
resulting timelines handed to the checks, one camera at a time.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import Path

import numpy as np

from analyzer import continuity, picture
from analyzer.clock import no_clock
from analyzer.clock_face import ClockNotFound
from analyzer.counting import CountTimeline
from analyzer.custody import RoomKind
from analyzer.findings import NOT_COVERAGE, Finding
from analyzer.gating import GateSettings, GopPlan, plan_gops, recheck_windows
from analyzer.recording import CameraKind, RecordingInfo
from analyzer.sampling import SampleGrid
from analyzer.signals import FrameSignals, PacketTimeline
from analyzer.thresholds import ContinuityThresholds
from analyzer.view import ViewReference, sparse_problems
from analyzer.view_meter import ReferenceLearning, ViewMeter
from models.storage import sha256_file
from pipelines import media
from pipelines.clock_reader import ClockFaces, ClockReader, check_clock
from pipelines.counting import CountingSetup, ObjectCounter
from pipelines.ingest import name_start, resolve_start
from pipelines.site import Camera, Room, Site, read_reference_image

log = logging.getLogger(__name__)

# Width of the grey thumbnails the picture checks look at: small enough to average away
# sensor noise and cost little, large enough that an on-screen clock stays a small area.
THUMBNAIL_WIDTH = 160
# Re-check windows decoded at once. Two threads keep both cores busy: FFmpeg decodes
# without holding the GIL. (A decoder thread running ahead of the analysis did not pay: the
# analysis takes the GIL back between every two packets.)
RECHECK_THREADS = 2
# Seconds after each keyframe of a frozen-looking stretch decoded first: a change there splits
# the stretch without decoding its GOPs in full.
HEAD_PROBE_S = 0.6


@dataclass(frozen=True)
class ScanOptions:
    """What the user told the scan about the files it is given."""

    site: Site
    zone: tzinfo
    camera: str | None = None
    camera_kind: CameraKind | None = None
    room: str | None = None
    # Kind of a room named by `room` that the site file does not have.
    room_kind: RoomKind = RoomKind.VAULT
    start: float | None = None
    analysis_every_s: float = 0.2
    counting: Callable[[Camera], CountingSetup | None] | None = None
    # Packet screening: decode only the keyframes of GOPs where nothing happens. None decodes
    # every frame (`--exhaustive`).
    gate: GateSettings | None = GateSettings()


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
    # them (`_count_coarse_changes`).
    recounted_s: float = 0.0


@dataclass
class ScanResult:
    recordings: list[RecordingInfo] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    count_timelines: list[CountTimeline] = field(default_factory=list)


Progress = Callable[[float], object]
"""Receives seconds of video analysed since the last call."""


def camera_for(path: Path, options: ScanOptions) -> Camera:
    """The camera a file belongs to: `--camera`, a site camera whose file pattern matches, or
    else the name of the folder holding the file (NVR exports keep one folder per channel),
    with the site's settings for a camera of that name. `--kind` and `--room` override what
    the site says of it."""
    if options.camera is not None:
        configured = options.site.camera(options.camera)
    else:
        # A folder named like a site camera holds that camera's files, with its settings.
        configured = options.site.camera_for_file(path.name) or options.site.camera(
            path.parent.name
        )
    if configured is None:
        return Camera(
            id=options.camera or path.parent.name or "camera",
            kind=options.camera_kind or CameraKind.FIXED,
            room=options.room,
        )
    overrides = {
        key: value
        for key, value in (("kind", options.camera_kind), ("room", options.room))
        if value is not None
    }
    return configured.model_copy(update=overrides) if overrides else configured


def site_for_files(files: Sequence[Path], options: ScanOptions) -> Site:
    """The site as the command line describes it: the site file's, plus every camera the
    files belong to and the room `--room` names, so the custody rules know which camera
    watches which room exactly as they would from a site file saying the same.

    A room named only on the command line is of `options.room_kind`.
    """
    site = options.site
    rooms = list(site.rooms)
    if options.room is not None and site.room(options.room) is None:
        rooms.append(Room(id=options.room, kind=options.room_kind))
    cameras = {camera.id: camera for camera in site.cameras}
    for path in files:
        camera = camera_for(path, options)
        cameras[camera.id] = camera
    return site.model_copy(update={"rooms": rooms, "cameras": list(cameras.values())})


class SignalMeter:
    """Measures brightness, blankness, change and view integrity of sampled grey pictures, in
    time order. `view` compares each picture with the camera's reference view
    (`analyzer.view`); without it the view columns are NaN."""

    def __init__(self, every_s: float, view: ViewMeter | None = None) -> None:
        self._grid = SampleGrid(every_s)
        self._previous: np.ndarray | None = None
        self._rows: list[tuple[float, float, float, float]] = []
        self._view = view if view is not None else ViewMeter()

    @property
    def reference(self) -> ViewReference | None:
        """The reference view the pictures were compared with (complete after `finish`)."""
        return self._view.reference

    def take(self, frame: media.DecodedFrame) -> None:
        if not self._grid.due(frame.time):
            return
        image = frame.gray(THUMBNAIL_WIDTH)
        change = np.inf if self._previous is None else picture.change(self._previous, image)
        uniform = picture.uniform_fraction(image)
        self._rows.append((frame.time, picture.luma(image), uniform, change))
        self._view.take(frame.time, image, uniform)
        self._previous = image

    def finish(self) -> FrameSignals:
        view = self._view.finish()
        if not self._rows:
            return FrameSignals.empty()
        time, luma, uniform, change = (
            np.ascontiguousarray(c) for c in np.asarray(self._rows, np.float64).T
        )
        return FrameSignals(
            time=time,
            luma=luma,
            uniform=uniform,
            change=change,
            structure=view.structure,
            sharpness=view.sharpness,
            scene_match=view.scene_match,
        )


def _view_meter(camera: Camera, thresholds: ContinuityThresholds) -> ViewMeter:
    """How a recording's pictures are compared with its camera's view: a handheld recorder
    has no fixed view; a fixed camera is compared with the site file's reference image, or
    else with a view learnt from the recording's first seconds."""
    blank = thresholds.blank_uniform_fraction
    if camera.kind is CameraKind.HANDHELD:
        return ViewMeter(blank_uniform_fraction=blank)
    if camera.reference_image is not None:
        still = read_reference_image(camera.reference_image)
        return ViewMeter(reference_picture=still, blank_uniform_fraction=blank)
    return ViewMeter(learning=ReferenceLearning(), blank_uniform_fraction=blank)


def analyse_recording(
    path: Path,
    *,
    sha256: str,
    camera: Camera,
    options: ScanOptions,
    progress: Progress | None = None,
    clock_faces: ClockFaces | None = None,
) -> RecordingAnalysis:
    """Probe, demux and decode one file and run the per-file continuity checks.

    `clock_faces` lends the on-screen clock learned from the camera's other files to a file
    too damaged to learn it from. Raises media.UnreadableMedia when the file cannot be
    analysed at all.
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
    packets = media.read_packets(path)
    stats = media.DecodeStats()
    done = [0.0]

    def advance(time_s: float) -> None:
        if progress is not None and time_s > done[0]:
            progress(time_s - done[0])
            done[0] = time_s

    thresholds = options.site.thresholds.continuity
    meter = SignalMeter(options.analysis_every_s, _view_meter(camera, thresholds))
    setup = None if options.counting is None else options.counting(camera)
    counter = (
        None if setup is None else ObjectCounter(setup, camera.id, sha256, recording_start=start)
    )
    every_s = (
        options.analysis_every_s if setup is None else min(options.analysis_every_s, setup.every_s)
    )
    gate = None if setup is not None and setup.needs_every_frame else options.gate
    plan = None if gate is None else plan_gops(packets, gate)
    began = time.perf_counter()
    clock = _clock_reader(path, camera, info.duration_s, start, options.zone, clock_faces)
    clock_learn_s = time.perf_counter() - began
    recounted_s = 0.0
    frames = media.iter_frames(path, every_s=every_s, stats=stats, progress=advance, plan=plan)
    try:
        for frame in frames:
            meter.take(frame)
            if isinstance(clock, ClockReader):
                clock.take(frame)
            if counter is not None:
                counter.take(frame)
        if plan is not None and counter is not None:
            recounted_s = _count_coarse_changes(path, counter, every_s)
    except BaseException:
        if counter is not None:
            counter.close()
        raise
    signals = meter.finish()
    rechecked_s = 0.0
    if plan is not None:
        signals, rechecked_s = _recheck_still_stretches(
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
        sha256=sha256,
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
    counts = None if counter is None else counter.finish()
    clock_read_s = 0.0
    if isinstance(clock, ClockReader):
        not_coverage = [
            (f.start - start, f.end - start) for f in findings if f.kind in NOT_COVERAGE
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
    if progress is not None and duration_s > done[0]:
        progress(duration_s - done[0])
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


def _recheck_still_stretches(
    path: Path,
    signals: FrameSignals,
    plan: GopPlan,
    decoded_to_s: float,
    every_s: float,
    thresholds: ContinuityThresholds,
    reference: ViewReference | None,
) -> tuple[FrameSignals, float]:
    """Measure again, as the every-frame path would, the keyframe-only stretches that look
    frozen. Returns the signals and the seconds decoded in full for it. The pictures are
    compared with `reference`, the view the whole recording is compared with.

    Keyframes seconds apart of a live camera whose encoder smoothed the sensor noise away can
    differ as little as a frozen picture's. First the first `HEAD_PROBE_S` of each suspect GOP
    is decoded, sampled every `every_s`: a change there is one the every-frame path sees too
    (the same pairs of samples), and it splits the stretch. Only what is still long enough to
    be frozen is then decoded in full, so a frozen stretch is reported with the every-frame
    path's boundaries.
    """
    suspects = _frozen_suspects(signals, decoded_to_s, thresholds)
    windows = recheck_windows(plan, suspects, decoded_to_s)
    if not windows:
        return signals, 0.0
    static = [
        float(start)
        for start, full in zip(plan.start, plan.full, strict=True)
        if not full and any(a <= start < b for a, b in windows)
    ]
    for frames in media.gop_heads(path, static, HEAD_PROBE_S, every_s):
        head = SignalMeter(0.0, _fixed_view(reference, thresholds))  # sampled already
        for frame in frames:
            head.take(frame)
        # The keyframe's row is there already; the others carry the changes between pairs.
        signals = signals.with_rows(FrameSignals(*(c[1:] for c in head.finish().columns)))
    suspects = _frozen_suspects(signals, decoded_to_s, thresholds)
    windows = recheck_windows(plan, suspects, decoded_to_s)

    def measure(window: tuple[float, float]) -> FrameSignals:
        meter = SignalMeter(every_s, _fixed_view(reference, thresholds))
        for frame in media.iter_frames(path, every_s=every_s, window=window):
            meter.take(frame)
        return meter.finish()

    # Windows are independent: two at a time keep both cores decoding.
    with ThreadPoolExecutor(RECHECK_THREADS, thread_name_prefix="recheck") as pool:
        measured = list(pool.map(measure, windows))
    for (start, end), inner in zip(windows, measured, strict=True):
        signals = signals.spliced(start, end, inner)
    return signals, sum(end - start for start, end in windows)


def _count_coarse_changes(path: Path, counter: ObjectCounter, every_s: float) -> float:
    """Where the count changed between two keyframes of keyframe-only GOPs, decode the GOP
    between them in full and count it on the counting grid, so that a presence starts and
    ends where the every-frame path puts it. On a noisy camera recorded at a bitrate target
    the packet screening cannot see someone walk in (every frame is the same size); the
    keyframes still show them, and this finds the moment. Returns the seconds decoded.

    `every_s` is the main pass's sampling step: the frames sampled from the keyframe on are
    the ones the every-frame path counts (its sampling is regular from the first frame)."""
    stretches = counter.coarse_changes()
    for start, end in stretches:
        frames = media.iter_frames(path, every_s=every_s, window=(start, end))
        counter.count_between(start, end, frames)
    return sum(end - start for start, end in stretches)


def _fixed_view(reference: ViewReference | None, thresholds: ContinuityThresholds) -> ViewMeter:
    return ViewMeter(reference, blank_uniform_fraction=thresholds.blank_uniform_fraction)


def _frozen_suspects(
    signals: FrameSignals, decoded_to_s: float, thresholds: ContinuityThresholds
) -> list[tuple[float, float]]:
    return [
        (interval.start, interval.end)
        for interval in continuity.frozen_intervals(signals, decoded_to_s, thresholds)
    ] + sparse_problems(signals, decoded_to_s, thresholds)  # a covered lens between keyframes


def scan_files(
    files: list[Path], options: ScanOptions, progress: Progress | None = None
) -> ScanResult:
    """Analyse every file. A file that cannot be analysed becomes an `unreadable_recording`
    finding; the scan goes on. The gaps between files are judged later, against the stored
    recordings too (`pipelines.conclude`).
    """
    result = ScanResult()
    files_of: dict[str, list[Path]] = defaultdict(list)
    for path in files:
        files_of[camera_for(path, options).id].append(path)
    clock_faces = ClockFaces(dict(files_of))
    for index, path in enumerate(files, 1):
        camera = camera_for(path, options)
        sha256 = sha256_file(path)
        try:
            analysis = analyse_recording(
                path,
                sha256=sha256,
                camera=camera,
                options=options,
                progress=progress,
                clock_faces=clock_faces,
            )
        except media.UnreadableMedia as exc:
            log.warning("unreadable recording (%d/%d): %s", index, len(files), exc)
            result.findings.append(unreadable_finding(path, camera, sha256, str(exc), options))
            continue
        log.info(
            "scanned %s (%d/%d): %.1f s of video, %d findings",
            path.name,
            index,
            len(files),
            analysis.recording.duration_s,
            len(analysis.findings),
        )
        result.recordings.append(analysis.recording)
        result.findings.extend(analysis.findings)
        if analysis.counts is not None:
            result.count_timelines.append(analysis.counts)
    result.recordings.sort(key=lambda r: (r.camera, r.start))
    result.findings.sort(key=lambda f: (f.camera, f.start, f.kind.value))
    return result


def unreadable_finding(
    path: Path, camera: Camera, sha256: str, reason: str, options: ScanOptions
) -> Finding:
    """The `unreadable_recording` finding of a file no decoder could read."""
    # The file's time span is unknown; its name may still say when it began, read as the
    # start of a readable file is (the camera's file pattern first).
    at = name_start(path, camera=camera, zone=options.zone)
    if at is None:
        at = options.start if options.start is not None else path.stat().st_mtime
    return continuity.unreadable(
        path=str(path),
        camera=camera.id,
        sha256=None,
        at=at,
        reason=f"{reason} (sha256 {sha256})",
    )
