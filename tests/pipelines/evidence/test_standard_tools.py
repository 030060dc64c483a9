"""A package checks out with standard tools alone: coreutils' `sha256sum -c` on its
SHA256SUMS and OpenSSL's Ed25519 verify on the manifest's signature (neither touches the
product's code), as its README.txt says."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess

import pytest

from tests.pipelines.evidence.conftest import export

pytestmark = pytest.mark.video


def openssl_verifies_ed25519() -> bool:
    if shutil.which("openssl") is None:
        return False
    listing = subprocess.run(["openssl", "list", "-public-key-algorithms"],
                             capture_output=True, text=True)  # fmt: skip
    return "ED25519" in listing.stdout.upper()


def test_sha256sum_and_openssl(sample_store, tmp_path):
    package = tmp_path / "case"
    assert export(sample_store, package) == 0
    sums = subprocess.run(["sha256sum", "--strict", "-c", "SHA256SUMS"], cwd=package,
                          capture_output=True, text=True)  # fmt: skip
    assert sums.returncode == 0, sums.stdout + sums.stderr
    manifest = json.loads((package / "manifest.json").read_text(encoding="utf-8"))
    # SHA256SUMS is itself covered by the signed manifest, and agrees with it
    listed = {f["path"]: f["sha256"] for f in manifest["files"]}
    in_sums = dict(reversed(line.split("  ", 1)) for line in
                   (package / "SHA256SUMS").read_text().splitlines())  # fmt: skip
    assert in_sums == {p: h for p, h in listed.items() if p != "SHA256SUMS"}
    assert "SHA256SUMS" in listed

    if not openssl_verifies_ed25519():
        pytest.skip("this openssl has no Ed25519")
    command = ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "public_key.pem", "-rawin",
               "-in", "manifest.json", "-sigfile", "manifest.sig"]  # fmt: skip
    good = subprocess.run(command, cwd=package, capture_output=True, text=True)
    assert good.returncode == 0 and "Verified Successfully" in good.stdout, good.stderr
    # the fingerprint, as the README computes it
    der = subprocess.run(["openssl", "pkey", "-pubin", "-in", "public_key.pem", "-outform", "DER"],
                         cwd=package, capture_output=True, check=True).stdout  # fmt: skip
    assert hashlib.sha256(der[-32:]).hexdigest() == manifest["signer_fingerprint"].replace(" ", "")

    raw = bytearray((package / "manifest.json").read_bytes())
    raw[-2] ^= 0x01
    (package / "manifest.json").write_bytes(bytes(raw))
    bad = subprocess.run(command, cwd=package, capture_output=True, text=True)
    assert bad.returncode != 0
