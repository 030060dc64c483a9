"""Real footage with an NVR clock burned in, as users export it: splices (the clock jumps while
the timestamps run on) and a lens covered for 8 s are found where they are, through x264
compression, packet screening and decoding, in several fonts, sizes, colours and frame rates;
the unedited clips give no finding at all. The same through `vaultwatch scan`, with plain
flags and with a site file.

Every clip is made once per session from ../shared/videos (`tests/real_clock_clips.py`), two
at a time."""

from __future__ import annotations

import json
import multiprocessing
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from analyzer.findings import Finding, FindingKind
from analyzer.recording import CameraKind
from models.storage import sha256_file
from pipelines import media, scan
from pipelines.cli import main
from pipelines.clock_reader import ClockReader, learn_face
from pipelines.site import Camera, ClockSettings, Site
from tests.conftest import SHARED
from tests.real_clock_clips import (
    DEJAVU_MONO,
    DEJAVU_SANS,
    DEJAVU_SANS_BOLD,
    DEJAVU_SERIF,
    WQY_ZENHEI,
    Cover,
    Osd,
    RealClip,
    Splice,
    chinese,
    english,
    write_real_clip,
)

pytestmark = [pytest.mark.video, pytest.mark.shared]

ZONE = ZoneInfo("Asia/Shanghai")
INDOOR = "one-by-one-person-detection.mp4"  # 768x432, 10 fps, people one by one
OUTDOOR = "vtest.avi"  # 768x576, 10 fps, people crossing a square

# Recorders' clocks: fonts, sizes, colours, an outline, a shadow or a box behind the text.
EN_MONO = Osd("en-mono-outline", english, DEJAVU_MONO, 20, edge="outline")
EN_SANS_YELLOW = Osd("en-sans-yellow", english, DEJAVU_SANS, 18, (0, 220, 255), "shadow")
EN_SERIF_BOX = Osd("en-serif-box", english, DEJAVU_SERIF, 16, box=(0, 0, 0), origin=(0.55, 0.92))
EN_DARK_ON_LIGHT = Osd(
    "en-dark-on-light-box", english, DEJAVU_SANS_BOLD, 18, (10, 10, 10), box=(235, 235, 235)
)
ZH_SHADOW = Osd("zh-shadow", chinese, WQY_ZENHEI, 22, edge="shadow")
ZH_SHADOW_LOW = Osd("zh-shadow-low", chinese, WQY_ZENHEI, 20, edge="shadow", origin=(0.03, 0.9))
ZH_BOX_SMALL = Osd("zh-box-small", chinese, WQY_ZENHEI, 16, box=(20, 20, 20), origin=(0.5, 0.9))
ZH_YELLOW_BIG = Osd("zh-yellow-outline", chinese, WQY_ZENHEI, 28, (0, 230, 255), "outline")


def _clip(name: str, source: str, osd: Osd, **how: object) -> RealClip:
    return RealClip(f"{name}-{osd.name}", source, osd, **how)  # type: ignore[arg-type]


def spliced(
    name: str, source: str, osd: Osd, at_s: float, jump_s: float, skip_s: float, **how: object
) -> RealClip:
    return _clip(name, source, osd, splices=(Splice(at_s, jump_s, skip_s),), **how)


def covered(
    name: str, source: str, osd: Osd, kind: str, at_s: float, share: float, **how: object
) -> RealClip:
    return _clip(name, source, osd, cover=Cover(kind, at_s, fraction=share), **how)


FAST = {"fps": 25, "gop_s": 4.0}  # a faster recorder, a keyframe every 4 s
# Jumps are not whole seconds: a real splice moves the clock's tick within the second too.
SPLICED = [
    spliced("in-fwd47", INDOOR, EN_MONO, 36.0, 47.4, 20.0, duration_s=45),
    spliced("in-fwd300", INDOOR, ZH_SHADOW, 35.3, 300.3, 8.0, duration_s=45),
    spliced("out-back30", OUTDOOR, EN_SANS_YELLOW, 34.5, -30.6, -20.0, duration_s=45),
    spliced("out-fwd47", OUTDOOR, ZH_BOX_SMALL, 36.0, 47.2, 15.0, duration_s=45),
    # cuts inside the first half minute of a short clip, where the clock is learned
    spliced("in-early-fwd185", INDOOR, EN_DARK_ON_LIGHT, 15.0, 185.5, 20.0, duration_s=40),
    spliced("out-early-back40", OUTDOOR, ZH_YELLOW_BIG, 22.0, -40.3, 10.0, duration_s=40),
    spliced("in-25fps-fwd47", INDOOR, EN_SERIF_BOX, 34.0, 47.4, 10.0, duration_s=42, **FAST),
    spliced("out-15fps-fwd600", OUTDOOR, ZH_SHADOW_LOW, 31.0, 600.7, 10.0, duration_s=42,
            fps=15, gop_s=4.0),
]  # fmt: skip
OBSTRUCTED, BLACK = FindingKind.OBSTRUCTED_VIEW, FindingKind.BLACK_VIDEO
COVERED = [
    (covered("in-hand", INDOOR, EN_SERIF_BOX, "hand", 33.0, 1.0, duration_s=45), OBSTRUCTED),
    (covered("in-cloth-70pc", INDOOR, ZH_SHADOW, "cloth", 32.0, 0.7, duration_s=45), OBSTRUCTED),
    (covered("out-paper", OUTDOOR, EN_DARK_ON_LIGHT, "paper", 34.0, 1.0, duration_s=45),
     OBSTRUCTED),
    (covered("out-hand-65pc", OUTDOOR, ZH_YELLOW_BIG, "hand", 33.0, 0.65, duration_s=45),
     OBSTRUCTED),
    # a dark cloth over the whole lens, while the clock and the view are being learned: the
    # picture is one flat colour, which is black video (as documented), not obstruction
    (covered("out-cloth-early", OUTDOOR, EN_MONO, "cloth", 18.0, 1.0, duration_s=40), BLACK),
    (covered("in-25fps-hand", INDOOR, EN_SANS_YELLOW, "hand", 32.0, 1.0, duration_s=42, **FAST),
     OBSTRUCTED),
]  # fmt: skip
CLEAN = [
    _clip("in-clean", INDOOR, EN_SERIF_BOX, duration_s=40, source_start_s=60.0),
    _clip("out-clean", OUTDOOR, ZH_YELLOW_BIG, duration_s=40, source_start_s=20.0),
    _clip("in-25fps-clean", INDOOR, ZH_SHADOW, duration_s=35, source_start_s=30.0, **FAST),
    _clip("out-15fps-clean", OUTDOOR, EN_MONO, fps=15, duration_s=40),
]
# A splice and a cover in one clip, scanned through the command line.
CLI_CLIPS = [
    spliced("cli-in", INDOOR, ZH_SHADOW, 38.0, 47.4, 15.0, duration_s=50,
            cover=Cover("hand", 8.0, fraction=0.7)),
    spliced("cli-out", OUTDOOR, EN_MONO, 36.0, -95.6, -25.0, duration_s=50,
            cover=Cover("paper", 12.0)),
]  # fmt: skip
ALL = [*SPLICED, *(clip for clip, _ in COVERED), *CLEAN, *CLI_CLIPS]


def _render(clip: RealClip, folder: Path) -> Path:
    return write_real_clip(clip, SHARED / "videos" / clip.source, folder / f"{clip.name}.mp4")


@pytest.fixture(scope="session")
def real_clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every clip of the tables, encoded once (two at a time, one per core)."""
    if not (SHARED / "videos").is_dir():
        pytest.skip(f"{SHARED / 'videos'} is absent: real footage comes from ../shared")
    for font in (DEJAVU_MONO, DEJAVU_SANS, DEJAVU_SANS_BOLD, DEJAVU_SERIF, WQY_ZENHEI):
        if not font.is_file():
            pytest.skip(f"font {font} is absent (Debian fonts-dejavu-core, fonts-wqy-zenhei)")
    folder = tmp_path_factory.mktemp("real-clock-clips")
    # Spawned, never forked: the test process runs detector and decoder threads, and a fork
    # taken while one of them holds a lock leaves the child waiting on it forever.
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        paths = list(pool.map(_render, ALL, [folder] * len(ALL)))
    return {clip.name: path for clip, path in zip(ALL, paths, strict=True)}


def _posix(clip: RealClip) -> float:
    return clip.clock_start.replace(tzinfo=ZONE).timestamp()


def analyse(clip: RealClip, path: Path) -> scan.RecordingAnalysis:
    """The scan of one clip as a fixed camera whose file starts when its clock does."""
    options = scan.ScanOptions(site=Site(), zone=ZONE, start=_posix(clip))
    camera = Camera(id="c1", kind=CameraKind.FIXED, room="r1")
    return scan.analyse_recording(path, sha256=sha256_file(path), camera=camera, options=options)


@dataclass(frozen=True)
class Found:
    """A finding in seconds from the clip's start."""

    kind: FindingKind
    start: float
    end: float
    detail: str


def found(clip: RealClip, findings: list[Finding]) -> list[Found]:
    origin = _posix(clip)
    return [Found(f.kind, f.start - origin, f.end - origin, f.detail) for f in findings]


def check_splice(clip: RealClip, findings: list[Found]) -> None:
    """One clock_jump at each splice, placed between the two frames around it, of its size
    and direction; nothing else."""
    assert [f.kind for f in findings] == [FindingKind.CLOCK_JUMP] * len(clip.splices), findings
    for finding, splice in zip(findings, clip.splices, strict=True):
        assert finding.start <= splice.at_s + 0.05 and finding.end >= splice.at_s - 0.05, finding
        assert finding.end - finding.start <= 1.0, finding
        direction = "forward" if splice.clock_jump_s > 0 else "back"
        assert f"jumps {direction} " in finding.detail, finding
        size = float(finding.detail.split(f"jumps {direction} ")[1].split(" s")[0])
        assert abs(size - abs(splice.clock_jump_s)) <= 1.0, finding


def check_cover(clip: RealClip, findings: list[Found], kind: FindingKind) -> None:
    """One finding of `kind` over the covered stretch (2.5 s allowed at each end: the view is
    measured once a second). A still hand over the lens may also look frozen, inside that
    stretch; nothing else."""
    assert clip.cover is not None
    cover_end = clip.cover.start_s + clip.cover.duration_s
    [obstructed] = [f for f in findings if f.kind is kind] or [None]
    assert obstructed is not None, findings
    assert abs(obstructed.start - clip.cover.start_s) <= 2.5, obstructed
    assert abs(obstructed.end - cover_end) <= 2.5, obstructed
    for other in findings:
        if other is obstructed:
            continue
        assert other.kind is FindingKind.FROZEN_VIDEO, findings
        assert other.start >= clip.cover.start_s - 0.5 and other.end <= cover_end + 0.5, other


@pytest.mark.parametrize("clip", SPLICED, ids=lambda c: c.name)
def test_a_splice_in_real_footage_is_a_clock_jump_where_it_is(real_clips, clip):
    check_splice(clip, found(clip, analyse(clip, real_clips[clip.name]).findings))


@pytest.mark.parametrize(("clip", "kind"), COVERED, ids=[c.name for c, _ in COVERED])
def test_a_covered_lens_in_real_footage_is_found_over_the_cover(real_clips, clip, kind):
    check_cover(clip, found(clip, analyse(clip, real_clips[clip.name]).findings), kind)


@pytest.mark.parametrize("clip", CLEAN, ids=lambda c: c.name)
def test_unedited_real_footage_with_a_clock_has_no_finding(real_clips, clip):
    analysis = analyse(clip, real_clips[clip.name])
    assert found(clip, analysis.findings) == []
    # and the clock was read, not skipped: most seconds give a reading
    assert analysis.clock_read_s > 0


@pytest.mark.parametrize("clip", CLEAN, ids=lambda c: c.name)
def test_the_clock_of_unedited_real_footage_is_learned_and_read_right(real_clips, clip):
    """Once a second over the whole clip: no misread at all, and few seconds unread (a person
    passing behind the text)."""
    path = real_clips[clip.name]
    face = learn_face(path, clip.duration_s, ClockSettings())
    reader = ClockReader(face, ClockSettings(), start=_posix(clip), zone=ZONE)
    for frame in media.iter_frames(path, every_s=1.0):
        reader.take(frame)
    timeline = reader.finish()
    truth = np.array([clip.shown(t).replace(tzinfo=ZONE).timestamp() for t in timeline.time])
    read = np.isfinite(timeline.shown)
    wrong = read & (timeline.shown != truth)
    assert wrong.sum() == 0, timeline.time[wrong]
    assert read.mean() >= 0.9, f"{read.mean():.2f} of the seconds read"


# ---------------------------------------------------------------------------------------------
# Through the command line


def _cli_findings(path: Path, tmp_path: Path, *flags: str) -> list[dict[str, str]]:
    out = tmp_path / "out.json"
    db = f"sqlite:///{tmp_path / 'vaultwatch.db'}"
    assert main(["scan", str(path), *flags, "--db", db, "--json", str(out)]) == 0
    findings: list[dict[str, str]] = json.loads(out.read_text())["findings"]
    return findings


def _named_like_an_nvr_export(clip: RealClip, path: Path, folder: Path) -> Path:
    """A copy named with its start time, as NVR exports are, so the file's time is the
    clock's (the scan takes a file's start from its name)."""
    named = folder / f"c1_{clip.clock_start:%Y%m%d%H%M%S}.mp4"
    named.write_bytes(path.read_bytes())
    return named


def _site_file(folder: Path) -> Path:
    site = folder / "site.yaml"
    site.write_text(
        "timezone: Asia/Shanghai\n"
        "rooms:\n  - {id: r1, kind: vault}\n"
        "cameras:\n  - {id: c1, kind: fixed, room: r1}\n",
        encoding="utf-8",
    )
    return site


@pytest.fixture(params=["plain-flags", "site-file"])
def cli_flags(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[list[str]]:
    if request.param == "plain-flags":
        yield ["--camera", "c1", "--kind", "fixed", "--room", "r1", "--tz", "Asia/Shanghai"]
    else:
        yield ["--camera", "c1", "--site", str(_site_file(tmp_path))]


@pytest.mark.parametrize("clip", CLI_CLIPS, ids=lambda c: c.name)
def test_the_scan_command_finds_the_splice_and_the_cover(real_clips, clip, cli_flags, tmp_path):
    path = _named_like_an_nvr_export(clip, real_clips[clip.name], tmp_path)
    findings = _cli_findings(path, tmp_path, *cli_flags)
    kinds = [f["kind"] for f in findings]
    assert kinds.count("clock_jump") == 1 and kinds.count("obstructed_view") == 1, findings
    assert set(kinds) <= {"clock_jump", "obstructed_view", "frozen_video"}, findings
    [jump] = [f for f in findings if f["kind"] == "clock_jump"]
    [splice] = clip.splices
    at = clip.clock_start.replace(tzinfo=ZONE).timestamp() + splice.at_s
    assert _iso_posix(jump["start"]) <= at + 0.05 <= _iso_posix(jump["end"]) + 0.1, jump
    [obstructed] = [f for f in findings if f["kind"] == "obstructed_view"]
    assert clip.cover is not None
    cover_at = clip.clock_start.replace(tzinfo=ZONE).timestamp() + clip.cover.start_s
    assert abs(_iso_posix(obstructed["start"]) - cover_at) <= 2.5, obstructed
    assert obstructed["camera"] == jump["camera"] == "c1"


def _iso_posix(text: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(text).timestamp()
