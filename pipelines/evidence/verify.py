"""Checking a package (folder or ZIP) against its signed manifest, without trusting anything
in it but the signature, and naming every file that differs.

    report = verify_package(Path("case.zip"), expect_fingerprint=None)
    report.ok, report.problems, report.fingerprint
"""

from __future__ import annotations

import os
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO, Protocol, cast

from pipelines.evidence.files import FileDigest, digest_stream
from pipelines.evidence.manifest import (
    COSIGNATURE,
    COSIGNER_KEY,
    MANIFEST,
    PUBLIC_KEY,
    SIGNATURE,
    UNLISTED,
    Manifest,
    ManifestError,
    parse_manifest,
)
from pipelines.evidence.signing import (
    fingerprint,
    load_public_pem,
    normalise_fingerprint,
    signature_valid,
)

# A signature or key file is tiny; refuse to read a huge one into memory.
SMALL_FILE_LIMIT = 64 << 20


class PackageUnusable(ValueError):
    """Not a package at all (no such path, not a folder or ZIP): exit 2."""


class ProblemKind(StrEnum):
    CHANGED = "changed"
    MISSING = "missing"
    ADDED = "added"
    BAD_MANIFEST = "bad manifest"
    BAD_SIGNATURE = "bad signature"
    BAD_PUBLIC_KEY = "bad public key"
    WRONG_SIGNER = "wrong signer"
    UNREADABLE = "unreadable"
    REFUSED = "refused"


@dataclass(frozen=True)
class Problem:
    kind: ProblemKind
    path: str
    detail: str

    def line(self) -> str:
        return f"{self.kind.value}: {self.path}: {self.detail}"


@dataclass
class VerifyReport:
    """What the check found; `ok` only when there is no problem at all."""

    fingerprint: str | None = None
    cosigner_fingerprint: str | None = None
    manifest: Manifest | None = None
    files_checked: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class PackageReader(Protocol):
    """The files of a package, folder or ZIP alike: their names and a binary stream each."""

    def names(self) -> set[str]: ...
    def links(self) -> set[str]: ...
    def open(self, name: str) -> AbstractContextManager[BinaryIO]: ...


class MemberUnreadable(Exception):
    """A file of the package that cannot be read as plain bytes (an encrypted or damaged ZIP
    member, a file gone or unreadable), with the reason."""


class FolderReader:
    """A package folder. Symlinks are never followed: a package holds files only, and a link
    would let a folder point the check at anything on the machine."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def names(self) -> set[str]:
        return {
            p.relative_to(self.root).as_posix()
            for p in self.root.rglob("*")
            if p.is_symlink() or p.is_file()
        }

    def links(self) -> set[str]:
        return {p.relative_to(self.root).as_posix() for p in self.root.rglob("*") if p.is_symlink()}

    @contextmanager
    def open(self, name: str) -> Iterator[BinaryIO]:
        path = self.root / name
        # Every component, not only the last, must be a real folder or file.
        if any(part.is_symlink() for part in (path, *path.parents) if self.root in part.parents):
            raise MemberUnreadable("a symlink, not a file")
        try:
            descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError as exc:
            raise MemberUnreadable(exc.strerror or str(exc)) from exc
        with os.fdopen(descriptor, "rb") as stream:
            yield stream


class ZipReader:
    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive

    def names(self) -> set[str]:
        return {i.filename for i in self.archive.infolist() if not i.is_dir()}

    def links(self) -> set[str]:
        return set()

    @contextmanager
    def open(self, name: str) -> Iterator[BinaryIO]:
        info = self.archive.getinfo(name)
        if info.flag_bits & 0x1:
            raise MemberUnreadable("encrypted ZIP member (a package is never encrypted)")
        try:
            stream = self.archive.open(info)
        except (RuntimeError, NotImplementedError, zipfile.BadZipFile, OSError) as exc:
            raise MemberUnreadable(str(exc)) from exc
        with stream:
            yield cast(BinaryIO, stream)


def verify_package(path: Path, *, expect_fingerprint: str | None = None) -> VerifyReport:
    """Check the package at `path` (folder or ZIP). `PackageUnusable` if it is neither."""
    if path.is_dir():
        return _verify(FolderReader(path), expect_fingerprint)
    if path.is_file():
        try:
            with zipfile.ZipFile(path) as archive:
                report = _verify(ZipReader(archive), expect_fingerprint)
                # A second entry of one name would be hidden behind the first one checked.
                counts = Counter(i.filename for i in archive.infolist())
                for name in sorted(n for n, count in counts.items() if count > 1):
                    report.problems.append(
                        Problem(ProblemKind.ADDED, name, "more than one ZIP entry of this name")
                    )
                return report
        except (zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
            raise PackageUnusable(f"{path} is neither a folder nor a ZIP: {exc}") from exc
    raise PackageUnusable(f"{path} does not exist")


def _read_small(reader: PackageReader, name: str) -> bytes:
    """The file's bytes; `MemberUnreadable` for one that cannot be read or is larger than
    `SMALL_FILE_LIMIT` (a manifest, signature or key is small)."""
    try:
        with reader.open(name) as stream:
            data: bytes = stream.read(SMALL_FILE_LIMIT + 1)
    except (OSError, EOFError, zlib.error, zipfile.BadZipFile) as exc:
        raise MemberUnreadable(str(exc)) from exc
    if len(data) > SMALL_FILE_LIMIT:
        raise MemberUnreadable(f"larger than {SMALL_FILE_LIMIT >> 20} MiB: implausible")
    return data


def _digest(reader: PackageReader, name: str) -> FileDigest:
    try:
        with reader.open(name) as stream:
            return digest_stream(stream)
    except (OSError, EOFError, zlib.error, zipfile.BadZipFile) as exc:
        raise MemberUnreadable(str(exc)) from exc


def _verify(reader: PackageReader, expect_fingerprint: str | None) -> VerifyReport:
    report = VerifyReport()
    present = reader.names()
    if MANIFEST not in present:
        raise PackageUnusable(f"no {MANIFEST}: not an evidence package")
    links = reader.links()
    for name in sorted(links):
        report.problems.append(
            Problem(ProblemKind.REFUSED, name, "a symlink: a package holds files only")
        )
    if MANIFEST in links:
        return report
    try:
        manifest_bytes = _read_small(reader, MANIFEST)
    except MemberUnreadable as exc:
        report.problems.append(Problem(ProblemKind.BAD_MANIFEST, MANIFEST, str(exc)))
        return report
    _check_signature(reader, present - links, manifest_bytes, report, expect_fingerprint)
    try:
        manifest = parse_manifest(manifest_bytes)
    except ManifestError as exc:
        report.problems.append(Problem(ProblemKind.BAD_MANIFEST, MANIFEST, str(exc)))
        return report
    report.manifest = manifest
    if report.fingerprint is not None and manifest.signer_fingerprint != report.fingerprint:
        # Re-signed with another key: the signature holds, but not by the signer it names.
        report.problems.append(
            Problem(
                ProblemKind.WRONG_SIGNER,
                PUBLIC_KEY,
                f"the manifest names signer {manifest.signer_fingerprint}, but the package "
                f"is signed by {report.fingerprint}",
            )
        )
    listed = {entry.path for entry in manifest.files}
    for entry in manifest.files:
        if entry.path in links:
            continue
        if entry.path not in present:
            report.problems.append(Problem(ProblemKind.MISSING, entry.path, "listed, not present"))
            continue
        try:
            digest = _digest(reader, entry.path)
        except MemberUnreadable as exc:
            report.problems.append(Problem(ProblemKind.UNREADABLE, entry.path, str(exc)))
            continue
        report.files_checked += 1
        if digest != FileDigest(entry.sha256, entry.size):
            report.problems.append(
                Problem(
                    ProblemKind.CHANGED,
                    entry.path,
                    f"sha256 {digest.sha256} size {digest.size}, manifest says "
                    f"sha256 {entry.sha256} size {entry.size}",
                )
            )
    for name in sorted(present - listed - UNLISTED - links):
        report.problems.append(Problem(ProblemKind.ADDED, name, "present, not in the manifest"))
    if (COSIGNATURE in present) != (COSIGNER_KEY in present):
        report.problems.append(
            Problem(ProblemKind.MISSING, COSIGNER_KEY, "co-signature and its key come together")
        )
    return report


def _check_signature(
    reader: PackageReader,
    present: set[str],
    manifest_bytes: bytes,
    report: VerifyReport,
    expect_fingerprint: str | None,
) -> None:
    for signature_name, key_name in ((SIGNATURE, PUBLIC_KEY), (COSIGNATURE, COSIGNER_KEY)):
        if signature_name == COSIGNATURE and COSIGNATURE not in present:
            continue
        if key_name not in present:
            report.problems.append(Problem(ProblemKind.MISSING, key_name, "no public key"))
            continue
        if signature_name not in present:
            report.problems.append(Problem(ProblemKind.MISSING, signature_name, "no signature"))
            continue
        try:
            key = load_public_pem(_read_small(reader, key_name))
        except (ValueError, MemberUnreadable) as exc:
            report.problems.append(Problem(ProblemKind.BAD_PUBLIC_KEY, key_name, str(exc)))
            continue
        if signature_name == SIGNATURE:
            report.fingerprint = fingerprint(key)
        else:
            report.cosigner_fingerprint = fingerprint(key)
        try:
            signature = _read_small(reader, signature_name)
        except MemberUnreadable as exc:
            report.problems.append(Problem(ProblemKind.BAD_SIGNATURE, signature_name, str(exc)))
            continue
        if not signature_valid(key, signature, manifest_bytes):
            report.problems.append(
                Problem(
                    ProblemKind.BAD_SIGNATURE,
                    signature_name,
                    f"does not verify {MANIFEST} with {key_name} (the manifest, the "
                    "signature or the key was changed)",
                )
            )
    if expect_fingerprint is not None and report.fingerprint is not None:
        wanted = normalise_fingerprint(expect_fingerprint)
        if report.fingerprint != wanted:
            report.problems.append(
                Problem(
                    ProblemKind.WRONG_SIGNER,
                    PUBLIC_KEY,
                    f"fingerprint {report.fingerprint}, expected {wanted}",
                )
            )
