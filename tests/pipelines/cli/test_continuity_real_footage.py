"""`vaultwatch scan` on real footage cut, spliced, damaged and re-encoded the ways recordings
reach a scan: every planted continuity problem is found at its wall-clock time, and nothing
else, once with command-line flags and once with the equivalent site file.

The inputs are made once per module from the two real clips of ../shared (indoor fixed camera,
H.264 MP4 with B-frames and 1 s GOPs; outdoor, MS-MPEG4 AVI with 25 s GOPs).
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from pipelines.cli import main
from tests.conftest import shared_path
from tests.real_cuts import (
    FASTSTART,
    FRAGMENTED,
    HEVC,
    LONG_GOP,
    MPEG4_PART2,
    NVR_LIKE,
    X264,
    Encoding,
    Picture,
    Piece,
    cut_tail,
    encode,
    remux,
)

pytestmark = [pytest.mark.video, pytest.mark.shared]

ZONE = ZoneInfo("Asia/Shanghai")
BASE = datetime(2026, 11, 24, 8, 0, 0, tzinfo=ZONE)
# Findings of the on-screen clock reader: these clips burn no clock, which it rightly says;
# it is not a continuity check and has its own tests.
CLOCK_KINDS = {"clock_unreadable", "clock_jump", "clock_drift"}
FLAGS = ["--camera", "cam-1", "--kind", "fixed", "--room", "vault-1", "--tz", "Asia/Shanghai"]
SITE_YAML = """\
timezone: Asia/Shanghai
rooms:
  - id: vault-1
    kind: vault
cameras:
  - id: cam-1
    kind: fixed
    room: vault-1
    file_pattern: 'CH01-(?P<start>\\d{8}-\\d{6})-\\d{6}\\.\\w+'
    time_format: '%Y%m%d-%H%M%S'
"""
TOLERANCE_S = 1.0


@dataclass(frozen=True)
class Planted:
    """A problem put into a case's files: its kind and wall-clock span, seconds after BASE."""

    kind: str
    start_s: float
    end_s: float


@dataclass
class Case:
    """One scan's input folder, named both ways, and what it must find."""

    name: str
    planted: tuple[Planted, ...] = ()
    # Run the default detectors too (in the flags run; the site run checks the same file
    # without them, which keeps the module's time in bounds).
    counting: bool = False
    recordings: int = 1  # readable files


@dataclass
class Footage:
    root: Path
    cases: dict[str, Case] = field(default_factory=dict)

    def folder(self, case: str, mode: str) -> Path:
        return self.root / mode / case


def nvr_name(start_s: float, end_s: float, suffix: str = "mp4") -> str:
    """Hikvision-style name: channel, start and end (read by the generic file-name parser)."""
    first, last = (BASE + timedelta(seconds=s) for s in (start_s, end_s))
    return f"ch01_{first:%Y%m%d%H%M%S}_{last:%Y%m%d%H%M%S}.{suffix}"


def site_name(start_s: float, end_s: float, suffix: str = "mp4") -> str:
    """A name only the site file's pattern can read (the generic parser finds no time in it)."""
    first, last = (BASE + timedelta(seconds=s) for s in (start_s, end_s))
    return f"CH01-{first:%Y%m%d-%H%M%S}-{last:%H%M%S}.{suffix}"


def _build(root: Path) -> Footage:
    indoor = shared_path("videos", "one-by-one-person-detection.mp4")
    outdoor = shared_path("videos", "vtest.avi")
    footage = Footage(root)
    work = root / "made"
    work.mkdir(parents=True)

    def add(case: Case, files: list[tuple[Path, float, float]]) -> None:
        """Place the made files (path, start, end seconds after BASE) under both namings."""
        footage.cases[case.name] = case
        for mode, namer in (("flags", nvr_name), ("site", site_name)):
            folder = footage.folder(case.name, mode)
            folder.mkdir(parents=True)
            for path, start, end in files:
                os.link(path, folder / namer(start, end, path.suffix[1:]))

    def made(name: str) -> Path:
        return work / name

    # NVR segments stream-copied from the recording with 10 s missing between them.
    add(
        Case("gap", (Planted("coverage_gap", 20, 30),), recordings=2),
        [
            (remux(indoor, made("gap1.mp4"), [(0, 20, 0)]), 0, 20),
            (remux(indoor, made("gap2.mp4"), [(30, 50, 0)]), 30, 50),
        ],
    )
    # The second segment repeats the last 5 s of the first.
    add(
        Case("overlap", (Planted("timestamp_jump", 15, 20),), recordings=2),
        [
            (remux(indoor, made("ov1.mp4"), [(0, 20, 0)]), 0, 20),
            (remux(indoor, made("ov2.mp4"), [(15, 35, 0)]), 15, 35),
        ],
    )
    # Segments that keep the recorder's running timestamps (the second starts at 30 s inside),
    # re-encoded into MPEG-TS, whose timestamps never start at zero.
    add(
        Case("gap_ts", (Planted("coverage_gap", 20, 30),), recordings=2),
        [
            (encode(indoor, made("gap1.ts"), [Piece(0, 20, at_s=0)]), 0, 20),
            (encode(indoor, made("gap2.ts"), [Piece(30, 50, at_s=30)]), 30, 50),
        ],
    )
    # An MPEG-TS segment whose copy was interrupted, then the next one: MPEG-TS declares no
    # length, so the lost tail is missing time up to the next file.
    interrupted = encode(indoor, made("interrupted.ts"), [Piece(0, 20, at_s=0)])
    interrupted_to = cut_tail(interrupted, 0.6)
    add(
        Case("truncated_ts", (Planted("coverage_gap", interrupted_to, 20),), recordings=2),
        [
            (interrupted, 0, 20),
            (encode(indoor, made("after.ts"), [Piece(20, 30, at_s=20)]), 20, 30),
        ],
    )
    # One file remuxed with its timestamps 10 s ahead from its middle on.
    add(
        Case("pts_jump", (Planted("timestamp_jump", 10, 20),)),
        [(remux(indoor, made("jump.mp4"), [(0, 10, 0), (10, 20, 20)]), 0, 30)],
    )
    # Matroska keeping a recorder's running timestamps (from 3600 s), 10 s skipped inside.
    add(
        Case("pts_jump_mkv", (Planted("timestamp_jump", 10, 20),)),
        [
            (
                encode(
                    indoor,
                    made("jump.mkv"),
                    [Piece(0, 10, at_s=3600), Piece(10, 20, at_s=3620)],
                ),
                0,
                30,
            )
        ],
    )
    # 8 s of the empty room's picture repeated and re-encoded: a still scene before and after.
    add(
        Case("frozen", (Planted("frozen_video", 8, 16),)),
        [
            (
                encode(
                    indoor,
                    made("frozen.mp4"),
                    [
                        Piece(0, 8, at_s=0),
                        Piece(8, 16, picture=Picture.FROZEN),
                        Piece(16, 25),
                    ],
                ),
                0,
                25,
            )
        ],
    )
    # The same in HEVC, and in MPEG-TS from an NVR-like encoder (2 s GOPs, more compression).
    for name, suffix, encoding in (
        ("frozen_hevc", "mp4", HEVC),
        ("frozen_ts_nvr", "ts", NVR_LIKE),
    ):
        frozen = encode(
            indoor,
            made(f"{name}.{suffix}"),
            [Piece(0, 8, at_s=0), Piece(8, 16, picture=Picture.FROZEN), Piece(16, 25)],
            encoding,
        )
        add(Case(name, (Planted("frozen_video", 8, 16),)), [(frozen, 0, 25)])
    # 10 s GOPs with B-frames: between keyframes a still scene changes as little as a frozen
    # picture does; only the frozen one repeats itself exactly.
    long_gop = encode(
        indoor,
        made("frozen_long_gop.mp4"),
        [Piece(0, 8, at_s=0), Piece(8, 16, picture=Picture.FROZEN), Piece(16, 40)],
        LONG_GOP,
    )
    add(Case("frozen_long_gop", (Planted("frozen_video", 8, 16),)), [(long_gop, 0, 40)])
    # The outdoor scene frozen for 6 s, in MPEG-4 Part 2 in AVI.
    add(
        Case("frozen_outdoor", (Planted("frozen_video", 10, 16),)),
        [
            (
                encode(
                    outdoor,
                    made("frozen_outdoor.avi"),
                    [
                        Piece(0, 10, at_s=0),
                        Piece(10, 16, picture=Picture.FROZEN),
                        Piece(16, 25),
                    ],
                    MPEG4_PART2,
                ),
                0,
                25,
            )
        ],
    )
    add(
        Case("black", (Planted("black_video", 8, 11),)),
        [
            (
                encode(
                    indoor,
                    made("black.mp4"),
                    [Piece(0, 8, at_s=0), Piece(8, 11, picture=Picture.BLACK), Piece(11, 20)],
                ),
                0,
                20,
            )
        ],
    )
    # Black in Matroska at 25 fps (each picture repeated).
    black25 = encode(
        indoor,
        made("black25.mkv"),
        [Piece(0, 8, at_s=0), Piece(8, 11, picture=Picture.BLACK), Piece(11, 15)],
        Encoding(rate=25),
        out_fps=25.0,
    )
    add(Case("black_mkv_25fps", (Planted("black_video", 8, 11),)), [(black25, 0, 15)])
    # An interrupted copy: the index is at the front, the tail is missing.
    truncated = encode(indoor, made("truncated.mp4"), [Piece(0, 30, at_s=0)], FASTSTART)
    decodable_to = cut_tail(truncated, 0.6)
    add(Case("truncated", (Planted("decode_error", decodable_to, 30),)), [(truncated, 0, 30)])
    # AVI keeps its index at the end: cut off, FFmpeg guesses the length from what is left.
    truncated_avi = encode(indoor, made("truncated.avi"), [Piece(0, 30, at_s=0)], MPEG4_PART2)
    avi_to = cut_tail(truncated_avi, 0.6)
    add(Case("truncated_avi", (Planted("decode_error", avi_to, 30),)), [(truncated_avi, 0, 30)])
    # The outdoor original itself, its copy interrupted.
    cut_original = made("cut_" + outdoor.name)
    shutil.copyfile(outdoor, cut_original)
    original_to = cut_tail(cut_original, 0.6)
    add(
        Case("truncated_original_avi", (Planted("decode_error", original_to, 79.5),)),
        [(cut_original, 0, 80)],
    )
    # A fragmented MP4 (as recorders write while recording) cut short, then the next one.
    fragmented = encode(indoor, made("fragmented.mp4"), [Piece(0, 20, at_s=0)], FRAGMENTED)
    fragmented_to = cut_tail(fragmented, 0.6)
    add(
        Case("truncated_fmp4", (Planted("coverage_gap", fragmented_to, 20),), recordings=2),
        [
            (fragmented, 0, 20),
            (encode(indoor, made("next.mp4"), [Piece(20, 30, at_s=0)], FRAGMENTED), 20, 30),
        ],
    )
    # Files that cannot be read at all, among one that can.
    empty = made("empty.mp4")
    empty.write_bytes(b"")
    text = made("notes.mp4")
    text.write_text("exported by the NVR, see the log\n" * 40)
    no_index = encode(indoor, made("no_index.mp4"), [Piece(0, 10, at_s=0)])
    no_index.write_bytes(no_index.read_bytes()[: int(no_index.stat().st_size * 0.8)])
    add(
        Case(
            "unreadable",
            tuple(Planted("unreadable_recording", s, s) for s in (10, 20, 30)),
        ),
        [
            (remux(indoor, made("good.mp4"), [(0, 10, 0)]), 0, 10),
            (empty, 10, 20),
            (text, 20, 30),
            (no_index, 30, 40),
        ],
    )
    # Clean re-encodings of the same footage: nothing to find.
    # 20 s of the indoor clip with a still room for 10 s of it (the hard case for "frozen").
    clean_span = [Piece(26, 46, at_s=0)]
    for name, suffix, encoding, extra in (
        ("mkv_h264", "mkv", X264, {}),
        ("ts_nvr", "ts", NVR_LIKE, {}),
        ("ts_h264", "ts", X264, {}),
        ("mp4_hevc", "mp4", HEVC, {}),
        ("avi_mpeg4", "avi", MPEG4_PART2, {}),
        # 10 and 5 pictures a second in turn, as a phone or a motion-triggered encoder writes
        ("vfr", "mp4", X264, {"keep": [True] * 10 + [True, False] * 5}),
        ("fps25", "mp4", Encoding(rate=25), {"out_fps": 25.0}),
    ):
        path = encode(indoor, made(f"{name}.{suffix}"), clean_span, encoding, **extra)
        add(Case(name), [(path, 0, 20)])
    outdoor_mkv = encode(outdoor, made("outdoor.mkv"), [Piece(0, 20, at_s=0)])
    add(Case("outdoor_mkv_h264"), [(outdoor_mkv, 0, 20)])
    # The uncut originals, with the default detectors on.
    for name, source in (("indoor_original", indoor), ("outdoor_original", outdoor)):
        copy = made(source.name)
        shutil.copyfile(source, copy)
        add(Case(name, counting=True), [(copy, 0, 140 if source is indoor else 80)])
    return footage


@pytest.fixture(scope="module")
def footage(tmp_path_factory: pytest.TempPathFactory) -> Footage:
    return _build(tmp_path_factory.mktemp("real-cuts"))


def seconds_after_base(iso: str) -> float:
    return (datetime.fromisoformat(iso) - BASE).total_seconds()


@dataclass(frozen=True)
class Outcome:
    found: list[Planted]
    missed: list[Planted]
    false: list[dict[str, object]]
    recordings: int


def run_case(footage: Footage, case: Case, mode: str, tmp_path: Path) -> Outcome:
    folder = footage.folder(case.name, mode)
    out = tmp_path / f"{case.name}-{mode}.json"
    args = ["scan", str(folder), "--json", str(out), "--db", f"sqlite:///{tmp_path}/{mode}.db"]
    if mode == "flags":
        args += FLAGS
    else:
        site = tmp_path / "site.yaml"
        site.write_text(SITE_YAML)
        args += ["--site", str(site)]
    if not (case.counting and mode == "flags"):
        args.append("--no-counting")
    assert main(args) == 0
    document = json.loads(out.read_text())
    findings = [f for f in document["findings"] if f["kind"] not in CLOCK_KINDS]
    assert {f["camera"] for f in document["findings"]} <= {"cam-1"}
    found, missed = [], []
    for planted in case.planted:
        match = next(
            (
                f
                for f in findings
                if f["kind"] == planted.kind
                and abs(seconds_after_base(f["start"]) - planted.start_s) <= TOLERANCE_S
                and abs(seconds_after_base(f["end"]) - planted.end_s) <= TOLERANCE_S
            ),
            None,
        )
        if match is None:
            missed.append(planted)
        else:
            found.append(planted)
            findings.remove(match)
    return Outcome(found, missed, findings, len(document["recordings"]))


CASE_NAMES = [
    "gap",
    "gap_ts",
    "truncated_ts",
    "overlap",
    "pts_jump",
    "pts_jump_mkv",
    "frozen",
    "frozen_hevc",
    "frozen_ts_nvr",
    "frozen_long_gop",
    "frozen_outdoor",
    "black",
    "black_mkv_25fps",
    "truncated",
    "truncated_avi",
    "truncated_original_avi",
    "truncated_fmp4",
    "unreadable",
    "mkv_h264",
    "ts_nvr",
    "ts_h264",
    "mp4_hevc",
    "avi_mpeg4",
    "vfr",
    "fps25",
    "outdoor_mkv_h264",
    "indoor_original",
    "outdoor_original",
]


@pytest.mark.parametrize("mode", ["flags", "site"])
@pytest.mark.parametrize("name", CASE_NAMES)
def test_finds_exactly_the_planted_problems(footage, name, mode, tmp_path):
    case = footage.cases[name]
    outcome = run_case(footage, case, mode, tmp_path)
    assert outcome.missed == [] and outcome.false == []
    assert outcome.recordings == case.recordings


def test_every_case_is_in_the_matrix(footage):
    assert sorted(footage.cases) == sorted(CASE_NAMES)
