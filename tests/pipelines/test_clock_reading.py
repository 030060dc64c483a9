"""Reading burned-in clocks of generated recordings: three formats, three fonts, a person
crossing behind the text, sensor noise and x264, across midnight, a leap day and 59 -> 00."""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from analyzer.clock_face import ClockFace, ClockNotFound
from pipelines import clock_reader, media
from pipelines.clock_reader import ClockFaces, ClockReader, learn_face, learning_windows
from pipelines.site import ClockSettings
from tests.clips import noisy_scene, regular, write_clip
from tests.clock_clips import (
    STYLES,
    ClockPlan,
    ClockStyle,
    write_bright_wall_clip,
    write_clock_clip,
)

pytestmark = pytest.mark.video

ZONE = ZoneInfo("Asia/Shanghai")
# Starts 1 min 50 s before a midnight that is also a month's end in a leap year.
BEFORE_MIDNIGHT = datetime(2024, 2, 29, 23, 58, 10, 400_000)


def read_every(path: Path, style: ClockStyle, start: datetime, every_s: float) -> np.ndarray:
    """(n, 2): video time and the POSIX time read (NaN: unreadable) of every `every_s`."""
    options = ClockSettings(hours=style.hours)
    face = learn_face(path, media.probe(path).duration_s, options)
    reader = ClockReader(
        face, options, start=start.replace(tzinfo=ZONE).timestamp(), zone=ZONE, every_s=every_s
    )
    for frame in media.iter_frames(path, every_s=every_s):
        reader.take(frame)
    read = reader.finish()
    return np.column_stack((read.time, read.shown))


@pytest.mark.parametrize("style", STYLES, ids=lambda s: s.name)
def test_clock_read_right_on_99_percent_of_seconds(tmp_path, style):
    plan = ClockPlan(BEFORE_MIDNIGHT)
    path = write_clock_clip(
        tmp_path / "clip.mp4", style, plan, 150.0, seed=3, noise=6.0, walker_every_s=13.0
    )
    read = read_every(path, style, BEFORE_MIDNIGHT, every_s=0.5)
    truth = np.array([plan.shown(t).replace(tzinfo=ZONE).timestamp() for t in read[:, 0]])
    right = read[:, 1] == truth
    wrong = ~right & ~np.isnan(read[:, 1])
    assert right.mean() >= 0.99, f"{right.mean():.3f} read right"
    assert wrong.sum() == 0, f"misread at {read[wrong, 0]}"


def test_an_outlined_clock_over_a_bright_wall_under_a_bitrate_cap_is_read_every_second(
    tmp_path,
):
    start = datetime(2026, 5, 14, 1, 0, 0)
    plan = ClockPlan(start)
    path = write_bright_wall_clip(tmp_path / "wall.mp4", plan, 40.0, seed=3, bitrate=250_000)
    read = read_every(path, STYLES[0], start, every_s=1.0)
    truth = np.array([plan.shown(t).replace(tzinfo=ZONE).timestamp() for t in read[:, 0]])
    right = read[:, 1] == truth
    wrong = ~right & ~np.isnan(read[:, 1])
    assert right.mean() >= 0.95, f"{right.mean():.3f} read right"
    assert wrong.sum() == 0, f"misread at {read[wrong, 0]}"


def test_a_picture_without_a_clock_has_no_face(tmp_path):
    path = write_clip(tmp_path / "plain.mp4", regular(40, 10), noisy_scene(320, 180))
    with pytest.raises(ClockNotFound, match="changes once a second"):
        learn_face(path, 40.0, ClockSettings())
    # the windows it gave up on are not decoded on in the background
    assert not [t for t in threading.enumerate() if t.name == "read-ahead"]


def test_a_clock_region_from_the_site_limits_the_search(tmp_path):
    style = STYLES[2]  # bottom right
    path = write_clock_clip(tmp_path / "clip.mp4", style, ClockPlan(BEFORE_MIDNIGHT), 40.0)
    face = learn_face(path, 40.0, ClockSettings(region=(0.5, 0.85, 1.0, 1.0), hours=12))
    width, height = style.frame_size
    assert 0.85 * height <= face.top < face.bottom <= height
    assert face.cells.min() >= 0.5 * width
    with pytest.raises(ClockNotFound):
        learn_face(path, 40.0, ClockSettings(region=(0.0, 0.0, 0.5, 0.5), hours=12))


def test_a_window_is_decoded_once_unless_its_tick_span_would_not_fit_in_memory(
    tmp_path, monkeypatch
):
    style = STYLES[0]
    path = write_clock_clip(tmp_path / "clip.mp4", style, ClockPlan(BEFORE_MIDNIGHT), 40.0)
    decoded: list[tuple[float, float]] = []
    real_iter_frames = media.iter_frames

    def counting(path, **kwargs):
        decoded.append(tuple(kwargs["window"]))
        return real_iter_frames(path, **kwargs)

    monkeypatch.setattr(clock_reader.media, "iter_frames", counting)
    once = learn_face(path, 40.0, ClockSettings())
    assert decoded == [(0.0, clock_reader.LEARN_SPAN_S)]

    decoded.clear()
    monkeypatch.setattr(clock_reader, "TICK_SPAN_BUDGET", 1)
    twice = learn_face(path, 40.0, ClockSettings())
    assert decoded == [(0.0, clock_reader.TICK_SPAN_S), (0.0, clock_reader.LEARN_SPAN_S)]
    assert (twice.top, twice.bottom, twice.fields) == (once.top, once.bottom, once.fields)
    assert np.array_equal(twice.cells, once.cells)


def test_a_file_too_damaged_to_learn_from_borrows_its_cameras_face(tmp_path):
    style = STYLES[0]
    good = write_clock_clip(tmp_path / "a.mp4", style, ClockPlan(BEFORE_MIDNIGHT), 40.0)
    # 8 s of clock: too little to see every digit of the seconds
    short = write_clock_clip(tmp_path / "b.mp4", style, ClockPlan(BEFORE_MIDNIGHT), 8.0)
    with pytest.raises(ClockNotFound):
        learn_face(short, 8.0, ClockSettings())
    faces = ClockFaces({"vault-1": [short, good]})
    face = faces.face("vault-1", short, 8.0, ClockSettings())
    frame = next(media.iter_frames(short, every_s=1.0))
    assert face.read(frame.luma_rows(face.top, face.bottom)) is not None
    with pytest.raises(ClockNotFound):
        ClockFaces({"vault-2": [short]}).face("vault-2", short, 8.0, ClockSettings())


def test_a_camera_without_a_learnable_clock_costs_each_file_one_try(monkeypatch):
    """Learning decodes up to a minute per window: no file is tried twice in a scan, and once
    two files of a camera have failed, the others are not all decoded to lend it a face."""
    tried: list[str] = []

    def no_clock(path: Path, duration_s: float, settings: ClockSettings) -> ClockFace:
        tried.append(path.name)
        raise ClockNotFound(f"no clock in {path.name}")

    monkeypatch.setattr(clock_reader, "learn_face", no_clock)
    files = [Path(f"ch01_{n}.mp4") for n in range(6)]
    faces = ClockFaces({"vault-1": files})
    for path in files:
        with pytest.raises(ClockNotFound, match=path.name):
            faces.face("vault-1", path, 600.0, ClockSettings())
    assert sorted(tried) == sorted(p.name for p in files)  # each once, none twice
    assert tried[:2] == ["ch01_0.mp4", "ch01_1.mp4"]  # the first file, then one to borrow from


@pytest.mark.parametrize(
    ("duration_s", "windows"),
    [
        (20.0, [(0.0, 30.0)]),  # a short recording whole
        (40.0, [(0.0, 30.0)]),  # its last 30 s would overlap the first window too much
        (50.0, [(0.0, 30.0), (20.0, 50.0)]),  # a cut in one still leaves the other
        (60.0, [(0.0, 30.0), (30.0, 60.0)]),
        (100.0, [(0.0, 30.0), (30.0, 60.0), (60.0, 90.0)]),
        (700.0, [(at, at + 30.0) for at in (0.0, 30.0, 60.0, 120.0, 300.0, 600.0, 670.0)]),
    ],
)
def test_learning_windows(duration_s, windows):
    assert learning_windows(duration_s) == windows
