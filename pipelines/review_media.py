"""Media the review service shows an inspector: clips around findings (as recorded, or with
people and bundles boxed), thumbnails, and the objects in one picture.

Everything is cut or decoded from the original through `pipelines.media` and written only
under the caller's `cache_dir`, never beside the original (originals are evidence). A file is
named after the recording's SHA-256 and what was asked, so the same request is served from
the cache, and is published by renaming a finished temporary file: a reader never sees half a
file, whatever other requests run at the same time.

Times in and out are POSIX seconds, like `RecordingInfo.start` and `Finding.start`.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import uuid
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from analyzer.counting import countable, in_zone
from analyzer.detections import Detections, ObjectClass
from analyzer.recording import RecordingInfo
from analyzer.sampling import SampleGrid
from models.detector import Detector
from pipelines import media
from pipelines.counting import CountingSetup
from pipelines.drawing import BgrImage, FrameObjects, draw_objects, label

THUMBNAIL_WIDTHS = (16, 3840)
"""Smallest and largest thumbnail width accepted, in pixels."""

# Bump when what a boxed clip looks like changes (drawing, colours), so cached ones are redone.
_BOXED_FORMAT = 1


class TimeOutsideRecording(ValueError):
    """A requested time or span lies outside the recording; the message says which, in one
    line."""


class OriginalUnavailable(media.UnreadableMedia):
    """The original recording is missing, or is no longer the file that was scanned (its size
    differs from the one recorded)."""


class NotDetectableFromOnePicture(Exception):
    """The camera has no detector that can judge a single picture: it counts people with the
    motion fallback (which learns from a stream of frames) and has no bundle model, or it
    counts nothing."""


@dataclass(frozen=True, slots=True)
class ClipFile:
    """A clip written under the cache directory.

    first_s / last_s: POSIX seconds of the clip's first and last pictures (a stream copy starts
    at a keyframe, so usually before the time asked for). `derived` is True when the pictures
    were re-encoded (boxes drawn), False when they are the original's bits. `description`
    says exactly how the clip was made, for the audit trail.
    """

    path: Path
    recording_sha256: str
    first_s: float
    last_s: float
    derived: bool
    description: str


def finding_clip(
    recording: RecordingInfo,
    *,
    start: float,
    end: float,
    cache_dir: Path,
    pre_roll_s: float = 5.0,
    post_roll_s: float = 5.0,
) -> ClipFile:
    """The original's pictures of [`start` - `pre_roll_s`, `end` + `post_roll_s`] (POSIX
    seconds, clipped to the recording), copied packet by packet from the keyframe at or before
    that start (`media.remux_clip`): not decoded, not re-encoded.

    Raises `TimeOutsideRecording` when that span misses the recording, `OriginalUnavailable`
    or `media.UnreadableMedia` when the original cannot be read.
    """
    source = _original(recording)
    first, last = _span(recording, start, end, pre_roll_s, post_roll_s)
    # "copy2": clips cut before the keyframe was put at zero started 2 frames late (B-frames).
    name = f"{recording.sha256}_{_ms(first)}-{_ms(last)}ms.copy2"
    path, copied = _cached_clip(
        cache_dir, name, lambda target: media.remux_clip(source, target, first, last)
    )
    return ClipFile(
        path=path,
        recording_sha256=recording.sha256,
        first_s=recording.start + copied[0],
        last_s=recording.start + copied[1],
        derived=False,
        description=(
            f"stream copy of {recording.sha256} from {copied[0]:.3f} s to {copied[1]:.3f} s "
            "(seconds from the recording's start; video packets copied, not re-encoded)"
        ),
    )


def boxed_clip(
    recording: RecordingInfo,
    *,
    start: float,
    end: float,
    cache_dir: Path,
    detect: Callable[[BgrImage], FrameObjects],
    detector_name: str | None = None,
    detect_per_s: float = 4.0,
    pre_roll_s: float = 5.0,
    post_roll_s: float = 5.0,
    encoding: media.ClipEncoding = media.DEFAULT_ENCODING,
) -> ClipFile:
    """The span of `finding_clip` decoded and re-encoded (`media.encode_clip`) with the
    objects `detect` finds boxed on it (`drawing.draw_objects`); derived, so `derived` is True.

    `detect` gets a (h, w, 3) uint8 BGR picture (`PictureDetector` is the camera's own) and is
    run at most `detect_per_s` times a second of video; the boxes of its last run are drawn
    on the pictures in between. `detector_name` (default: `detect.name` if it has one) goes
    into the description and the cache name. Unlike the stream copy, the clip starts at the
    picture shown at the span's start, not at a keyframe. Errors as `finding_clip`.
    """
    if not detect_per_s > 0:
        raise ValueError(f"detect_per_s must be positive, got {detect_per_s}")
    source = _original(recording)
    first, last = _span(recording, start, end, pre_roll_s, post_roll_s)
    detector = detector_name or _name_of(detect)
    how = f"{encoding.description}; boxes by {detector} at most {detect_per_s:g} times a second"
    settings = hashlib.sha256(f"{_BOXED_FORMAT}|{how}".encode()).hexdigest()[:12]
    name = f"{recording.sha256}_{_ms(first)}-{_ms(last)}ms.boxed-{settings}"

    def encode(target: Path) -> tuple[float, float]:
        painter = _BoxPainter(detect, SampleGrid(1.0 / detect_per_s))
        return media.encode_clip(source, target, first, last, painter, encoding=encoding)

    path, encoded = _cached_clip(cache_dir, name, encode)
    return ClipFile(
        path=path,
        recording_sha256=recording.sha256,
        first_s=recording.start + encoded[0],
        last_s=recording.start + encoded[1],
        derived=True,
        description=(
            f"re-encoded from {recording.sha256}, {encoded[0]:.3f} s to {encoded[1]:.3f} s "
            f"(seconds from the recording's start): {how} (held between runs)"
        ),
    )


def thumbnail(recording: RecordingInfo, *, at: float, cache_dir: Path, width: int = 320) -> Path:
    """A JPEG of the picture shown at POSIX time `at`, `width` pixels wide (aspect kept,
    rotation applied), cached under `cache_dir`.

    Raises `TimeOutsideRecording`, `OriginalUnavailable` / `media.UnreadableMedia`, and
    ValueError for a width outside `THUMBNAIL_WIDTHS`.
    """
    low, high = THUMBNAIL_WIDTHS
    if not low <= width <= high:
        raise ValueError(f"thumbnail width must be {low} to {high} pixels, got {width}")
    source = _original(recording)
    moment = _moment(recording, at)
    target = cache_dir / f"{recording.sha256}_{_ms(moment)}ms.w{width}.jpg"
    with _lock(target.name):
        if not target.exists():
            image = _picture(source, moment, width)
            cache_dir.mkdir(parents=True, exist_ok=True)
            with _temporary(target) as partial:
                Image.fromarray(image[:, :, ::-1]).save(partial, format="JPEG", quality=85)
                partial.replace(target)
    return target


@dataclass(frozen=True)
class PictureDetector:
    """A camera's detectors applied to single pictures the way the scan applies them.

    The picture is scaled to `setup.detect_width`, each detector keeps only the classes the
    camera takes from it, a box stays when it would count as a new object (the class's
    confidence threshold, `CountingSetup.thresholds`; no tracker here to confirm weaker ones),
    then the camera's zone filters them (feet of people, centre of bundles). A detector that
    needs every frame (the motion fallback) is left out: `looked_for` lacks its class.
    Make one with `picture_detector`.
    """

    setup: CountingSetup
    jobs: tuple[tuple[Detector, frozenset[ObjectClass]], ...]

    @property
    def looked_for(self) -> frozenset[ObjectClass]:
        return frozenset(c for _, classes in self.jobs for c in classes)

    @property
    def name(self) -> str:
        """The detectors (with weight hashes when their names carry them), thresholds and
        zone: what decided the boxes."""
        used = ";".join(
            f"{'+'.join(sorted(label(c) for c in classes))}={detector.name}"
            for detector, classes in self.jobs
        )
        thresholds = ",".join(
            f"{label(c)}>={value:g}"
            for c, value in self.setup.thresholds.items()
            if c in self.looked_for
        )
        zone = (
            "none"
            if self.setup.zone is None
            else "x".join(f"{v:.3f}" for v in self.setup.zone.points.ravel())
        )
        return f"{used};{thresholds};zone={zone};width={self.setup.detect_width}"

    def __call__(self, image: BgrImage) -> FrameObjects:
        """The objects in one (h, w, 3) uint8 BGR picture, boxes relative to it."""
        picture = _scaled(image, self.setup.detect_width)
        height, width = picture.shape[:2]
        found = Detections.merge(
            [_only(detector.detect([picture])[0], classes) for detector, classes in self.jobs]
        )
        kept = in_zone(countable(found, self.setup.thresholds), self.setup.zone, width, height)
        return FrameObjects.from_detections(
            kept, width=width, height=height, looked_for=self.looked_for
        )


def picture_detector(setup: CountingSetup | None) -> PictureDetector:
    """The detector of single pictures for a camera counted with `setup` (None: the camera
    counts nothing). Raises `NotDetectableFromOnePicture` when no detector of the setup can
    judge one picture."""
    if setup is None:
        raise NotDetectableFromOnePicture("nothing is counted on this camera: no detector")
    jobs = tuple(
        (detector, classes)
        for detector, classes in setup.jobs()
        # A detector that needs every frame learns the scene from the stream (the motion
        # fallback's background model): one picture tells it nothing.
        if not (setup.needs_every_frame and detector is setup.person)
    )
    if not jobs:
        raise NotDetectableFromOnePicture(
            "this camera counts people by motion (no person model), which needs a stream of "
            "frames, and has no bundle model: nothing can be detected in one picture"
        )
    return PictureDetector(setup, jobs)


def detections_at(
    recording: RecordingInfo, *, at: float, setup: CountingSetup | None
) -> FrameObjects:
    """The people and bundles the camera's detectors find in the picture shown at POSIX time
    `at` (see `PictureDetector`), boxes relative to the picture; `to_json()` for the UI.

    On a camera counted by the motion fallback only bundles are looked for (`looked_for`
    says so); with no bundle model either, `NotDetectableFromOnePicture`. Other errors as
    `thumbnail`.
    """
    detector = picture_detector(setup)
    source = _original(recording)
    moment = _moment(recording, at)
    return detector(_picture(source, moment, detector.setup.detect_width))


@dataclass
class _BoxPainter:
    """`media.encode_clip`'s `draw`: runs the detector on the pictures its grid picks and
    draws the latest boxes on every picture."""

    detect: Callable[[BgrImage], FrameObjects]
    grid: SampleGrid
    shown: FrameObjects = field(default_factory=FrameObjects.empty)

    def __call__(self, time: float, image: BgrImage) -> BgrImage:
        if self.grid.due(time):
            self.shown = self.detect(image)
        return draw_objects(image, self.shown)


def _cached_clip(
    cache_dir: Path, name: str, make: Callable[[Path], tuple[float, float]]
) -> tuple[Path, tuple[float, float]]:
    """The clip `cache_dir/name.mp4` and the span it holds (seconds from the recording's
    start), made by `make(temporary path) -> span` unless it is there already.

    The span is kept in `name.json` beside the clip and published before it, so a visible clip
    always has its span. Held under the name's lock: within a process, a clip asked for by
    several requests at once is made once.
    """
    clip, meta = cache_dir / f"{name}.mp4", cache_dir / f"{name}.json"
    with _lock(name):
        span = _read_span(meta) if clip.exists() else None
        if span is None:
            cache_dir.mkdir(parents=True, exist_ok=True)
            with _temporary(clip) as partial_clip:
                span = make(partial_clip)
                with _temporary(meta) as partial_meta:
                    partial_meta.write_text(json.dumps({"first_s": span[0], "last_s": span[1]}))
                    partial_meta.replace(meta)
                partial_clip.replace(clip)
    return clip, span


def _read_span(meta: Path) -> tuple[float, float] | None:
    try:
        data = json.loads(meta.read_text())
        return float(data["first_s"]), float(data["last_s"])
    except (OSError, ValueError, KeyError, TypeError):
        return None  # gone or damaged: the clip is made again


@contextmanager
def _temporary(final: Path) -> Iterator[Path]:
    """A unique hidden name beside `final` (same file system: the rename is atomic), removed
    if it is still there when the block ends (an error, or not published)."""
    partial = final.with_name(f".{final.name}.{os.getpid()}-{uuid.uuid4().hex}.part")
    try:
        yield partial
    finally:
        partial.unlink(missing_ok=True)


# Striped locks: bounded memory however many names are asked for; two names sharing a stripe
# only wait for each other. Across processes the atomic rename alone keeps files whole.
_LOCKS = tuple(threading.Lock() for _ in range(64))


def _lock(name: str) -> threading.Lock:
    return _LOCKS[zlib.crc32(name.encode()) % len(_LOCKS)]


def _original(recording: RecordingInfo) -> Path:
    """The original's path, checked to be there and of the size scanned."""
    path = Path(recording.path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise OriginalUnavailable(f"{path}: the original recording is missing") from exc
    if not path.is_file():
        raise OriginalUnavailable(f"{path}: the original recording is not a file")
    if size != recording.size_bytes:
        raise OriginalUnavailable(
            f"{path}: {size} bytes, not the {recording.size_bytes} scanned as "
            f"{recording.sha256}: the file changed since"
        )
    return path


def _usable_s(recording: RecordingInfo) -> float:
    """Seconds of the recording that hold pictures: to its last decodable frame when a
    truncated file decodes short of its declared duration."""
    decoded = recording.decoded_to - recording.start
    return min(recording.duration_s, decoded) if decoded > 0 else recording.duration_s


def _span(
    recording: RecordingInfo, start: float, end: float, pre_roll_s: float, post_roll_s: float
) -> tuple[float, float]:
    """[start - pre_roll, end + post_roll] clipped to the recording, in seconds from its
    start and rounded to the millisecond (the cache name holds exactly what is cut)."""
    if pre_roll_s < 0 or post_roll_s < 0:
        raise ValueError(f"rolls must not be negative, got {pre_roll_s} and {post_roll_s}")
    if not np.isfinite([start, end]).all() or end < start:
        raise TimeOutsideRecording(f"span {start} to {end} is not a span of time")
    usable = _usable_s(recording)
    first = max(0.0, start - pre_roll_s - recording.start)
    last = min(usable, end + post_roll_s - recording.start)
    if last <= first:
        raise TimeOutsideRecording(
            f"{start:.3f} to {end:.3f} (with {pre_roll_s:g} s before, {post_roll_s:g} s after) "
            f"is outside recording {recording.sha256[:12]} "
            f"({recording.start:.3f} to {recording.start + usable:.3f})"
        )
    return _ms(first) / 1000, _ms(last) / 1000


def _moment(recording: RecordingInfo, at: float) -> float:
    """`at` in seconds from the recording's start (rounded to the millisecond), checked to be
    within it; its very end shows the last picture."""
    usable = _usable_s(recording)
    moment = _ms(at - recording.start) / 1000 if np.isfinite(at) else -1.0
    if not 0.0 <= moment <= usable:
        raise TimeOutsideRecording(
            f"{at:.3f} is outside recording {recording.sha256[:12]} "
            f"({recording.start:.3f} to {recording.start + usable:.3f})"
        )
    return moment


def _ms(seconds: float) -> int:
    return int(round(seconds * 1000))


def _picture(source: Path, moment: float, width: int | None) -> BgrImage:
    image = media.frame_at(source, moment, width)
    if image is None:
        raise media.UnreadableMedia(f"{source}: no picture decodes at {moment:.3f} s")
    return image


def _scaled(image: BgrImage, width: int) -> BgrImage:
    """`image` `width` pixels wide (aspect kept), as the scan hands pictures to detectors."""
    if image.shape[1] == width:
        return image
    height = max(2, round(image.shape[0] * width / image.shape[1]))
    # AREA averages the pixels each output pixel covers, like the scan's swscale AREA.
    return np.asarray(
        cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA), dtype=np.uint8
    )


def _only(detections: Detections, classes: frozenset[ObjectClass]) -> Detections:
    """A model that knows both classes gives only those this camera takes from it."""
    return detections[np.isin(detections.class_id, [int(c) for c in classes])]


def _name_of(detect: Callable[[BgrImage], FrameObjects]) -> str:
    name = getattr(detect, "name", None)
    if isinstance(name, str) and name:
        return name
    return str(getattr(detect, "__qualname__", type(detect).__qualname__))
