"""`vaultwatch scan` end to end on small generated recordings: exit codes, the findings
document, the store, and bad input."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from pipelines.cli import main
from tests.clips import noisy_scene, regular, write_clip

pytestmark = pytest.mark.video


@pytest.fixture
def nvr_folder(tmp_path: Path) -> Path:
    """Three 4-second segments of camera ch01, with 10 s missing before the third."""
    folder = tmp_path / "ch01"
    folder.mkdir()
    for name, seed in (
        ("ch01_20261124080000_20261124080004.mp4", 1),
        ("ch01_20261124080004_20261124080008.mp4", 2),
        ("ch01_20261124080018_20261124080022.mp4", 3),
    ):
        write_clip(folder / name, regular(4, 10), noisy_scene(seed=seed))
    return folder


def scan(*args: str | Path) -> int:
    return main(["scan", *map(str, args)])


def test_scan_reports_the_gap_and_nothing_else(nvr_folder, tmp_path, db_url):
    out = tmp_path / "findings.json"
    assert scan(nvr_folder, "--tz", "Asia/Shanghai", "--db", db_url, "--json", out) == 0
    document = json.loads(out.read_text())
    assert document["version"] == 1
    assert [r["camera"] for r in document["recordings"]] == ["ch01"] * 3
    assert document["recordings"][0]["start"] == "2026-11-24T08:00:00.000+08:00"
    assert set(document["recordings"][0]) == {
        "path", "sha256", "camera", "start", "end", "duration_s", "fps", "width", "height",
        "codec", "decoded_to", "decode_errors",
    }  # fmt: skip
    # Segments of a picture without an on-screen clock: each says so once.
    clockless = [f for f in document["findings"] if f["kind"] == "clock_unreadable"]
    assert len(clockless) == 3
    assert all("no on-screen clock" in f["detail"] for f in clockless)
    [gap] = [f for f in document["findings"] if f["kind"] != "clock_unreadable"]
    assert set(gap) == {
        "id", "rule", "kind", "camera", "cameras", "recording_sha256", "start", "end", "duration_s",
        "severity", "detail", "counts", "custody_event", "custody_leg", "frame",
    }  # fmt: skip
    assert (gap["kind"], gap["rule"], gap["camera"]) == ("coverage_gap", "V1", "ch01")
    assert gap["cameras"] == ["ch01"]
    assert (gap["start"], gap["end"]) == (
        "2026-11-24T08:00:08.000+08:00",
        "2026-11-24T08:00:18.000+08:00",
    )
    assert gap["duration_s"] == 10.0


def test_rescan_adds_no_duplicates(nvr_folder, tmp_path, db_url, capsys):
    assert scan(nvr_folder, "--db", db_url) == 0
    assert scan(nvr_folder, "--db", db_url) == 0
    # the gap and the three segments' clock_unreadable
    assert "0 new findings, 4 already known" in capsys.readouterr().out
    engine = sa.create_engine(db_url)
    with engine.connect() as connection:
        counts = [
            connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in ("recordings", "findings", "scans")
        ]
    engine.dispose()
    assert counts == [3, 4, 2]


def test_the_scan_row_records_every_option_but_the_store(nvr_folder, db_url):
    argv = [nvr_folder, "--db", db_url, "--room-kind", "duty", "--count-fps", "4", "--no-counting"]
    assert scan(*argv) == 0
    engine = sa.create_engine(db_url)
    with engine.connect() as connection:
        raw = connection.execute(sa.text("SELECT params FROM scans")).scalar_one()
    engine.dispose()
    params = json.loads(raw) if isinstance(raw, str) else raw
    assert params["command"] == "scan" and params["paths"] == [str(nvr_folder)]
    assert (params["room_kind"], params["count_fps"], params["no_counting"]) == ("duty", 4.0, True)
    assert params["exhaustive"] is False and params["site"] is None
    assert "db" not in params and "run" not in params


def test_frozen_picture_gets_a_finding_with_a_frame(tmp_path):
    def paint_with_freeze(index: int, time: float):
        # frames from 3 s to 10 s repeat the picture of 3 s exactly
        return live(30 if 3.0 <= time < 10.0 else index, time)

    live = noisy_scene()
    clip = write_clip(tmp_path / "cam_20261124080000.mp4", regular(14, 10), paint_with_freeze)
    out = tmp_path / "f.json"
    assert scan(clip, "--tz", "UTC", "--json", out) == 0
    findings = json.loads(out.read_text())["findings"]
    [frozen] = [f for f in findings if f["kind"] != "clock_unreadable"]  # no clock burned in
    assert frozen["kind"] == "frozen_video"
    assert frozen["start"].startswith("2026-11-24T08:00:03")
    assert frozen["end"].startswith("2026-11-24T08:00:10")
    assert Path(frozen["frame"]).is_file()
    assert Path(frozen["frame"]).read_bytes()[:2] == b"\xff\xd8"  # a JPEG


def test_bad_files_are_findings_and_the_rest_is_scanned(nvr_folder, tmp_path):
    (nvr_folder / "ch01_20261124080030_20261124080034.mp4").write_bytes(b"")
    (nvr_folder / "ch01_20261124080040_20261124080044.mp4").write_text("not a video\n" * 20)
    out = tmp_path / "f.json"
    assert scan(nvr_folder, "--json", out) == 0
    document = json.loads(out.read_text())
    assert len(document["recordings"]) == 3
    unreadable = [f for f in document["findings"] if f["kind"] == "unreadable_recording"]
    assert sorted(f["detail"].split(":")[1].split("(")[0].strip() for f in unreadable) == [
        "empty file",
        "not a readable video container",
    ]
    # Hashed in the scan's hashing thread, the file's own digest names it.
    digests = {hashlib.sha256(p.read_bytes()).hexdigest() for p in nvr_folder.glob("*0044.mp4")}
    assert any(f"(sha256 {digest})" in f["detail"] for f in unreadable for digest in digests)


def test_missing_path_exits_2_after_scanning_the_rest(nvr_folder, tmp_path, capsys):
    out = tmp_path / "f.json"
    assert scan(nvr_folder, tmp_path / "nowhere", "--json", out) == 2
    assert "nowhere: no such file or folder" in capsys.readouterr().err
    assert len(json.loads(out.read_text())["recordings"]) == 3


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--tz", "Mars/Olympus"], "unknown time zone"),
        (["--start", "yesterday"], "not an ISO-8601 time"),
        (["--analysis-fps", "0"], "--analysis-fps must be positive"),
        (["--db", "nosuchdb://x"], "cannot open the findings store"),
    ],
)
def test_bad_options_exit_2_with_one_line(nvr_folder, capsys, extra, message):
    clip = sorted(nvr_folder.iterdir())[0]
    assert scan(clip, *extra) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1


def test_start_with_several_files_is_refused(nvr_folder, capsys):
    assert scan(nvr_folder, "--start", "2026-11-24T08:00:00") == 2
    assert "exactly one file" in capsys.readouterr().err


def test_folder_without_video_exits_2(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("nothing here")
    assert scan(tmp_path) == 2
    err = capsys.readouterr().err
    assert "folder holds no video files" in err and "no video files to scan" in err


def test_start_option_and_handheld_kind(tmp_path):
    clip = write_clip(tmp_path / "clip.mp4", regular(3, 10), noisy_scene())
    out = tmp_path / "f.json"
    args = ["--camera", "phone-1", "--kind", "handheld", "--tz", "Asia/Shanghai"]
    assert scan(clip, *args, "--start", "2026-11-24T09:30:00", "--json", out) == 0
    [recording] = json.loads(out.read_text())["recordings"]
    assert (recording["camera"], recording["start"]) == ("phone-1", "2026-11-24T09:30:00.000+08:00")


def test_site_file_assigns_cameras_and_thresholds(nvr_folder, tmp_path):
    site = tmp_path / "site.yaml"
    site.write_text(
        "timezone: Asia/Shanghai\n"
        "cameras:\n"
        "  - id: vault-a\n"
        "    file_pattern: 'ch01_(?P<start>\\d{14})_\\d{14}\\.mp4'\n"
        "    time_format: '%Y%m%d%H%M%S'\n"
        "    clock: {read: false}\n"
        "thresholds:\n"
        "  continuity: {segment_gap_s: 20}\n"
    )
    out = tmp_path / "f.json"
    assert scan(nvr_folder, "--site", site, "--json", out) == 0
    document = json.loads(out.read_text())
    assert {r["camera"] for r in document["recordings"]} == {"vault-a"}
    # the 10 s gap is under this site's 20 s, and the camera's clock is not read
    assert document["findings"] == []


def test_originals_are_untouched_by_a_scan(nvr_folder):
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in nvr_folder.iterdir()}
    assert scan(nvr_folder) == 0
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in nvr_folder.iterdir()} == before
