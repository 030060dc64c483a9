"""`vaultwatch export` then `vaultwatch verify` on the scanned custody sample: a package that
verifies, and every kind of tampering named."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.orm import Session

from pipelines.cli import main
from pipelines.evidence.signing import public_pem
from pipelines.media import probe
from pipelines.store import open_store
from pipelines.store.exports import load_exports
from tests.pipelines.evidence.conftest import SAMPLES, export

pytestmark = pytest.mark.video


@pytest.fixture
def package(sample_store: str, tmp_path: Path) -> Path:
    out = tmp_path / "case"
    assert export(sample_store, out) == 0
    return out


@pytest.mark.parametrize("name", ["case", "case.zip"])
def test_round_trip_folder_and_zip(sample_store, tmp_path, capsys, name):
    (tmp_path / "exports").mkdir()
    out = tmp_path / "exports" / name
    assert export(sample_store, out, "--lot", "L2026-001") == 0
    assert main(["verify", str(out)]) == 0
    assert "OK: " in capsys.readouterr().out
    assert [p.name for p in out.parent.iterdir()] == [name]  # no staging left behind


def test_package_contents_and_export_record(sample_store, package):
    manifest = json.loads((package / "manifest.json").read_text(encoding="utf-8"))
    paths = [f["path"] for f in manifest["files"]]
    assert paths == sorted(paths)
    assert {"README.txt", "SHA256SUMS", "report.html", "versions.json", "recordings.json",
            "findings/findings.json", "findings/findings.csv", "custody/events.json",
            "custody/legs.json"} <= set(paths)  # fmt: skip
    # the originals, byte for byte
    originals = sorted((SAMPLES / "custody").rglob("*.mp4"))
    copied = sorted(p for p in paths if p.startswith("recordings/"))
    assert len(copied) == len(originals) == 3
    for original in originals:
        twin = package / "recordings" / original.parent.name / original.name
        assert twin.read_bytes() == original.read_bytes()
    assert manifest["case"] == "LEAK-2026-07"
    assert manifest["period_from"] == "2026-11-24T08:29:00.000+08:00"
    assert [m["name"] for m in manifest["models"]] == ["bundle_yolo", "bundle_yolox", "yolox-nano"]
    findings = json.loads((package / "findings" / "findings.json").read_text(encoding="utf-8"))
    assert findings["findings"], "the sample's planted custody violations are in the period"
    events = json.loads((package / "custody" / "events.json").read_text(encoding="utf-8"))
    assert [e["event_id"] for e in events] == ["E01", "E02", "E03"]
    pdf = (package / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-") and b"WenQuanYi" in pdf  # the Chinese font, embedded
    readme = (package / "README.txt").read_text(encoding="utf-8")
    assert manifest["signer_fingerprint"] in readme

    engine = open_store(sample_store)
    with Session(engine) as session:
        records = [r for r in load_exports(session) if r.out_path == str(package.resolve())]
    engine.dispose()
    assert len(records) == 1
    record = records[0]
    assert record.case == "LEAK-2026-07" and record.created_by
    assert record.signer_fingerprint == manifest["signer_fingerprint"]


def _flip_byte(path: Path, offset: int = 100) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def _first_recording(package: Path) -> str:
    return sorted(p.relative_to(package).as_posix() for p in package.glob("recordings/*/*"))[0]


def _swap_key(package: Path) -> None:
    (package / "public_key.pem").write_bytes(public_pem(Ed25519PrivateKey.generate().public_key()))


def _edit_hash(package: Path) -> None:
    manifest = package / "manifest.json"
    document = json.loads(manifest.read_text(encoding="utf-8"))
    document["files"][0]["sha256"] = "0" * 64
    manifest.write_text(json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n")


TAMPERING = {
    "recording byte": (lambda p: _flip_byte(p / _first_recording(p)), "changed: recordings/"),
    "findings.json byte": (lambda p: _flip_byte(p / "findings/findings.json", 10),
                           "changed: findings/findings.json"),
    "report byte": (lambda p: _flip_byte(p / "report.html", 50), "changed: report.html"),
    "pdf byte": (lambda p: _flip_byte(p / "report.pdf", 50), "changed: report.pdf"),
    "file deleted": (lambda p: (p / "custody/legs.json").unlink(), "missing: custody/legs.json"),
    "file added": (lambda p: (p / "recordings/extra.mp4").write_bytes(b"x"),
                   "added: recordings/extra.mp4"),
    "public key swapped": (_swap_key, "bad signature: manifest.sig"),
    "manifest hash edited": (_edit_hash, "bad signature: manifest.sig"),
    "signature truncated": (lambda p: (p / "manifest.sig").write_bytes(
        (p / "manifest.sig").read_bytes()[:40]), "bad signature: manifest.sig"),
    "signature deleted": (lambda p: (p / "manifest.sig").unlink(), "missing: manifest.sig"),
}  # fmt: skip


@pytest.mark.parametrize("tamper, culprit", TAMPERING.values(), ids=TAMPERING.keys())
def test_tampering_is_named(package, capsys, tamper, culprit):
    capsys.readouterr()
    tamper(package)
    assert main(["verify", str(package)]) == 1
    out = capsys.readouterr().out
    assert culprit in out
    assert out.splitlines()[-1].startswith("FAILED: ")


def test_tampered_zip_is_named(sample_store, tmp_path, capsys):
    out = tmp_path / "case.zip"
    assert export(sample_store, out) == 0
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(out) as source, zipfile.ZipFile(tampered, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "findings/findings.csv":
                data = data.replace(b"lone_person", b"lone_persoN")
            target.writestr(info, data)
    capsys.readouterr()
    assert main(["verify", str(tampered)]) == 1
    assert "changed: findings/findings.csv" in capsys.readouterr().out


def test_expected_fingerprint_pins_the_signer(package, capsys):
    manifest = json.loads((package / "manifest.json").read_text(encoding="utf-8"))
    mine = manifest["signer_fingerprint"]
    assert main(["verify", str(package), "--expect-fingerprint", mine.replace(" ", "")]) == 0
    capsys.readouterr()
    assert main(["verify", str(package), "--expect-fingerprint", "ab" * 32]) == 1
    assert "wrong signer: public_key.pem" in capsys.readouterr().out


@pytest.mark.parametrize("make", ["missing", "not a zip", "no manifest"])
def test_unusable_input_exits_2(tmp_path, capsys, make):
    target = tmp_path / "thing"
    if make == "not a zip":
        target.write_bytes(b"hello")
    elif make == "no manifest":
        target.mkdir()
        (target / "a.txt").write_text("a")
    assert main(["verify", str(target)]) == 2
    assert capsys.readouterr().err.startswith("vaultwatch: error: ")


def test_verify_does_not_need_the_product_store(package, tmp_path, monkeypatch):
    # A copy elsewhere, another data directory: only the package itself is needed.
    moved = tmp_path / "elsewhere"
    shutil.copytree(package, moved)
    monkeypatch.setenv("VAULTWATCH_HOME", str(tmp_path / "other-home"))
    assert main(["verify", str(moved)]) == 0


def test_cosigned_package(sample_store, tmp_path, capsys):
    second = tmp_path / "second.pem"
    second.write_bytes(
        Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    out = tmp_path / "case"
    assert export(sample_store, out, "--cosign-key", str(second)) == 0
    cosigner = capsys.readouterr().out.splitlines()[-1].removeprefix("co-signed by ")
    assert main(["verify", str(out)]) == 0
    assert f"co-signer {cosigner}" in capsys.readouterr().out
    _flip_byte(out / "manifest.cosig-1.sig", 3)
    assert main(["verify", str(out)]) == 1
    assert "bad signature: manifest.cosig-1.sig" in capsys.readouterr().out


def test_clips_are_derived_stream_copies(sample_store, tmp_path, capsys):
    out = tmp_path / "clips-case"
    assert export(sample_store, out, "--clips") == 0
    assert main(["verify", str(out)]) == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["clips"] is True
    clips = [f for f in manifest["files"] if f["path"].startswith("clips/")]
    assert clips and not any(f["path"].startswith("recordings/") for f in manifest["files"])
    scanned = {r["sha256"] for r in json.loads((out / "recordings.json").read_bytes())}
    assert all(f["derived_from"] in scanned for f in clips)
    assert all(f["derived_from"] is None for f in manifest["files"] if f not in clips)
    # a clip is the original's packets, not a re-encode: same codec and size, and it decodes
    info = probe(out / clips[0]["path"])
    assert (info.codec, info.width, info.height) == ("h264", 640, 360)
    assert 0 < info.duration_s < 60


def test_a_second_zip_entry_of_one_name_is_named(sample_store, tmp_path, capsys):
    out = tmp_path / "case.zip"
    assert export(sample_store, out) == 0
    with pytest.warns(UserWarning, match="Duplicate name"):
        with zipfile.ZipFile(out, "a") as archive:
            archive.writestr("report.html", "<p>nothing happened</p>")
    capsys.readouterr()
    assert main(["verify", str(out)]) == 1
    assert "added: report.html: more than one ZIP entry" in capsys.readouterr().out
