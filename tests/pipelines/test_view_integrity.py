"""View integrity end to end: a covered lens, a refocused lens and a turned camera, planted at a
known second in generated clips and in edited copies of real footage, are found by
`pipelines.scan` through real encoding, packet screening and decoding; people walking through,
lights dimmed or switched off are not. The site file's reference image and its errors too."""

from __future__ import annotations

import functools
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from analyzer.findings import FindingKind
from analyzer.recording import CameraKind
from analyzer.wallclock import time_zone
from models.storage import sha256_file
from pipelines import scan
from pipelines.site import Camera, Site, SiteError, load_site
from tests.clips import write_clip
from tests.conftest import shared_path

VIEW_KINDS = (FindingKind.OBSTRUCTED_VIEW, FindingKind.BLURRED_VIEW, FindingKind.CAMERA_MOVED)
PLANTED_S = 20.0  # every problem below starts here, 20 s into its clip
CLIP_S = 32.0

# (bgr picture, seconds into the clip) -> the picture as recorded
Edit = Callable[[np.ndarray, float], np.ndarray]


def analyse(path: Path, camera: Camera | None = None) -> scan.RecordingAnalysis:
    options = scan.ScanOptions(site=Site(), zone=time_zone("UTC"), start=0.0)
    return scan.analyse_recording(
        path,
        sha256=sha256_file(path),
        camera=camera or Camera(id="cam", kind=CameraKind.FIXED),
        options=options,
    )


def view_findings(analysis: scan.RecordingAnalysis) -> list[tuple[FindingKind, float, float]]:
    """(kind, start, end) of the view findings, in seconds from the recording's start."""
    start = analysis.recording.start
    return [
        (f.kind, f.start - start, f.end - start) for f in analysis.findings if f.kind in VIEW_KINDS
    ]


def assert_found_once(analysis: scan.RecordingAnalysis, kind: FindingKind) -> None:
    """Exactly one view finding: of `kind`, from the planted second (2 s allowed) to the end."""
    found = view_findings(analysis)
    assert [k for k, _, _ in found] == [kind], found
    _, start, end = found[0]
    assert abs(start - PLANTED_S) <= 2.0, found
    assert end == pytest.approx(analysis.recording.duration_s, abs=1.5), found
    [finding] = [f for f in analysis.findings if f.kind is kind]
    assert finding.rule == "V2" and finding.severity.value == "high"
    assert finding.frame_time == finding.start


# ---------------------------------------------------------------------------------------------
# The edits: what happens to the lens or the camera from PLANTED_S on


@functools.cache
def _noise_bank(shape: tuple[int, ...]) -> list[np.ndarray]:
    rng = np.random.default_rng(7)
    return [rng.normal(0, 1, shape).astype(np.float32) for _ in range(4)]


def _noise(shape: tuple[int, ...], t: float, sigma: float = 2.5) -> np.ndarray:
    """Live sensor noise of `sigma` grey levels, different from one frame to the next."""
    bank = _noise_bank(shape)
    return sigma * bank[round(t * 10) % len(bank)]


def covered_by_a_hand() -> Edit:
    """A hand over the lens: out of focus, skin-toned, darker in the middle, the room's light
    leaking in at one edge; the sensor noise stays live."""
    covers: dict[tuple[int, ...], np.ndarray] = {}

    def edit(picture: np.ndarray, t: float) -> np.ndarray:
        if t < PLANTED_S:
            return picture
        if picture.shape not in covers:
            h, w = picture.shape[:2]
            yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
            distance = np.hypot((xx - 0.45 * w) / w, (yy - 0.6 * h) / h)
            skin = np.array([95, 125, 175], np.float32) * (1.15 - 0.8 * distance)[..., None]
            cover = np.clip(1.7 - 1.4 * distance, 0, 1)[..., None]
            leak = np.float32(picture.mean(axis=(0, 1)))
            covers[picture.shape] = cover * skin + (1 - cover) * leak
        return np.clip(covers[picture.shape] + _noise(picture.shape, t), 0, 255).astype(np.uint8)

    return edit


def sprayed() -> Edit:
    """Paint sprayed on the lens: dark blotches over a smeared view of the room."""
    blotches: dict[tuple[int, ...], np.ndarray] = {}

    def edit(picture: np.ndarray, t: float) -> np.ndarray:
        if t < PLANTED_S:
            return picture
        h, w = picture.shape[:2]
        if picture.shape not in blotches:
            coarse = np.random.default_rng(5).random((6, 8)).astype(np.float32)
            blotch = cv2.resize(coarse, (w, h), interpolation=cv2.INTER_CUBIC)
            blotches[picture.shape] = np.clip(0.7 + 0.4 * blotch, 0, 1)[..., None]
        alpha = blotches[picture.shape]
        # the paint on the glass smears what shows through: a view 1/16 as sharp
        small = cv2.resize(picture, (w // 16, h // 16), interpolation=cv2.INTER_AREA)
        smeared = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR).astype(np.float32)
        paint = np.array([40, 45, 50], np.float32)
        out = alpha * paint + (1 - alpha) * smeared + _noise(picture.shape, t)
        return np.clip(out, 0, 255).astype(np.uint8)

    return edit


def refocused(sigma_of_width: float = 0.005) -> Edit:
    """The lens turned out of focus: a blur of `sigma_of_width` of the picture's width."""

    def edit(picture: np.ndarray, t: float) -> np.ndarray:
        if t < PLANTED_S:
            return picture
        return cv2.GaussianBlur(picture, (0, 0), sigma_of_width * picture.shape[1])

    return edit


def turned(fraction_of_width: float = 0.08) -> Edit:
    """The camera panned: the recorded view is a window of 5/6 of the scene, which moves by
    `fraction_of_width` of the scene's width at PLANTED_S."""

    def edit(picture: np.ndarray, t: float) -> np.ndarray:
        h, w = picture.shape[:2]
        view_h, view_w = h * 5 // 6 // 2 * 2, w * 5 // 6 // 2 * 2
        x = (w - view_w) // 2 + (int(fraction_of_width * w) if t >= PLANTED_S else 0)
        y = (h - view_h) // 2
        return np.ascontiguousarray(picture[y : y + view_h, x : x + view_w])

    return edit


def lit(gain: float, noise: float = 0.0) -> Edit:
    """Lights dimmed or switched off at PLANTED_S: every grey level times `gain`, with
    sensor noise of `noise` levels as the camera's gain rises."""

    def edit(picture: np.ndarray, t: float) -> np.ndarray:
        if t < PLANTED_S:
            return picture
        darker = picture.astype(np.float32) * gain
        if noise:
            darker += _noise(picture.shape, t, noise)
        return np.clip(darker, 0, 255).astype(np.uint8)

    return edit


def unedited(picture: np.ndarray, t: float) -> np.ndarray:
    return picture


# ---------------------------------------------------------------------------------------------
# Real footage, edited


def edited_copy(source: Path, out: Path, edit: Edit, *, start_s: float) -> Path:
    """CLIP_S seconds of `source` from `start_s`, every picture passed through `edit` (BGR,
    seconds into the copy), encoded as an NVR writes: H.264, 10 fps, a keyframe every 2 s."""
    with av.open(str(source)) as original, av.open(str(out), "w") as copy:
        video = original.streams.video[0]
        stream = None
        for frame in original.decode(video):
            if frame.pts is None or frame.time_base is None:
                continue
            t = float(frame.pts * frame.time_base) - start_s
            if t < 0:
                continue
            if t >= CLIP_S:
                break
            picture = edit(frame.to_ndarray(format="bgr24"), t)
            if stream is None:
                stream = copy.add_stream("libx264", rate=10)
                stream.height, stream.width = picture.shape[:2]
                stream.pix_fmt = "yuv420p"
                stream.time_base = Fraction(1, 1000)
                stream.options = {
                    "preset": "ultrafast",
                    "crf": "28",
                    "g": "20",
                    "bf": "0",
                    "threads": "1",
                    "sc_threshold": "0",
                }
            recorded = av.VideoFrame.from_ndarray(picture, format="bgr24")
            recorded.pts, recorded.time_base = round(t * 1000), Fraction(1, 1000)
            for packet in stream.encode(recorded):
                copy.mux(packet)
        assert stream is not None, f"nothing decoded from {source}"
        for packet in stream.encode():
            copy.mux(packet)
    return out


# people walk in and out one by one (indoor CCTV); people keep crossing a square (outdoors)
REAL = [("one-by-one-person-detection.mp4", 30.0), ("vtest.avi", 0.0)]


@pytest.mark.video
@pytest.mark.shared
@pytest.mark.parametrize(("name", "start_s"), REAL)
@pytest.mark.parametrize(
    ("edit", "kind"),
    [
        (covered_by_a_hand(), FindingKind.OBSTRUCTED_VIEW),
        (sprayed(), FindingKind.OBSTRUCTED_VIEW),
        (refocused(), FindingKind.BLURRED_VIEW),
        (turned(), FindingKind.CAMERA_MOVED),
    ],
    ids=["covered", "sprayed", "refocused", "turned"],
)
def test_a_problem_planted_in_real_footage_is_found_where_it_starts(
    tmp_path, name, start_s, edit, kind
):
    copy = edited_copy(shared_path("videos", name), tmp_path / "edited.mp4", edit, start_s=start_s)
    assert_found_once(analyse(copy), kind)


@pytest.mark.video
@pytest.mark.shared
@pytest.mark.parametrize(("name", "start_s"), REAL)
@pytest.mark.parametrize(
    ("edit", "allowed"),
    [
        (unedited, ()),
        # the room at 45 % of its light: still the same, sharp, uncovered view
        (lit(0.45), ()),
        # lights off: the picture at 12 % with the camera's gain noise; it may look obstructed
        # (the brief's "dark lens"), never like another room
        (lit(0.12, noise=3.0), (FindingKind.OBSTRUCTED_VIEW,)),
    ],
    ids=["re-encoded", "dimmed", "lights-off"],
)
def test_people_and_light_changes_in_real_footage_are_no_view_problem(
    tmp_path, name, start_s, edit, allowed
):
    copy = edited_copy(shared_path("videos", name), tmp_path / "edited.mp4", edit, start_s=start_s)
    found = view_findings(analyse(copy))
    assert [k for k, _, _ in found if k not in allowed] == [], found


@pytest.mark.video
@pytest.mark.shared
@pytest.mark.parametrize("name", [name for name, _ in REAL])
def test_unedited_real_footage_has_no_view_finding(name):
    path = shared_path("videos", name)
    analysis = analyse(path)
    assert view_findings(analysis) == []
    # and it was judged: the view was compared, not skipped
    measured = np.isfinite(analysis.signals.scene_match)
    assert measured.sum() >= analysis.recording.duration_s / 2


# ---------------------------------------------------------------------------------------------
# Generated clips


def room(width: int = 384, height: int = 216, seed: int = 3) -> np.ndarray:
    """A furnished room seen from a fixed camera, as BGR: walls of large blocks, edges of
    shelves and boxes; larger than the recorded view so that the camera can turn."""
    rng = np.random.default_rng(seed)
    blocks = rng.integers(50, 210, (height // 12 + 1, width // 12 + 1, 1), dtype=np.uint8)
    scene = np.kron(blocks, np.ones((12, 12, 1), np.uint8))[:height, :width].repeat(3, axis=2)
    for _ in range(25):  # shelves, boxes, a door frame
        x, y = rng.integers(0, width - 40), rng.integers(0, height - 30)
        w, h = rng.integers(10, 60), rng.integers(8, 40)
        scene[y : y + h, x : x + w] = rng.integers(20, 235)
    return scene


def recorded(scene: np.ndarray, edit: Edit, turn: float) -> Callable[[int, float], np.ndarray]:
    """A live camera on `scene`: people crossing at 3-10 s and 24-31 s, fresh sensor noise
    in every frame; it records a window of the room (`turned` by `turn` at PLANTED_S), and
    that picture goes through `edit`."""
    window = turned(turn)

    def paint(index: int, t: float) -> np.ndarray:
        picture = scene.copy()
        for enter in (3.0, 24.0):
            if enter <= t < enter + 7:
                x = int((t - enter) / 7 * (scene.shape[1] - 40))
                picture[60:190, x : x + 34] = (40, 45, 60)  # a person, 60 % of the height
        noise = np.random.default_rng(index).normal(0, 2.5, picture.shape)
        live = np.clip(picture + noise, 0, 255).astype(np.uint8)
        return edit(window(live, t), t)

    return paint


def generated_clip(tmp_path: Path, edit: Edit, turn: float = 0.0) -> Path:
    times = [i / 10 for i in range(int(CLIP_S * 10))]
    return write_clip(tmp_path / "clip.mp4", times, recorded(room(), edit, turn), gop=20, rate=10)


@pytest.mark.video
@pytest.mark.parametrize(
    ("edit", "turn", "kind"),
    [
        (covered_by_a_hand(), 0.0, FindingKind.OBSTRUCTED_VIEW),
        (refocused(), 0.0, FindingKind.BLURRED_VIEW),
        (unedited, 0.08, FindingKind.CAMERA_MOVED),
    ],
    ids=["covered", "refocused", "turned"],
)
def test_a_problem_planted_in_a_generated_clip_is_found_where_it_starts(tmp_path, edit, turn, kind):
    assert_found_once(analyse(generated_clip(tmp_path, edit, turn)), kind)


@pytest.mark.video
@pytest.mark.parametrize(
    "edit", [unedited, lit(0.45), lit(1.6)], ids=["people-only", "dimmed", "brighter"]
)
def test_people_and_light_changes_in_a_generated_clip_are_no_view_problem(tmp_path, edit):
    assert view_findings(analyse(generated_clip(tmp_path, edit))) == []


@pytest.mark.video
def test_a_handheld_recorder_is_not_judged_for_its_view(tmp_path):
    path = generated_clip(tmp_path, unedited, turn=0.08)
    analysis = analyse(path, Camera(id="phone", kind=CameraKind.HANDHELD))
    assert view_findings(analysis) == []
    assert np.isnan(analysis.signals.scene_match).all()


@pytest.mark.video
def test_stretches_measured_again_compare_against_the_recordings_reference(tmp_path):
    """A camera turned to a still, noiseless view: its keyframes look frozen, so the stretch
    is decoded again in full by fresh meters. They must compare with the view of the
    recording's first seconds (not learn a new one from the turned view), or the moved
    stretch would break up where they measured."""
    scene = room()
    window = turned()

    def paint(index: int, t: float) -> np.ndarray:
        if t < PLANTED_S:
            noise = np.random.default_rng(index).normal(0, 2.5, scene.shape)
            return window(np.clip(scene + noise, 0, 255).astype(np.uint8), t)
        return window(scene, t)  # the sensor noise gone too: the picture looks frozen

    times = [i / 10 for i in range(int(CLIP_S * 10))]
    analysis = analyse(write_clip(tmp_path / "still.mp4", times, paint, gop=20, rate=10))
    assert analysis.rechecked_s > 0
    assert_found_once(analysis, FindingKind.CAMERA_MOVED)
    rechecked = analysis.signals.time > PLANTED_S + 2
    matches = analysis.signals.scene_match[rechecked]
    assert (matches[np.isfinite(matches)] < 0.5).all()


# ---------------------------------------------------------------------------------------------
# The site file's reference image


def site_with_reference(tmp_path: Path, reference: str) -> Path:
    site = tmp_path / "site" / "site.yaml"
    site.parent.mkdir(exist_ok=True)
    site.write_text(
        f"cameras:\n  - {{id: vault-a, reference_image: '{reference}'}}\n", encoding="utf-8"
    )
    return site


@pytest.mark.video
def test_a_recording_that_starts_turned_is_found_against_the_site_reference_image(tmp_path):
    """Its own first seconds show the wrong view; the still in the site file the right one."""
    scene = room()
    right, wrong = turned(0.0), turned(0.08)
    (tmp_path / "site" / "stills").mkdir(parents=True)
    # a full-size still, as exported from the recorder: scaled like the thumbnails
    still = cv2.resize(right(scene, 0.0), (640, 360), interpolation=cv2.INTER_CUBIC)
    cv2.imwrite(str(tmp_path / "site" / "stills" / "vault-a.png"), still)
    site = load_site(site_with_reference(tmp_path, "stills/vault-a.png"))
    camera = site.camera("vault-a")
    assert camera is not None
    assert camera.reference_image == tmp_path / "site" / "stills" / "vault-a.png"

    def paint(index: int, t: float) -> np.ndarray:
        noise = np.random.default_rng(index).normal(0, 2.5, scene.shape)
        live = np.clip(scene + noise, 0, 255).astype(np.uint8)
        return (right if t >= PLANTED_S else wrong)(live, PLANTED_S)  # turned back at 20 s

    times = [i / 10 for i in range(int(CLIP_S * 10))]
    path = write_clip(tmp_path / "turned.mp4", times, paint, gop=20, rate=10)
    # Against its own first seconds, the turn back looks like the move.
    [(kind, start, _)] = view_findings(analyse(path))
    assert kind is FindingKind.CAMERA_MOVED and abs(start - PLANTED_S) <= 2.0
    [(kind, start, end)] = view_findings(analyse(path, camera))
    assert kind is FindingKind.CAMERA_MOVED and start == 0.0 and abs(end - PLANTED_S) <= 2.0


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda folder: None, "does not exist"),
        (lambda folder: (folder / "stills" / "vault-a.png").write_bytes(b"not a picture"),
         "cannot be read as a picture"),
    ],
    ids=["missing", "not-a-picture"],
)  # fmt: skip
def test_a_reference_image_that_cannot_be_read_is_a_site_error(tmp_path, make, message):
    site = site_with_reference(tmp_path, "stills/vault-a.png")
    (site.parent / "stills").mkdir()
    make(site.parent)
    with pytest.raises(SiteError, match=rf"cameras\.0\.reference_image: .*{message}"):
        load_site(site)
