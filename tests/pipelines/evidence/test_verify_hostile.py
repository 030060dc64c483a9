"""`vaultwatch verify` on packages made to break it: tens of thousands of members, a huge or
deeply nested manifest, an encrypted ZIP member, symlinks in a folder package, a package
re-signed by another key. Each ends in named problems and exit 1, never a traceback, and in
linear time."""

from __future__ import annotations

import hashlib
import time
import warnings
import zipfile
from pathlib import Path

import pytest

from pipelines.cli import main
from pipelines.evidence.manifest import PUBLIC_KEY, SIGNATURE, Manifest, ManifestFile
from pipelines.evidence.signing import SigningKey, load_or_create_key
from pipelines.evidence.verify import SMALL_FILE_LIMIT


def manifest_for(files: dict[str, bytes], signer: SigningKey) -> bytes:
    entries = tuple(
        ManifestFile(path, hashlib.sha256(data).hexdigest(), len(data))
        for path, data in sorted(files.items())
    )
    return Manifest(
        case="C",
        period_from="2026-11-24T08:00:00.000+08:00",
        period_to="2026-11-24T09:00:00.000+08:00",
        lot=None,
        cameras=(),
        product_version="1",
        analyzer_version="1",
        models=(),
        signer_fingerprint=signer.fingerprint,
        created_at="2026-11-24T10:00:00.000+08:00",
        files=entries,
    ).to_bytes()


def package_files(
    files: dict[str, bytes], key: SigningKey, *, manifest: bytes | None = None
) -> dict[str, bytes]:
    manifest = manifest if manifest is not None else manifest_for(files, key)
    return {
        **files,
        "manifest.json": manifest,
        SIGNATURE: key.sign(manifest),
        PUBLIC_KEY: key.public_pem,
    }


def write_folder(root: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


@pytest.fixture
def key(tmp_path: Path) -> SigningKey:
    return load_or_create_key(tmp_path / "keys" / "signing.pem")


def verify(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["verify", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_sixty_thousand_members_verify_in_linear_time(
    tmp_path: Path, key: SigningKey, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {f"f/{i:05d}.txt": str(i).encode() for i in range(60_000)}
    archive = tmp_path / "big.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for name, data in package_files(files, key).items():
            out.writestr(name, data)
        # A second entry of one name, hidden behind the first.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out.writestr("f/00007.txt", b"other")
    started = time.perf_counter()
    code, out, _err = verify(capsys, str(archive), "--expect-fingerprint", key.fingerprint)
    elapsed = time.perf_counter() - started
    assert code == 1
    assert "added: f/00007.txt: more than one ZIP entry of this name" in out
    # Was 101 s with a quadratic duplicate check; linear, it is a few seconds.
    assert elapsed < 30, elapsed


@pytest.mark.parametrize("kind", ["huge", "nested", "not json"])
def test_a_hostile_manifest_is_named(
    tmp_path: Path, key: SigningKey, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    root = write_folder(tmp_path / "pkg", package_files({"a.txt": b"a"}, key))
    manifest = root / "manifest.json"
    if kind == "huge":
        with manifest.open("r+b") as out:
            out.truncate(SMALL_FILE_LIMIT + 1024)  # sparse: no 64 MiB written
    elif kind == "nested":
        manifest.write_bytes(b"[" * 200_000 + b"]" * 200_000)
    else:
        manifest.write_bytes(b"\xff\xfe not json")
    code, out, err = verify(capsys, str(root))
    assert code == 1 and "Traceback" not in out + err
    assert "bad manifest: manifest.json" in out or "bad signature" in out


def mark_encrypted(archive: Path, name: str) -> None:
    """Set the "encrypted" flag of `name`'s local and central headers (zipfile writes none)."""
    data = bytearray(archive.read_bytes())
    encoded = name.encode()
    for signature, flag_at, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
        at = data.find(signature)
        while at >= 0:
            if data[at + name_at : at + name_at + len(encoded)] == encoded:
                data[at + flag_at] |= 0x1
            at = data.find(signature, at + 1)
    archive.write_bytes(bytes(data))


def test_an_encrypted_member_is_named(
    tmp_path: Path, key: SigningKey, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "enc.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for name, data in package_files({"a.txt": b"a", "b.txt": b"b"}, key).items():
            out.writestr(name, data)
    mark_encrypted(archive, "a.txt")
    code, out, err = verify(capsys, str(archive), "--expect-fingerprint", key.fingerprint)
    assert code == 1 and "Traceback" not in out + err
    assert "unreadable: a.txt: encrypted ZIP member" in out


def test_symlinks_in_a_folder_package_are_refused(
    tmp_path: Path, key: SigningKey, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {"a.txt": b"a", "b.txt": b"b"}
    root = write_folder(tmp_path / "pkg", package_files(files, key))
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"a")
    (root / "a.txt").unlink()
    (root / "a.txt").symlink_to(outside)  # the same bytes, through a link
    (root / "dangling.txt").symlink_to(tmp_path / "nowhere")
    code, out, err = verify(capsys, str(root), "--expect-fingerprint", key.fingerprint)
    assert code == 1 and "Traceback" not in out + err
    assert "refused: a.txt: a symlink" in out
    assert "refused: dangling.txt: a symlink" in out


def test_a_package_resigned_by_another_key_is_not_ok(
    tmp_path: Path, key: SigningKey, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {"a.txt": b"a"}
    forger = load_or_create_key(tmp_path / "forger" / "signing.pem")
    # The forger keeps the genuine signer's fingerprint in the manifest and signs it himself.
    manifest = manifest_for(files, key)
    root = write_folder(tmp_path / "pkg", package_files(files, forger, manifest=manifest))
    code, out, err = verify(capsys, str(root))
    assert code == 1
    assert f"wrong signer: public_key.pem: the manifest names signer {key.fingerprint}" in out
    assert "WARNING: no --expect-fingerprint" in err


def test_verify_warns_loudly_without_an_expected_fingerprint(
    tmp_path: Path, key: SigningKey, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_folder(tmp_path / "pkg", package_files({"a.txt": b"a"}, key))
    code, out, err = verify(capsys, str(root))
    assert code == 0 and out.startswith("OK: ")
    assert "WARNING: no --expect-fingerprint" in err and key.fingerprint in err
    code, _out, err = verify(capsys, str(root), "--expect-fingerprint", key.fingerprint)
    assert code == 0 and "WARNING" not in err
