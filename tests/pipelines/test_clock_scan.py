"""The scan reads burned-in clocks: cuts made before export (clock jumps, timestamps
continuous) found within a second, nothing on clean clips across midnight, drift, unreadable
stretches, and finding times that follow the clock when the site trusts it."""

from __future__ import annotations

import threading
from concurrent.futures import Future
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from analyzer.findings import Finding, FindingKind
from analyzer.recording import CameraKind, StartSource
from models.storage import sha256_file
from pipelines import clock_reader, media, scan
from pipelines.site import Camera, ClockSettings, Site
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
CLOCK_KINDS = {FindingKind.CLOCK_JUMP, FindingKind.CLOCK_DRIFT, FindingKind.CLOCK_UNREADABLE}
# 59 -> 00 of a minute, an hour, a day, a month and a year inside the first minute.
NEW_YEAR = datetime(2023, 12, 31, 23, 59, 30, 300_000)


def analyse(
    path: Path, start: datetime, style: ClockStyle | None = None, **clock: object
) -> scan.RecordingAnalysis:
    hours = style.hours if style is not None else 24
    camera = Camera(id="vault-1", clock=ClockSettings(hours=hours, **clock))  # type: ignore[arg-type]
    options = scan.ScanOptions(site=Site(), zone=ZONE, start=start.replace(tzinfo=ZONE).timestamp())
    return scan.analyse_recording(path, sha256=sha256_file(path), camera=camera, options=options)


def clock_findings(analysis: scan.RecordingAnalysis) -> list[Finding]:
    return [f for f in analysis.findings if f.kind in CLOCK_KINDS]


def posix(start: datetime, seconds: float) -> float:
    return (start + timedelta(seconds=seconds)).replace(tzinfo=ZONE).timestamp()


@pytest.mark.parametrize("style", STYLES, ids=lambda s: s.name)
def test_every_cut_is_found_within_a_second_and_nothing_else(tmp_path, style):
    cuts = ((40.3, 47.0), (71.6, -25.0), (95.0, 3600.0))
    plan = ClockPlan(NEW_YEAR, cuts)
    path = write_clock_clip(tmp_path / "cut.mp4", style, plan, 120.0, seed=5, walker_every_s=17.0)
    found = clock_findings(analyse(path, NEW_YEAR, style))
    assert [f.kind for f in found] == [FindingKind.CLOCK_JUMP] * len(cuts), found
    for finding, (at, jump_s) in zip(found, cuts, strict=True):
        cut = posix(NEW_YEAR, at)
        assert finding.start <= cut + 0.1 and finding.end >= cut - 0.1
        assert finding.end - finding.start <= 1.0
        assert f"{'forward' if jump_s > 0 else 'back'} {abs(jump_s):.0f} s" in finding.detail


@pytest.mark.parametrize("style", STYLES, ids=lambda s: s.name)
def test_a_clean_clock_across_midnight_gives_no_clock_finding(tmp_path, style):
    path = write_clock_clip(tmp_path / "clean.mp4", style, ClockPlan(NEW_YEAR), 90.0, seed=6)
    assert clock_findings(analyse(path, NEW_YEAR, style)) == []


def test_a_still_scene_read_at_its_keyframes_still_places_a_cut(tmp_path):
    # No walker: the screening decodes only the keyframes (one every 4 s); the cut is found
    # there and placed by reading every frame around it.
    style = STYLES[0]
    plan = ClockPlan(NEW_YEAR, ((50.45, 120.0),))
    path = write_clock_clip(
        tmp_path / "still.mp4", style, plan, 90.0, gop=40, walker_every_s=10_000.0
    )
    (jump,) = clock_findings(analyse(path, NEW_YEAR, style))
    assert jump.kind is FindingKind.CLOCK_JUMP
    assert jump.start <= posix(NEW_YEAR, 50.45) <= jump.end + 1e-6
    assert jump.end - jump.start <= 0.15


def test_drift_is_reported_once_and_times_follow_a_trusted_clock(tmp_path):
    style = STYLES[1]
    path = write_clock_clip(tmp_path / "late.mp4", style, ClockPlan(NEW_YEAR), 60.0, hide=(20, 26))
    file_says = NEW_YEAR - timedelta(seconds=90)  # the file's time is 90 s behind the clock

    (drift,) = clock_findings(analyse(path, file_says, style))
    assert drift.kind is FindingKind.CLOCK_DRIFT
    assert "90 s ahead of the file's time" in drift.detail

    trusted = analyse(path, file_says, style, trust=True)
    assert trusted.recording.start_source is StartSource.ONSCREEN_CLOCK
    assert trusted.recording.start == pytest.approx(posix(NEW_YEAR, 0.0), abs=1.0)
    (drift,) = clock_findings(trusted)
    assert "finding times follow the on-screen clock" in drift.detail
    assert drift.start == trusted.recording.start


def test_a_hidden_clock_is_an_unreadable_stretch(tmp_path):
    style = STYLES[0]
    path = write_clock_clip(
        tmp_path / "hidden.mp4", style, ClockPlan(NEW_YEAR), 120.0, hide=(50.0, 95.0)
    )
    (gap,) = clock_findings(analyse(path, NEW_YEAR, style))
    assert gap.kind is FindingKind.CLOCK_UNREADABLE
    assert gap.start == pytest.approx(posix(NEW_YEAR, 50.0), abs=1.5)
    assert gap.end == pytest.approx(posix(NEW_YEAR, 95.0), abs=1.5)


def test_a_fixed_camera_without_a_clock_says_so_once_a_phone_not_at_all(tmp_path):
    path = write_clip(tmp_path / "plain.mp4", regular(40, 10), noisy_scene(320, 180))
    (missing,) = clock_findings(analyse(path, NEW_YEAR))
    assert missing.kind is FindingKind.CLOCK_UNREADABLE
    assert "no on-screen clock" in missing.detail
    assert clock_findings(analyse(path, NEW_YEAR, read=False)) == []
    phone = Camera(id="phone-1", kind=CameraKind.HANDHELD)
    options = scan.ScanOptions(site=Site(), zone=ZONE, start=0.0)
    handheld = scan.analyse_recording(path, sha256="0" * 64, camera=phone, options=options)
    assert clock_findings(handheld) == []


def test_a_cut_under_an_outlined_clock_over_a_bright_wall_is_found(tmp_path):
    # White digits ringed by a thin dark outline over a wall nearly as bright, under a
    # bitrate cap: Hershey's narrow space puts the date's day 1.3 digit pitches from the
    # hour, where a looser grouping reads "14 01" as one four-digit number and finds no clock.
    start = datetime(2026, 5, 14, 1, 0, 0)
    plan = ClockPlan(start, ((33.4, 47.0),))
    path = write_bright_wall_clip(tmp_path / "wall.mp4", plan, 45.0, seed=7)
    found = clock_findings(analyse(path, start))
    assert [f.kind for f in found] == [FindingKind.CLOCK_JUMP], found
    (jump,) = found
    assert jump.start <= posix(start, 33.4) + 0.1 and jump.end >= posix(start, 33.4) - 0.1
    assert jump.end - jump.start <= 1.0
    assert "forward 47 s" in jump.detail


def test_the_hash_is_awaited_only_once_the_clock_is_learnt(tmp_path, monkeypatch):
    """`scan_files` hashes a file in a thread while its clock is learnt, and the packets are
    read in another: the analysis waits for the hash only after learning, and carries it."""
    path = write_clock_clip(tmp_path / "clean.mp4", STYLES[0], ClockPlan(NEW_YEAR), 40.0, seed=6)
    digest: Future[str] = Future()
    learn = clock_reader.learn_face
    read_packets = media.read_packets
    packets_read_in: list[str] = []

    def learn_then_hash(*args: object, **kwargs: object) -> object:
        assert not digest.done()
        face = learn(*args, **kwargs)  # type: ignore[arg-type]
        digest.set_result(sha256_file(path))
        return face

    def read_packets_noting_thread(*args: object) -> object:
        packets_read_in.append(threading.current_thread().name)
        return read_packets(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(clock_reader, "learn_face", learn_then_hash)
    monkeypatch.setattr(media, "read_packets", read_packets_noting_thread)
    camera = Camera(id="vault-1", clock=ClockSettings())
    options = scan.ScanOptions(site=Site(), zone=ZONE, start=posix(NEW_YEAR, 0.0))
    analysis = scan.analyse_recording(path, sha256=digest, camera=camera, options=options)
    assert packets_read_in and packets_read_in[0].startswith("packets")
    assert analysis.recording.sha256 == sha256_file(path)
    assert clock_findings(analysis) == []
