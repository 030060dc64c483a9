"""Media for the review service, cut from small real recordings (PyAV / FFmpeg)."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from analyzer.counting import Zone
from analyzer.detections import Detections, ObjectClass
from analyzer.recording import RecordingInfo
from models.backends.motion_person import MotionPersonDetector
from models.detector import BgrFrame
from pipelines import media, review_media
from pipelines.counting import CountingSetup
from pipelines.drawing import COLOURS, FrameObjects
from pipelines.review_media import (
    NotDetectableFromOnePicture,
    OriginalUnavailable,
    TimeOutsideRecording,
    boxed_clip,
    detections_at,
    finding_clip,
    picture_detector,
    thumbnail,
)
from tests.clips import regular, write_clip
from tests.helpers import T0, recording

pytestmark = pytest.mark.video

WIDTH, HEIGHT, FPS, SECONDS = 160, 96, 10, 6.0
PERSON, BUNDLE = int(ObjectClass.PERSON), int(ObjectClass.BUNDLE)
# A second before and after: a finding of 2 to 3 s is cut from the keyframe at 1 s to 4 s.
ROLLS = {"pre_roll_s": 1.0, "post_roll_s": 1.0}


def moving_bar(index: int, time: float) -> np.ndarray:
    """A grey room with a dark bar moving one step a frame: every picture differs."""
    image = np.full((HEIGHT, WIDTH, 3), 110, np.uint8)
    image[::8] = 90  # some texture
    x = (index * 2) % (WIDTH - 8)
    image[70:90, x : x + 8] = 20
    return image


def recording_of(path: Path, *, start: float = T0, seconds: float = SECONDS) -> RecordingInfo:
    data = path.read_bytes()
    return recording(
        path=str(path),
        sha256=hashlib.sha256(data).hexdigest(),
        size_bytes=len(data),
        start=start,
        duration_s=seconds,
        decoded_to=start + seconds,
        fps=FPS,
        width=WIDTH,
        height=HEIGHT,
    )


@pytest.fixture
def original(tmp_path: Path) -> RecordingInfo:
    """6 s at 10 fps, a keyframe every second, in a folder of its own (the "NVR export")."""
    folder = tmp_path / "nvr"
    folder.mkdir()
    path = write_clip(folder / "ch01.mp4", regular(SECONDS, FPS), moving_bar, gop=10)
    return recording_of(path)


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def top_level_boxes(path: Path) -> list[str]:
    """The MP4's top-level box types in file order."""
    data = path.read_bytes()
    kinds, position = [], 0
    while position + 8 <= len(data):
        size = int.from_bytes(data[position : position + 4], "big")
        kinds.append(data[position + 4 : position + 8].decode("latin-1"))
        if size == 1:
            size = int.from_bytes(data[position + 8 : position + 16], "big")
        elif size == 0:
            size = len(data) - position
        position += size
    return kinds


def assert_faststart(path: Path) -> None:
    kinds = top_level_boxes(path)
    assert "moov" in kinds and "mdat" in kinds
    assert kinds.index("moov") < kinds.index("mdat"), kinds


def pictures(path: Path) -> list[media.DecodedFrame]:
    return list(media.iter_frames(path, every_s=0.0))


def greenish(pixel: np.ndarray) -> bool:
    """Near the person colour (pure green) after H.264 in yuv420p."""
    assert COLOURS[ObjectClass.PERSON] == (0, 255, 0)
    b, g, r = (int(v) for v in pixel)
    return g > 150 and g - max(b, r) > 60


# --- stream-copied clips -------------------------------------------------------------------


def test_finding_clip_holds_the_originals_pictures_around_the_finding(original, cache):
    clip = finding_clip(
        original, start=T0 + 2.35, end=T0 + 3.0, cache_dir=cache, pre_roll_s=1.0, post_roll_s=1.0
    )
    # asked for 1.35 s to 4.0 s: the copy opens on the keyframe at 1.0 s
    assert clip.first_s == pytest.approx(T0 + 1.0)
    assert clip.last_s == pytest.approx(T0 + 4.0)
    assert not clip.derived and clip.recording_sha256 == original.sha256
    assert clip.description == (
        f"stream copy of {original.sha256} from 1.000 s to 4.000 s (seconds from the "
        "recording's start; video packets copied, not re-encoded)"
    )
    assert clip.path.parent == cache and clip.path.suffix == ".mp4"
    frames = pictures(clip.path)
    assert [round(f.time, 3) for f in frames] == pytest.approx(regular(3.1, FPS))
    source = Path(original.path)
    for frame in frames:
        expected = media.frame_at(source, 1.0 + frame.time)
        assert expected is not None
        assert np.array_equal(frame.bgr(), expected)  # the original's bits, decoded alike
    assert_faststart(clip.path)
    # the original, as a recorder writes it, has its index at the end
    kinds = top_level_boxes(source)
    assert kinds.index("mdat") < kinds.index("moov")


def test_finding_clip_is_clipped_to_the_recording(original, cache):
    clip = finding_clip(original, start=T0 + 0.5, end=T0 + 5.5, cache_dir=cache)
    assert clip.first_s == pytest.approx(T0)
    assert clip.last_s == pytest.approx(T0 + 5.9)  # the last picture
    assert len(pictures(clip.path)) == 60


def test_finding_clip_keeps_the_rotation(tmp_path, cache):
    path = write_clip(tmp_path / "phone.mp4", regular(2, FPS), moving_bar, rotation=-90)
    clip = finding_clip(recording_of(path, seconds=2.0), start=T0 + 1, end=T0 + 1, cache_dir=cache)
    info = media.probe(clip.path)
    assert (info.rotation, info.width, info.height) == (90, HEIGHT, WIDTH)


def test_the_same_clip_is_served_from_the_cache(original, cache, monkeypatch):
    first = finding_clip(original, start=T0 + 2, end=T0 + 3, cache_dir=cache, **ROLLS)
    before = first.path.stat()

    def refuse(*args: object) -> tuple[float, float]:
        raise AssertionError("cut again")

    monkeypatch.setattr(media, "remux_clip", refuse)
    again = finding_clip(original, start=T0 + 2, end=T0 + 3, cache_dir=cache, **ROLLS)
    after = again.path.stat()
    assert again == first
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    monkeypatch.undo()
    other = finding_clip(original, start=T0 + 2, end=T0 + 4, cache_dir=cache, **ROLLS)
    assert other.path != first.path
    assert (first.last_s, other.last_s) == pytest.approx((T0 + 4.0, T0 + 5.0))
    assert first.path.stat().st_mtime_ns == before.st_mtime_ns


def counting_calls(monkeypatch, name: str, delay_s: float = 0.0) -> list[Path]:
    """Wrap `media.<name>` to record the targets it writes (slowly, to widen any race)."""
    real = getattr(media, name)
    targets: list[Path] = []

    def wrapped(source: Path, target: Path, *args: object, **kwargs: object) -> object:
        targets.append(target)
        result = real(source, target, *args, **kwargs)
        threading.Event().wait(delay_s)
        return result

    monkeypatch.setattr(media, name, wrapped)
    return targets


def test_concurrent_requests_cut_once_and_share_one_whole_file(original, cache, monkeypatch):
    targets = counting_calls(monkeypatch, "remux_clip", delay_s=0.2)
    with ThreadPoolExecutor(6) as pool:
        clips = list(
            pool.map(
                lambda _: finding_clip(
                    original, start=T0 + 2, end=T0 + 3, cache_dir=cache, **ROLLS
                ),
                range(6),
            )
        )
    assert len(targets) == 1
    assert len(set(clips)) == 1
    assert sorted(p.suffix for p in cache.iterdir()) == [".json", ".mp4"]
    assert len(pictures(clips[0].path)) == 31  # 1.0 s to 4.0 s


def test_concurrent_writers_without_the_lock_still_publish_whole_files(
    original, cache, monkeypatch
):
    # Two service processes share no lock: each cuts, the renames replace whole files.
    monkeypatch.setattr(review_media, "_lock", lambda name: threading.Lock())
    targets = counting_calls(monkeypatch, "remux_clip", delay_s=0.2)
    barrier = threading.Barrier(4)

    def request(_: int) -> review_media.ClipFile:
        barrier.wait()
        return finding_clip(original, start=T0 + 2, end=T0 + 3, cache_dir=cache, **ROLLS)

    with ThreadPoolExecutor(4) as pool:
        clips = list(pool.map(request, range(4)))
    assert len(targets) == 4 and len(set(targets)) == 4
    assert len(set(clips)) == 1
    assert sorted(p.suffix for p in cache.iterdir()) == [".json", ".mp4"]  # no .part left
    assert len(pictures(clips[0].path)) == 31


def test_a_clip_is_written_under_a_temporary_name_and_appears_only_when_whole(
    original, cache, monkeypatch
):
    real = media.remux_clip
    final = cache / f"{original.sha256}_1000-4000ms.copy2.mp4"

    def failing(source: Path, target: Path, start: float, end: float) -> tuple[float, float]:
        assert target.parent == cache and target != final and not final.exists()
        real(source, target, start, end)
        raise media.UnreadableMedia("disk full")

    monkeypatch.setattr(media, "remux_clip", failing)
    with pytest.raises(media.UnreadableMedia, match="disk full"):
        finding_clip(original, start=T0 + 2, end=T0 + 3, cache_dir=cache, **ROLLS)
    assert list(cache.iterdir()) == []  # nothing half-written left, nothing published
    monkeypatch.undo()
    clip = finding_clip(original, start=T0 + 2, end=T0 + 3, cache_dir=cache, **ROLLS)
    assert clip.path == final


# --- re-encoded clips with boxes -----------------------------------------------------------


@dataclass
class FakeDetector:
    """Sees a person in the middle of the picture on its first `seen` runs, nothing after."""

    seen: int = 1_000
    name: str = "fake-person-finder"
    calls: int = 0

    def __call__(self, image: BgrFrame) -> FrameObjects:
        self.calls += 1
        assert image.shape == (HEIGHT, WIDTH, 3)
        if self.calls > self.seen:
            return FrameObjects.empty({ObjectClass.PERSON})
        return FrameObjects(
            np.array([[0.25, 0.25, 0.75, 0.75]], np.float32),
            np.array([PERSON]),
            np.array([0.9], np.float32),
            frozenset({ObjectClass.PERSON}),
        )


def test_boxed_clip_draws_the_boxes_where_the_detector_said(original, cache):
    detector = FakeDetector()
    clip = boxed_clip(
        original,
        start=T0 + 2.35,
        end=T0 + 3.0,
        cache_dir=cache,
        detect=detector,
        pre_roll_s=1.0,
        post_roll_s=1.0,
    )
    # re-encoded from the picture shown at 1.35 s (the one of 1.3 s), not from a keyframe
    assert clip.first_s == pytest.approx(T0 + 1.3) and clip.last_s == pytest.approx(T0 + 4.0)
    assert clip.derived
    assert "libx264 crf=23 preset=veryfast yuv420p" in clip.description
    assert "boxes by fake-person-finder at most 4 times a second" in clip.description
    assert original.sha256 in clip.description and "1.300 s to 4.000 s" in clip.description
    frames = pictures(clip.path)
    assert len(frames) == 28
    assert [f.time for f in frames] == pytest.approx(regular(2.8, FPS), abs=1e-3)
    # 4 runs a second, on the first picture at or after each step of a 0.25-s grid from
    # 1.3 s: 1.3, 1.6, 1.8, 2.1, 2.3, 2.6, 2.8, 3.1, 3.3, 3.6, 3.8
    assert detector.calls == 11
    for frame in frames:
        image = frame.bgr()
        assert image.shape == (HEIGHT, WIDTH, 3)
        # box x 40..120, y 24..72: its left, right and bottom edges are green
        assert greenish(image[48, 40]) and greenish(image[48, 120]) and greenish(image[72, 80])
        assert not greenish(image[48, 80])  # inside
        assert not greenish(image[90, 20])  # outside
    assert_faststart(clip.path)


def test_boxes_are_held_between_detector_runs(original, cache):
    detector = FakeDetector(seen=1)  # one run sees a person, the later ones nobody
    clip = boxed_clip(
        original,
        start=T0 + 1.0,
        end=T0 + 2.0,
        cache_dir=cache,
        detect=detector,
        detect_per_s=2.0,
        pre_roll_s=0.0,
        post_roll_s=0.0,
    )
    boxed = [greenish(frame.bgr()[48, 40]) for frame in pictures(clip.path)]
    # runs at 1.0 s (person) and 1.5 s (nobody): the box stays on 1.0 to 1.4 s
    assert boxed == [True] * 5 + [False] * 6
    assert detector.calls == 3  # 1.0, 1.5, 2.0


def test_boxed_clip_is_cached_per_detector(original, cache):
    one = FakeDetector()
    first = boxed_clip(original, start=T0 + 2, end=T0 + 3, cache_dir=cache, detect=one)
    again = boxed_clip(original, start=T0 + 2, end=T0 + 3, cache_dir=cache, detect=FakeDetector())
    assert again == first
    other = boxed_clip(
        original,
        start=T0 + 2,
        end=T0 + 3,
        cache_dir=cache,
        detect=FakeDetector(name="another"),
    )
    assert other.path != first.path
    plain = finding_clip(original, start=T0 + 2, end=T0 + 3, cache_dir=cache)
    assert plain.path not in {first.path, other.path}


def test_boxed_clip_of_a_turned_phone_clip_is_upright(tmp_path, cache):
    def band(index: int, time: float) -> np.ndarray:
        image = np.full((HEIGHT, WIDTH, 3), 60, np.uint8)
        image[:, :20] = 255  # a white band on the left of the stored picture
        return image

    path = write_clip(tmp_path / "phone.mp4", regular(2, FPS), band, rotation=-90)
    seen: list[tuple[int, ...]] = []

    def nobody(image: BgrFrame) -> FrameObjects:
        seen.append(image.shape)
        return FrameObjects.empty()

    clip = boxed_clip(
        recording_of(path, seconds=2.0), start=T0 + 1, end=T0 + 1, cache_dir=cache, detect=nobody
    )
    assert set(seen) == {(WIDTH, HEIGHT, 3)}
    info = media.probe(clip.path)
    assert (info.rotation, info.width, info.height) == (0, HEIGHT, WIDTH)
    image = pictures(clip.path)[0].bgr()
    # turned a quarter clockwise, the left band is on top
    assert image[:15].mean() > 200 and image[-100:].mean() < 90


def test_encode_clip_hands_every_picture_and_evens_odd_sizes(tmp_path):
    def odd(index: int, time: float) -> np.ndarray:
        return np.full((97, 161, 3), index * 3, np.uint8)

    # MPEG-4 part 2 stores odd sizes; H.264 in yuv420p cannot
    source = write_clip(tmp_path / "odd.mp4", regular(3, FPS), odd, codec="mpeg4")
    times: list[float] = []

    def draw(time: float, image: np.ndarray) -> np.ndarray:
        times.append(time)
        assert image.shape == (97, 161, 3)
        return image

    target = tmp_path / "out.mp4"
    span = media.encode_clip(source, target, 0.95, 2.0, draw)
    assert span == pytest.approx((0.9, 2.0))
    assert times == pytest.approx([0.9 + i / 10 for i in range(12)])
    info = media.probe(target)
    assert (info.codec, info.width, info.height) == ("h264", 160, 96)
    assert info.fps == pytest.approx(FPS)
    assert_faststart(target)


# --- thumbnails ----------------------------------------------------------------------------


def test_thumbnail_is_a_cached_jpeg_of_the_picture_then(original, cache):
    path = thumbnail(original, at=T0 + 2.5, cache_dir=cache, width=80)
    with Image.open(path) as image:
        assert (image.format, image.size) == ("JPEG", (80, 48))
        picture = np.asarray(image.convert("RGB"))[:, :, ::-1].astype(np.int64)
    expected = media.frame_at(Path(original.path), 2.5, 80)
    assert expected is not None
    assert np.abs(picture - expected).mean() < 4  # JPEG, not bit-exact
    other = media.frame_at(Path(original.path), 3.5, 80)
    assert other is not None and np.abs(picture - other).mean() > np.abs(picture - expected).mean()
    before = path.stat()
    assert thumbnail(original, at=T0 + 2.5, cache_dir=cache, width=80) == path
    assert (path.stat().st_ino, path.stat().st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert thumbnail(original, at=T0 + 2.5, cache_dir=cache).name != path.name  # 320 wide
    with Image.open(thumbnail(original, at=T0 + 2.5, cache_dir=cache)) as image:
        assert image.size == (320, 192)
    assert not [p for p in cache.iterdir() if p.name.endswith(".part")]


@pytest.mark.parametrize("width", [8, 5000])
def test_thumbnail_width_is_bounded(original, cache, width):
    with pytest.raises(ValueError, match="width"):
        thumbnail(original, at=T0 + 1, cache_dir=cache, width=width)


# --- objects at a moment -------------------------------------------------------------------


class ModelLike:
    """A detector backend double: fixed pixel boxes in the 80 x 48 picture it is given."""

    def __init__(self, name: str, boxes: Sequence[tuple[list[float], float, int]]) -> None:
        self.name = name
        self.boxes = boxes
        self.seen: list[BgrFrame] = []

    def detect(self, frames: Sequence[BgrFrame]) -> list[Detections]:
        self.seen.extend(frames)
        xyxy = [b for b, _, _ in self.boxes]
        return [
            Detections.from_arrays(
                xyxy, [s for _, s, _ in self.boxes], [c for _, _, c in self.boxes]
            )
            for _ in frames
        ]


def setup_with(person: object, bundle: object, **overrides: object) -> CountingSetup:
    settings: dict[str, object] = {"detect_width": 80, "min_confidence": 0.35, **overrides}
    return CountingSetup(person=person, bundle=bundle, **settings)  # type: ignore[arg-type]


def test_detections_at_runs_the_cameras_detectors_on_that_picture(original):
    person = ModelLike(
        "person-model@abc123",
        [
            ([20, 12, 40, 36], 0.9, PERSON),
            ([50, 10, 60, 30], 0.2, PERSON),  # too weak to count as a new person
            ([0, 0, 8, 8], 0.9, BUNDLE),  # the camera takes bundles from its bundle model
        ],
    )
    bundle = ModelLike("bundle-model@def456", [([60, 30, 100, 50], 0.6, BUNDLE)])
    found = detections_at(original, at=T0 + 2.5, setup=setup_with(person, bundle))
    assert found.looked_for == {ObjectClass.PERSON, ObjectClass.BUNDLE}
    assert found.class_id.tolist() == [PERSON, BUNDLE]
    np.testing.assert_allclose(found.box, [[0.25, 0.25, 0.5, 0.75], [0.75, 30 / 48, 1.0, 1.0]])
    np.testing.assert_allclose(found.confidence, [0.9, 0.6])
    # the picture shown at 2.5 s, as the scan hands it to detectors (detect_width wide)
    expected = media.frame_at(Path(original.path), 2.5, 80)
    assert len(person.seen) == len(bundle.seen) == 1
    assert np.array_equal(person.seen[0], expected) and np.array_equal(bundle.seen[0], expected)
    assert found.to_json()["objects"][0] == {
        "label": "person",
        "confidence": 0.9,
        "box": [0.25, 0.25, 0.5, 0.75],
    }


def test_detections_at_keeps_only_the_zone(original):
    both = ModelLike(
        "both",
        [([10, 10, 30, 40], 0.8, PERSON), ([50, 10, 70, 40], 0.8, PERSON)],
    )
    left_half = Zone.of([(0, 0), (0.5, 0), (0.5, 1), (0, 1)])
    found = detections_at(original, at=T0 + 1, setup=setup_with(both, both, zone=left_half))
    np.testing.assert_allclose(found.box, [[10 / 80, 10 / 48, 30 / 80, 40 / 48]])
    assert len(both.seen) == 1  # one model for both classes runs once


def test_motion_fallback_cameras_look_only_for_bundles(original):
    bundle = ModelLike("bundle-model", [([60, 30, 100, 50], 0.6, BUNDLE)])
    motion = setup_with(MotionPersonDetector(), bundle, needs_every_frame=True)
    found = detections_at(original, at=T0 + 1, setup=motion)
    assert found.looked_for == {ObjectClass.BUNDLE}
    assert found.to_json()["looked_for"] == ["bundle"]
    assert found.class_id.tolist() == [BUNDLE]


@pytest.mark.parametrize(
    "setup",
    [
        None,
        setup_with(MotionPersonDetector(), None, needs_every_frame=True),
    ],
    ids=["nothing counted", "motion fallback only"],
)
def test_no_single_picture_detector_is_refused(original, setup):
    with pytest.raises(NotDetectableFromOnePicture):
        detections_at(original, at=T0 + 1, setup=setup)


def test_boxed_clip_with_the_cameras_detector(original, cache):
    person = ModelLike("person-model@abc123", [([20, 12, 40, 36], 0.9, PERSON)])
    detector = picture_detector(setup_with(person, None))
    assert detector.name == "person=person-model@abc123;person>=0.35;zone=none;width=80"
    clip = boxed_clip(
        original,
        start=T0 + 1,
        end=T0 + 1.5,
        cache_dir=cache,
        detect=detector,
        pre_roll_s=0,
        post_roll_s=0,
    )
    assert f"boxes by {detector.name}" in clip.description
    image = pictures(clip.path)[0].bgr()
    # the box found in the 80-px picture lands on the 160-px one: x 40..80, y 24..72
    assert greenish(image[48, 40]) and greenish(image[48, 80]) and not greenish(image[48, 60])
    assert person.seen[0].shape == (48, 80, 3)


# --- errors and the originals --------------------------------------------------------------

REQUESTS: dict[str, Callable[[RecordingInfo, Path, float, float], object]] = {
    "finding_clip": lambda r, c, s, e: finding_clip(r, start=s, end=e, cache_dir=c),
    "boxed_clip": lambda r, c, s, e: boxed_clip(
        r, start=s, end=e, cache_dir=c, detect=lambda image: FrameObjects.empty()
    ),
    "thumbnail": lambda r, c, s, e: thumbnail(r, at=s, cache_dir=c),
    "detections_at": lambda r, c, s, e: detections_at(
        r, at=s, setup=setup_with(ModelLike("m", []), None)
    ),
}


OUTSIDE = [
    pytest.param(T0 - 20, T0 - 10, False, id="before"),
    pytest.param(T0 + 20, T0 + 30, False, id="after"),
    # a second off the edges: a clip's 5-s rolls still reach the recording, a moment does not
    pytest.param(T0 - 1, T0 - 1, True, id="just before"),
    pytest.param(T0 + 7, T0 + 7, True, id="just after"),
]


@pytest.mark.parametrize("kind", REQUESTS)
@pytest.mark.parametrize(("start", "end", "rolls_reach"), OUTSIDE)
def test_times_outside_the_recording_are_refused(original, cache, kind, start, end, rolls_reach):
    if kind.endswith("clip") and rolls_reach:
        clip = REQUESTS[kind](original, cache, start, end)
        assert isinstance(clip, review_media.ClipFile)
        assert clip.first_s == pytest.approx(T0) or clip.last_s == pytest.approx(T0 + 5.9)
        return
    with pytest.raises(TimeOutsideRecording) as error:
        REQUESTS[kind](original, cache, start, end)
    assert isinstance(error.value, ValueError)
    message = str(error.value)
    assert "outside recording" in message and "\n" not in message
    assert not cache.exists() or list(cache.iterdir()) == []


def test_the_recordings_last_moment_shows_its_last_picture(original, cache):
    with Image.open(thumbnail(original, at=T0 + SECONDS, cache_dir=cache, width=80)) as image:
        picture = np.asarray(image.convert("RGB"))[:, :, ::-1].astype(np.int64)
    last = media.frame_at(Path(original.path), 5.9, 80)
    assert last is not None and np.abs(picture - last).mean() < 4


def test_a_span_ending_before_it_starts_is_refused(original, cache):
    with pytest.raises(TimeOutsideRecording, match="not a span"):
        finding_clip(original, start=T0 + 3, end=T0 + 2, cache_dir=cache)


@pytest.mark.parametrize("kind", REQUESTS)
def test_missing_or_changed_originals_are_unreadable(original, cache, kind):
    path = Path(original.path)
    path.write_bytes(path.read_bytes() + b"appended")
    with pytest.raises(OriginalUnavailable, match="changed since"):
        REQUESTS[kind](original, cache, T0 + 1, T0 + 2)
    path.unlink()
    with pytest.raises(media.UnreadableMedia, match="missing"):
        REQUESTS[kind](original, cache, T0 + 1, T0 + 2)


def test_a_damaged_original_is_unreadable_media(tmp_path, cache):
    path = tmp_path / "broken.mp4"
    path.write_bytes(b"not a video at all\n" * 50)
    with pytest.raises(media.UnreadableMedia, match="not a readable video"):
        finding_clip(recording_of(path), start=T0 + 1, end=T0 + 2, cache_dir=cache)
    assert list(cache.iterdir()) == []  # the temporary file is gone


def test_nothing_is_written_beside_the_original(original, cache):
    folder = Path(original.path).parent
    before = {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.iterdir()}
    finding_clip(original, start=T0 + 2, end=T0 + 3, cache_dir=cache)
    boxed_clip(original, start=T0 + 2, end=T0 + 3, cache_dir=cache, detect=FakeDetector())
    thumbnail(original, at=T0 + 2, cache_dir=cache)
    detections_at(original, at=T0 + 2, setup=setup_with(ModelLike("m", []), None))
    after = {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.iterdir()}
    assert after == before
    assert hashlib.sha256(Path(original.path).read_bytes()).hexdigest() == original.sha256
    assert len(list(cache.iterdir())) == 5  # two clips with their spans, one thumbnail
