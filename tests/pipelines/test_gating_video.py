"""The screened path cannot hide activity: real encoded video, a deterministic stand-in
detector (a dark figure on a light room), gated scan against the every-frame scan."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import av
import numpy as np
import pytest
from scipy import ndimage

from analyzer.detections import Detections, ObjectClass
from analyzer.gating import GateSettings, plan_gops
from analyzer.wallclock import time_zone
from models.detector import BgrFrame
from models.storage import sha256_file
from pipelines import media, scan
from pipelines.counting import CountingSetup
from pipelines.site import Camera, Site
from tests.clips import write_clip

pytestmark = pytest.mark.video


class DarkFigureDetector:
    """Finds dark upright blobs: the people of these test scenes. Stateless, like a model."""

    name = "dark-figure"

    def detect(self, frames: Sequence[BgrFrame]) -> list[Detections]:
        found = []
        for frame in frames:
            labels, n = ndimage.label(frame.mean(axis=2) < 60)
            boxes = [
                (s[1].start, s[0].start, s[1].stop, s[0].stop)
                for s in ndimage.find_objects(labels)
                if (s[0].stop - s[0].start) > 20
            ]
            found.append(
                Detections.from_arrays(
                    np.asarray(boxes, np.float32).reshape(-1, 4),
                    np.full(len(boxes), 0.9),
                    np.full(len(boxes), int(ObjectClass.PERSON)),
                )
            )
        return found


def room(width: int = 320, height: int = 180):
    base = np.full((height, width, 3), 170, np.uint8)
    base[height * 2 // 3 :] = 120  # floor

    def paint(index: int, time: float, people: list[tuple[int, int]]) -> np.ndarray:
        noise = np.random.default_rng(index).normal(0, 2.5, (height, width, 1))
        image = np.clip(base + noise, 0, 255).astype(np.uint8)
        # A large ticking on-screen clock: the encoder quantises the sensor noise of this
        # small picture away, and without the clock keyframes seconds apart would look frozen
        # (and be decoded again in full to check).
        image[4:44, 4:124] = 100 + 15 * (int(time) % 10)
        for x, y in people:
            image[y : y + 60, x : x + 22] = 25
        return image

    return paint


def analyse(path, *, gated: bool, detector: DarkFigureDetector | None = None):
    detector = detector if detector is not None else DarkFigureDetector()
    options = scan.ScanOptions(
        site=Site(),
        zone=time_zone("UTC"),
        start=0.0,
        counting=lambda camera: CountingSetup(
            person=detector,
            bundle=None,
            detect_on_change=6.0 if gated else None,
            detect_width=320,
        ),
        gate=GateSettings() if gated else None,
    )
    return scan.analyse_recording(
        path, sha256=sha256_file(path), camera=Camera(id="cam"), options=options
    )


def runs_of_one(timeline) -> list[tuple[float, float]]:
    ones = timeline.persons == 1
    edges = np.flatnonzero(np.diff(np.concatenate(([0], ones.astype(int), [0]))))
    return [
        (timeline.time[a], timeline.time[b - 1])
        for a, b in zip(edges[::2], edges[1::2], strict=True)
    ]


def test_a_person_standing_still_for_ten_minutes_is_counted_throughout(tmp_path):
    paint = room()
    fps, gop = 5, 25  # 5 s GOPs, as long-GOP recorders write them

    def scene(index: int, time: float) -> np.ndarray:
        if time < 20:
            return paint(index, time, [])
        if time < 30:  # walks in
            return paint(index, time, [(int(10 + (time - 20) * 14), 80)])
        if time < 630:  # stands still for ten minutes
            return paint(index, time, [(150, 80)])
        return paint(index, time, [])

    times = [i / fps for i in range(int(650 * fps))]
    path = write_clip(tmp_path / "still.mp4", times, scene, gop=gop, rate=fps)
    gated = analyse(path, gated=True)
    counts = gated.counts
    assert counts is not None
    standing = (counts.time >= 31) & (counts.time <= 629)
    assert np.mean(counts.persons[standing] == 1) >= 0.99
    assert (counts.persons[(counts.time < 19) | (counts.time > 636)] == 0).all()
    assert counts.time[standing].size > 100  # keyframes at least: a count every 5 s or less


def test_lone_person_starting_inside_a_static_gop_is_found_like_the_every_frame_path(tmp_path):
    paint = room()
    fps, gop = 10, 50

    def scene(index: int, time: float) -> np.ndarray:
        # two people from 12 s, one of them leaves at 47.3 s (mid-GOP), the other stays still
        # alone until 81.7 s, when the first steps back in (mid-GOP again)
        people = []
        if 12 <= time:
            people.append((60, 70))
        if 12 <= time < 47.3 or time >= 81.7:
            people.append((200, 70))
        return paint(index, time, people)

    times = [i / fps for i in range(int(100 * fps))]
    path = write_clip(tmp_path / "lone.mp4", times, scene, gop=gop, rate=fps)
    gated, full = analyse(path, gated=True), analyse(path, gated=False)
    assert gated.counts is not None and full.counts is not None
    [(g_start, g_end)] = runs_of_one(gated.counts)
    [(f_start, f_end)] = runs_of_one(full.counts)
    assert abs(g_start - f_start) <= 1.0 and abs(g_end - f_end) <= 1.0
    assert abs(f_start - 47.3) <= 1.0 and abs(f_end - 81.7) <= 1.0
    # and the gate did skip work
    assert gated.signals.time.size < full.signals.time.size


def frozen_findings(analysis) -> list[tuple[float, float]]:
    return [
        (f.start - analysis.recording.start, f.end - analysis.recording.start)
        for f in analysis.findings
        if f.kind.value == "frozen_video"
    ]


def test_keyframes_that_match_are_decoded_again_before_anything_is_called_frozen(tmp_path):
    """A live picture whose light pulses once per GOP shows the same keyframe every GOP;
    only a frozen stretch may come out as frozen_video, as on the every-frame path."""
    paint = room()
    fps, gop = 10, 20  # 2-s GOPs

    def scene(index: int, time: float) -> np.ndarray:
        if 40 <= time < 60:  # the recorder repeats the picture of 40 s
            index, time = 400, 40.0
        pulse = 4 * np.sin(2 * np.pi * time / 2.0)  # period = one GOP
        return np.clip(paint(index, time, []).astype(np.float64) + pulse, 0, 255).astype(np.uint8)

    times = [i / fps for i in range(int(100 * fps))]
    path = write_clip(tmp_path / "pulse.mp4", times, scene, gop=gop, rate=fps)
    gated, full = analyse(path, gated=True), analyse(path, gated=False)
    [(f_start, f_end)] = frozen_findings(full)
    [(g_start, g_end)] = frozen_findings(gated)
    # The keyframe at 42 s re-encodes the frozen picture and shows a small change (the
    # documented limit of the frozen check): the stretch may start one GOP late.
    assert 39.5 <= f_start <= 42.5 and abs(f_end - 60) <= 1.0
    assert abs(g_start - f_start) <= 1.0 and abs(g_end - f_end) <= 1.0
    assert gated.rechecked_s > 0


class CallCounting(DarkFigureDetector):
    def __init__(self) -> None:
        self.frames = 0

    def detect(self, frames: Sequence[BgrFrame]) -> list[Detections]:
        self.frames += len(frames)
        return super().detect(frames)


def write_capped_clip(path: Path, scene, *, seconds: float, fps: int, gop: int, kbit: int):
    """x264 at a bitrate target capped at the same rate (as NVRs record), fixed GOPs, no
    scene-cut keyframes, no B-frames."""
    with av.open(str(path), "w") as output:
        stream = output.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = 320, 180, "yuv420p"
        stream.codec_context.bit_rate = kbit * 1000
        stream.options = {
            "preset": "ultrafast",
            "threads": "1",
            "maxrate": str(kbit * 1000),
            "bufsize": str(2 * kbit * 1000),
            "x264-params": f"keyint={gop}:min-keyint={gop}:scenecut=0:bframes=0",
        }
        for index in range(int(seconds * fps)):
            frame = av.VideoFrame.from_ndarray(scene(index, index / fps), format="bgr24")
            frame.pts = index
            output.mux(stream.encode(frame))
        output.mux(stream.encode(None))
    return path


def test_a_quiet_noisy_camera_at_a_bitrate_cap_is_screened_and_the_visit_still_placed(tmp_path):
    """Strong sensor noise at a bitrate cap: every predicted frame is the same size, so the
    packets cannot show someone stepping in. The quiet stretches must stay keyframe-only with
    the detector resting, and the presence must start and end where the every-frame path
    puts it (the GOPs where the keyframes' counts differ are decoded again)."""
    base = np.full((180, 320, 3), 170, np.uint8)
    base[120:] = 120  # floor

    def scene(index: int, time: float) -> np.ndarray:
        noise = np.random.default_rng(index).normal(0, 8, (180, 320, 1))
        image = np.clip(base + noise, 0, 255).astype(np.uint8)
        if 20.3 <= time < 41.7:  # steps in (mid-GOP), stands still, steps out (mid-GOP)
            image[80:140, 150:172] = 25
        return image

    fps, gop = 10, 20  # 2-s GOPs
    path = write_capped_clip(tmp_path / "capped.mp4", scene, seconds=60, fps=fps, gop=gop, kbit=80)
    plan = plan_gops(media.read_packets(path), GateSettings())
    # The premise: the arrival and the departure are invisible in the packet sizes.
    assert not plan.full[10] and not plan.full[20], plan.full.nonzero()
    assert plan.full_fraction <= 0.2

    detector, exhaustive = CallCounting(), CallCounting()
    gated, full = (
        analyse(path, gated=True, detector=detector),
        analyse(path, gated=False, detector=exhaustive),
    )
    assert gated.counts is not None and full.counts is not None
    [(f_start, f_end)] = runs_of_one(full.counts)
    assert 20.3 <= f_start <= 20.8 and 41.2 <= f_end <= 41.7  # the counting grid around them
    [(g_start, g_end)] = runs_of_one(gated.counts)
    assert abs(g_start - f_start) <= 0.01 and abs(g_end - f_end) <= 0.01
    # The detector rested: the empty room once in 30 s, the still person every 5 s, and the
    # two GOPs counted again.
    assert exhaustive.frames == 120
    assert detector.frames <= 20
