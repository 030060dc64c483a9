"""Exports are deterministic, immutable, refuse bad requests whole, and copy in fixed-size
chunks whatever the original's size; the signing key is made once, private to its owner."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pipelines.cli import main
from pipelines.evidence.signing import default_key_path
from tests.clips import noisy_scene, regular, write_clip
from tests.pipelines.evidence.conftest import SITE, export

pytestmark = pytest.mark.video


def test_two_exports_differ_only_in_creation_time(sample_store, tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    assert export(sample_store, first) == 0
    assert export(sample_store, second) == 0
    one, two = (json.loads((p / "manifest.json").read_bytes()) for p in (first, second))
    # ... and in the audit chain's head, which the first export moved on by its record.
    # (An empty chain has no head: a package made then anchors none.)
    before = one["audit_anchor"]["seq"] if one["audit_anchor"] else 0
    assert two["audit_anchor"]["seq"] == before + 1
    del one["created_at"], two["created_at"], one["audit_anchor"], two["audit_anchor"]
    assert one == two
    for entry in one["files"]:
        assert (first / entry["path"]).read_bytes() == (second / entry["path"]).read_bytes()


def test_zip_entries_have_fixed_dates_and_order(sample_store, tmp_path):
    out = tmp_path / "case.zip"
    assert export(sample_store, out) == 0
    with zipfile.ZipFile(out) as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}


BAD_REQUESTS = {
    "period backwards": (["--from", "2026-11-24T09:00:00+08:00", "--to",
                          "2026-11-24T08:00:00+08:00"], "--from must be before --to"),
    "unknown camera": (["--camera", "vault-z"], "unknown camera(s): vault-z"),
    "unknown lot": (["--lot", "L1999"], "unknown lot 'L1999'"),
    "not a time": (["--from", "yesterday"], "is not an ISO-8601 time"),
}  # fmt: skip


@pytest.mark.parametrize("extra, message", BAD_REQUESTS.values(), ids=BAD_REQUESTS.keys())
def test_bad_request_exits_2_and_writes_nothing(sample_store, tmp_path, capsys, extra, message):
    out = tmp_path / "exports" / "case"
    out.parent.mkdir()
    argv = ["export", "--case", "C", "--from", "2026-11-24T08:29:00+08:00", "--to",
            "2026-11-24T08:35:00+08:00", "--site", str(SITE), "--db", sample_store,
            "--out", str(out), *extra]  # fmt: skip
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert list(out.parent.iterdir()) == []


@pytest.mark.parametrize("existing", ["non-empty folder", "zip file"])
def test_existing_output_is_never_written_over(sample_store, tmp_path, capsys, existing):
    tmp_path = tmp_path / "exports"
    tmp_path.mkdir()
    if existing == "zip file":
        out = tmp_path / "case.zip"
        out.write_bytes(b"earlier")
    else:
        out = tmp_path / "case"
        out.mkdir()
        (out / "keep.txt").write_text("earlier")
    before = sorted(p.name for p in tmp_path.rglob("*"))
    assert export(sample_store, out) == 2
    assert "an export is never written over" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


def test_an_empty_folder_is_accepted(sample_store, tmp_path):
    out = tmp_path / "case"
    out.mkdir()
    assert export(sample_store, out) == 0
    assert (out / "manifest.json").is_file()


def test_key_made_once_private_and_shown(capsys):
    assert main(["keys", "show"]) == 0
    fingerprint, path = capsys.readouterr().out.splitlines()
    assert Path(path) == default_key_path()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert len(fingerprint.replace(" ", "")) == 64
    assert main(["keys", "show"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == fingerprint


PEAK_SCRIPT = """
import resource, sys
from pathlib import Path
from pipelines.evidence.files import copy_and_digest
source, target = Path(sys.argv[1]), Path(sys.argv[2])
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
digest = copy_and_digest(source, target)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(digest.size, after - before)
"""


def test_copy_memory_stays_flat_for_a_big_original(tmp_path):
    size = 200 << 20
    source = tmp_path / "big.mp4"
    with source.open("wb") as handle:  # sparse: costs no disk writes to make
        handle.truncate(size)
    result = subprocess.run([sys.executable, "-c", PEAK_SCRIPT, str(source),
                             str(tmp_path / "copy.mp4")],
                            capture_output=True, text=True, check=True, timeout=60)  # fmt: skip
    copied, growth_kib = map(int, result.stdout.split())
    assert copied == size
    assert growth_kib < 16 * 1024, f"peak RSS grew {growth_kib} KiB copying 200 MB"


def test_an_original_changed_since_the_scan_is_refused(tmp_path, capsys):
    folder = tmp_path / "cam-1"
    folder.mkdir()
    clip = folder / "ch_20261124080000.mp4"
    write_clip(clip, regular(4, 10), noisy_scene(seed=3))
    store = f"sqlite:///{tmp_path / 'store.db'}"
    argv = ["scan", str(folder), "--no-counting", "--tz", "Asia/Shanghai", "--db", store]
    assert main(argv) == 0
    with clip.open("ab") as handle:  # appended to after the scan
        handle.write(b"\0")
    out = tmp_path / "exports" / "case"
    out.parent.mkdir()
    argv = ["export", "--case", "C", "--from", "2026-11-24T07:59:00", "--to",
            "2026-11-24T08:01:00", "--tz", "Asia/Shanghai", "--db", store,
            "--out", str(out)]  # fmt: skip
    assert main(argv) == 2
    assert "no longer has the SHA-256 it was scanned with" in capsys.readouterr().err
    assert list(out.parent.iterdir()) == []
