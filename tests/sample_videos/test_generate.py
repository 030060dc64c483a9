"""The committed sample footage is exactly what `sample_videos/generate.py` makes, and sound.

The generator runs once per module into a temporary folder (about 50 s of CPU time, encoded in
parallel); the tests then compare its output with the committed files, open every file with
PyAV, and check the custody scenario's form against its ground truth.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import av
import numpy as np
import pytest

from analyzer.custody import CustodyEvent, EventType, LegKind
from analyzer.legs import derive_legs
from pipelines.site import load_site

pytestmark = pytest.mark.video

SAMPLES = Path(__file__).resolve().parents[2] / "sample_videos"
GENERATOR = SAMPLES / "generate.py"
TZ = ZoneInfo("Asia/Shanghai")
VAULT_NAME = re.compile(r"ch01_(\d{14})_(\d{14})\.mp4")
HANDHELD = "handheld-1/VID_20261124_081500.mp4"
CUSTODY_FORM = "custody/custody.csv"
VAULT_B_NAME = re.compile(r"ch02_(\d{14})_(\d{14})\.mp4")
PHONE_2_NAME = re.compile(r"VID_(\d{8}_\d{6})_P2\.mp4")
X264_VERSION = re.compile(rb"x264 - core \d+( r\d+ [0-9a-f]+)?")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh run of the generator; the folder it wrote."""
    out = tmp_path_factory.mktemp("sample_videos")
    run = subprocess.run(
        [sys.executable, str(GENERATOR), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    return out


def outputs(folder: Path) -> list[str]:
    """Generated files under `folder`, as sorted relative POSIX paths."""
    names = [p.relative_to(folder).as_posix() for p in folder.rglob("*.mp4")]
    return sorted([*names, "ground_truth.json", CUSTODY_FORM])


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def x264_version(path: Path) -> str:
    """The x264 build that wrote `path`, from the encoder's SEI ("x264 - core 165 r...")."""
    found = X264_VERSION.search(path.read_bytes())
    return found.group().decode() if found else "unknown"


def name_times(path: Path, pattern: re.Pattern[str] = VAULT_NAME) -> tuple[datetime, datetime]:
    """Local start and end stated by an NVR file name."""
    found = pattern.fullmatch(path.name)
    assert found, path.name
    start, end = (datetime.strptime(g, "%Y%m%d%H%M%S").replace(tzinfo=TZ) for g in found.groups())
    return start, end


def ground_truth(folder: Path) -> dict[str, object]:
    """Parsed ground_truth.json of `folder`."""
    truth: dict[str, object] = json.loads((folder / "ground_truth.json").read_text("utf-8"))
    return truth


def problem(folder: Path, kind: str) -> tuple[datetime, datetime]:
    """(start, end) of the one planted problem of `kind`."""
    problems = ground_truth(folder)["problems"]
    assert isinstance(problems, list)
    (found,) = [p for p in problems if p["kind"] == kind]
    return datetime.fromisoformat(found["start"]), datetime.fromisoformat(found["end"])


CLOCK_BOX = (slice(6, 30), slice(6, 210))  # rows, columns of the burned-in clock


@dataclass(frozen=True)
class Decoded:
    """Every frame PyAV decodes from a file, skipping packets that fail.

    time: (n,) pts in s; luma: (n,) mean grey 0-255; clock: (n, 24, 204) grey crop of the OSD
    clock; duration: what the container declares, s.
    """

    time: np.ndarray
    luma: np.ndarray
    clock: np.ndarray
    duration: float


def decode(path: Path) -> Decoded:
    """Decode `path` packet by packet, as the generator measured the truncated file."""
    times: list[float] = []
    lumas: list[float] = []
    clocks: list[np.ndarray] = []
    with av.open(str(path)) as container:
        assert container.duration is not None
        stream = container.streams.video[0]
        for packet in container.demux(stream):
            try:
                frames = packet.decode()
            except av.error.FFmpegError:
                continue
            for frame in frames:
                assert frame.pts is not None and frame.time_base is not None
                grey = frame.to_ndarray(format="gray").astype(np.float32)
                times.append(float(frame.pts * frame.time_base))
                lumas.append(float(grey.mean()))
                clocks.append(grey[CLOCK_BOX])
        return Decoded(
            np.array(times), np.array(lumas), np.array(clocks), container.duration / 1_000_000
        )


def test_ground_truth_matches_committed(generated: Path) -> None:
    assert ground_truth(generated) == ground_truth(SAMPLES)


def test_files_are_byte_identical_to_committed(generated: Path) -> None:
    assert outputs(generated) == outputs(SAMPLES)
    differ = [n for n in outputs(generated) if sha256(generated / n) != sha256(SAMPLES / n)]
    first = "vault-a/" + min(p.name for p in (SAMPLES / "vault-a").glob("*.mp4"))
    assert not differ, (
        f"{differ} differ from a fresh run; x264 now {x264_version(generated / first)!r}, "
        f"committed with {x264_version(SAMPLES / first)!r}. Regenerate with "
        "`python sample_videos/generate.py` if the generator or PyAV's x264 changed on purpose; "
        "installed without `-c constraints.txt`, another OpenCV, NumPy or Pillow draws them "
        "differently."
    )


def test_committed_media_stay_small() -> None:
    total = sum((SAMPLES / n).stat().st_size for n in outputs(SAMPLES))
    assert total < 4_000_000


def test_vault_segments_open_with_the_duration_their_names_state(generated: Path) -> None:
    files = sorted((generated / "vault-a").glob("ch01_*.mp4"))
    assert len(files) == 6
    for path in files:
        start, end = name_times(path)
        data = path.read_bytes()
        assert data.find(b"moov") < data.find(b"mdat"), f"{path.name}: index not in front"
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            assert stream.codec_context.name == "h264"
            assert (stream.codec_context.width, stream.codec_context.height) == (640, 360)
            assert container.duration is not None
            assert container.duration / 1_000_000 == pytest.approx(
                (end - start).total_seconds(), abs=0.001
            )
            times = sorted(
                float(p.pts * p.time_base) for p in container.demux(stream) if p.pts is not None
            )
        assert np.median(np.diff(times)) == pytest.approx(0.1, abs=1e-6)


def test_problems_sit_where_the_ground_truth_says(generated: Path) -> None:
    by_start = {name_times(p)[0]: p for p in (generated / "vault-a").glob("ch01_*.mp4")}

    def segment(when: datetime) -> tuple[datetime, Decoded]:
        start = max(s for s in by_start if s <= when)
        return start, decode(by_start[start])

    def at(seg: datetime, seconds: float) -> datetime:
        return seg + timedelta(seconds=round(float(seconds), 3))

    # frozen: the clock stops ticking inside and has ticked at the first frame after
    start, end = problem(generated, "frozen_video")
    seg, video = segment(start)
    inside = np.array([start <= at(seg, t) < end for t in video.time])
    frozen = video.clock[inside]
    assert np.abs(frozen - frozen[0]).mean(axis=(1, 2)).max() < 0.5
    (after,) = np.flatnonzero(video.time == (end - seg).total_seconds())
    assert np.abs(video.clock[after] - frozen[-1]).mean() > 2

    # black: luma ~16 (grey 0 after PyAV's full-range conversion) inside, lit outside
    start, end = problem(generated, "black_video")
    seg, video = segment(start)
    inside = np.array([start <= at(seg, t) < end for t in video.time])
    assert inside.sum() == 40
    assert np.array_equal(video.luma < 10, inside)

    # timestamp jump: the one pts step longer than a frame spans exactly the missing stretch
    start, end = problem(generated, "timestamp_jump")
    seg, video = segment(start)
    (jump,) = np.flatnonzero(np.diff(video.time) > 0.15)
    assert at(seg, video.time[jump] + 0.1) == start
    assert at(seg, video.time[jump + 1]) == end

    # clock jump: timestamps run on evenly while the clock changes between the two frames
    start, end = problem(generated, "clock_jump")
    seg, video = segment(start)
    assert np.diff(video.time).max() < 0.15
    (before,) = np.flatnonzero(video.time == (start - seg).total_seconds())
    assert at(seg, video.time[before + 1]) == end
    assert np.abs(video.clock[before + 1] - video.clock[before]).mean() > 2

    # truncated: decoding stops where the ground truth starts, the container claims until its end
    start, end = problem(generated, "decode_error")
    seg, video = segment(start)
    assert at(seg, video.time.max() + 0.1) == start
    assert at(seg, video.duration) == end
    assert len(video.time) < round(video.duration * 10)

    # coverage gap: from one file's container end to the next file's name start
    start, end = problem(generated, "coverage_gap")
    seg, video = segment(start - timedelta(seconds=1))
    assert at(seg, video.duration) == start
    assert end in by_start


def test_handheld_clip_is_rotated_with_jittering_frame_times(generated: Path) -> None:
    with av.open(str(generated / HANDHELD)) as container:
        stream = container.streams.video[0]
        frames = []
        for f in container.decode(stream):
            assert f.pts is not None and f.time_base is not None
            frames.append((float(f.pts * f.time_base), f.rotation, f.width, f.height))
        assert container.duration is not None
        duration = container.duration / 1_000_000
    times = np.array([f[0] for f in frames])
    steps = np.round(np.diff(times), 3)
    assert {f[1] for f in frames} == {90}
    assert {(f[2], f[3]) for f in frames} == {(480, 270)}
    assert 20.0 <= duration <= 20.1
    assert steps.min() >= 0.055 and steps.max() <= 0.080
    assert len(set(steps.tolist())) > 10  # variable, not constant, frame rate
    assert 14 <= len(frames) / duration <= 16


# --------------------------------------------------------------------------------------------
# The custody scenario (sample_videos/custody)
# --------------------------------------------------------------------------------------------

CUSTODY_KINDS = {
    "lone_person": ("V7", LegKind.STAY),
    "bundle_count_mismatch": ("V10", LegKind.STAY),
    "late_recording_start": ("V4", LegKind.MOVE),
    "paper_off_camera": ("V5", LegKind.MOVE),
}


def read_form(folder: Path) -> list[CustodyEvent]:
    """The custody form's rows as the analyzer's events (times read with their offset)."""
    with (folder / CUSTODY_FORM).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [
        CustodyEvent(
            event_id=row["event_id"],
            time=datetime.fromisoformat(row["time"]).timestamp(),
            type=EventType(row["type"]),
            lot=row["lot"],
            location=row["location"],
            bundles=int(row["bundles"]),
            persons=tuple(row["persons"].split(";")),
            device=row["device"] or None,
            note=row["note"],
            row=number,
        )
        for number, row in enumerate(rows, start=2)
    ]


def seconds(iso: str) -> float:
    return datetime.fromisoformat(iso).timestamp()


def custody_files(folder: Path) -> tuple[list[Path], Path]:
    """(vault-b segments in time order, the phone-2 clip)."""
    segments = sorted((folder / "custody" / "vault-b").glob("ch02_*.mp4"))
    (clip,) = (folder / "custody" / "phone-2").glob("VID_*_P2.mp4")
    return segments, clip


def clip_span(clip: Path) -> tuple[float, float, list[float]]:
    """(start from the name, end = start + container duration, frame times) of the phone clip."""
    found = PHONE_2_NAME.fullmatch(clip.name)
    assert found, clip.name
    start = datetime.strptime(found.group(1), "%Y%m%d_%H%M%S").replace(tzinfo=TZ).timestamp()
    with av.open(str(clip)) as container:
        assert container.duration is not None
        stream = container.streams.video[0]
        assert (stream.codec_context.width, stream.codec_context.height) == (640, 360)
        times = sorted(
            float(p.pts * p.time_base) for p in container.demux(stream) if p.pts is not None
        )
        return start, start + container.duration / 1_000_000, times


def test_custody_ground_truth_names_the_forms_events_and_legs(generated: Path) -> None:
    events = read_form(generated)
    by_id = {event.event_id: event for event in events}
    assert len(by_id) == len(events) == 3
    trail = derive_legs(events)
    legs = {leg.leg_id: leg for leg in trail.legs}
    assert [leg.kind for leg in trail.legs] == [LegKind.STAY, LegKind.MOVE]
    assert trail.open_moves == []
    violations = ground_truth(generated)["custody_violations"]
    assert isinstance(violations, list)
    assert sorted(v["kind"] for v in violations) == sorted(CUSTODY_KINDS)
    starts = [seconds(v["start"]) for v in violations]
    assert starts == sorted(starts)
    for v in violations:
        rule, kind = CUSTODY_KINDS[v["kind"]]
        assert v["rule"] == rule
        leg = legs[v["custody_leg"]]
        assert leg.kind is kind
        assert v["camera"] == ("vault-b" if kind is LegKind.STAY else leg.device)
        event = by_id[v["custody_event"]]
        start, end = seconds(v["start"]), seconds(v["end"])
        if v["kind"] == "bundle_count_mismatch":  # the count written on the depart
            assert event.type is EventType.DEPART and event.bundles == 4
            assert (start, end) == (event.time - 30, event.time + 30)
            assert trail.leg_at(event.lot, event.time) == leg
        else:
            assert event.event_id == leg.start_event
            assert leg.start <= start < end <= leg.end
    lone = next(v for v in violations if v["kind"] == "lone_person")
    assert 10 <= seconds(lone["end"]) - seconds(lone["start"]) <= 14


def test_custody_recordings_cover_the_story_as_planted(generated: Path) -> None:
    events = read_form(generated)
    arrive, depart, office = events
    violations = {v["kind"]: v for v in ground_truth(generated)["custody_violations"]}
    segments, clip = custody_files(generated)
    site = load_site(SAMPLES / "site.yaml")
    assert site.camera_for_file(clip.name).id == "phone-2"
    assert site.camera_for_file(Path(HANDHELD).name).id == "handheld-1"

    # vault-b: contiguous NVR segments (640x360, 10 fps, a keyframe every second) over the stay
    spans = []
    for path in segments:
        assert site.camera_for_file(path.name).id == "vault-b"
        start, end = name_times(path, VAULT_B_NAME)
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            assert (stream.codec_context.width, stream.codec_context.height) == (640, 360)
            assert container.duration is not None
            assert container.duration / 1_000_000 == pytest.approx((end - start).total_seconds())
            packets = sorted(
                (p.pts, p.is_keyframe) for p in container.demux(stream) if p.pts is not None
            )
        assert [k for k, (_, key) in enumerate(packets) if key] == list(range(0, len(packets), 10))
        spans.append((start.timestamp(), end.timestamp()))
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:], strict=False))
    assert spans[0][0] < arrive.time and depart.time + 30 <= spans[-1][1]

    # phone-2: starts late, keeps a phone's jittery frame rate, ends just before the office
    # arrival and after every other recording, so no camera-less stay in the office begins
    start, end, times = clip_span(clip)
    assert seconds(violations["late_recording_start"]["start"]) == depart.time
    assert seconds(violations["late_recording_start"]["end"]) == start
    assert start - depart.time == 15
    steps = np.round(np.diff(times), 3)
    assert steps.min() >= 0.04 and steps.max() <= 0.080 and len(set(steps.tolist())) > 10
    assert 0 < office.time - end < 1 and max(s[1] for s in spans) <= office.time
    off = violations["paper_off_camera"]
    assert start < seconds(off["start"]) < seconds(off["end"]) < end
    assert 4 <= seconds(off["end"]) - seconds(off["start"]) <= 6
