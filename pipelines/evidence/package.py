"""Writing an evidence package: a folder or a ZIP that proves itself.

    contents = gather(session, request)                       # contents.py
    result = write_package(contents, out=Path("case.zip"), key=load_or_create_key(),
                           created_at=iso(time.time(), zone))

The package is built in a temporary sibling of `out` and renamed into place at the end, so a
crashed export leaves no half package under the final name; an existing `out` (a non-empty
folder or any file) is refused, because exports are never changed once written.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import zipfile
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path, PurePosixPath

from analyzer import ANALYZER_VERSION
from analyzer.recording import RecordingInfo
from analyzer.wallclock import iso
from pipelines.evidence import documents
from pipelines.evidence.clips import write_clips
from pipelines.evidence.contents import ExportContents, ExportError
from pipelines.evidence.files import CHUNK_BYTES, FileDigest, copy_and_digest, write_new
from pipelines.evidence.manifest import (
    COSIGNATURE,
    COSIGNER_KEY,
    MANIFEST,
    PUBLIC_KEY,
    SIGNATURE,
    Manifest,
    ManifestFile,
)
from pipelines.evidence.report_pdf import CJK_FONT, cjk_font_available, report_pdf
from pipelines.evidence.signing import SigningKey

logger = logging.getLogger(__name__)

# ZIP entries carry this date, so two exports of one case give the same entries.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class ExportResult:
    """Where the package went, its manifest and the SHA-256 of the manifest's bytes."""

    path: Path
    manifest: Manifest
    manifest_sha256: str


def product_version() -> str:
    try:
        return version("vaultwatch")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "unknown"


def check_output(out: Path) -> None:
    """Refuse an output that exists (a file, or a folder with anything in it)."""
    if out.is_dir():
        if any(out.iterdir()):
            raise ExportError(f"{out} is not empty: an export is never written over")
    elif out.exists():
        raise ExportError(f"{out} exists: an export is never written over")
    if not out.parent.is_dir():
        raise ExportError(f"{out.parent} is not a folder")


def write_package(
    contents: ExportContents,
    *,
    out: Path,
    key: SigningKey,
    created_at: str,
    cosigner: SigningKey | None = None,
) -> ExportResult:
    """Copy the originals, write the documents, manifest and signature to `out` (a folder, or
    a ZIP when it ends in `.zip`); with `cosigner`, a second signature over the same manifest
    and its public key. `ExportError` for an output in the way or an original that is missing
    or no longer has the SHA-256 it was scanned with."""
    check_output(out)
    staging = out.with_name(f".{out.name}.partial-{os.getpid()}")
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir()
    try:
        manifest = _fill(staging, contents, key=key, created_at=created_at)
        manifest_bytes = manifest.to_bytes()
        write_new(staging / MANIFEST, manifest_bytes)
        write_new(staging / SIGNATURE, key.sign(manifest_bytes))
        write_new(staging / PUBLIC_KEY, key.public_pem)
        if cosigner is not None:
            write_new(staging / COSIGNATURE, cosigner.sign(manifest_bytes))
            write_new(staging / COSIGNER_KEY, cosigner.public_pem)
        if out.suffix.lower() == ".zip":
            zipped = out.with_name(staging.name + ".zip")
            _zip_folder(staging, zipped)
            shutil.rmtree(staging)
            staging = zipped
            _publish_file(zipped, out)
        else:
            try:
                os.replace(staging, out)  # onto an empty folder at most, never a full one
            except OSError as exc:
                raise ExportError(f"cannot move the package to {out}: {exc}") from exc
    except BaseException:
        if staging.is_dir():
            shutil.rmtree(staging, ignore_errors=True)
        else:
            staging.unlink(missing_ok=True)
        raise
    return ExportResult(out, manifest, hashlib.sha256(manifest_bytes).hexdigest())


def _publish_file(source: Path, target: Path) -> None:
    """Move `source` to `target` unless `target` appeared meanwhile (then ExportError)."""
    try:
        # Not os.replace: a ZIP that appeared meanwhile must not be overwritten.
        os.link(source, target)
    except FileExistsError as exc:
        raise ExportError(f"{target} exists: an export is never written over") from exc
    except OSError:
        # A file system without hard links (FAT, some network shares): check, then rename.
        if target.exists():
            raise ExportError(f"{target} exists: an export is never written over") from None
        os.replace(source, target)
        return
    source.unlink()


def _fill(staging: Path, contents: ExportContents, *, key: SigningKey, created_at: str) -> Manifest:
    files: dict[str, FileDigest] = {}

    def add(relative: str, data: bytes) -> None:
        target = staging / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        files[relative] = write_new(target, data)

    request = contents.request
    derived: dict[str, str] = {}
    if request.clips:
        package_paths: dict[str, str] = {}
        for clip in write_clips(staging, contents):
            files[clip.path] = clip.digest
            derived[clip.path] = clip.parent.sha256
        copy_originals: list[RecordingInfo] = []
    else:
        package_paths = _package_paths(contents)
        copy_originals = contents.recordings
    for recording in copy_originals:
        relative = package_paths[recording.sha256]
        target = staging / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            digest = copy_and_digest(Path(recording.path), target)
        except OSError as exc:
            raise ExportError(f"cannot read the original {recording.path}: {exc}") from exc
        if digest.sha256 != recording.sha256:
            raise ExportError(
                f"{recording.path} no longer has the SHA-256 it was scanned with "
                f"({recording.sha256}): the original changed since"
            )
        files[relative] = digest
    add("recordings.json", documents.recordings_json(contents, package_paths))
    add("findings/findings.json", documents.findings_json(contents))
    add("findings/findings.csv", documents.findings_csv(contents))
    add("custody/events.json", documents.events_json(contents))
    add("custody/legs.json", documents.legs_json(contents))
    add("audit/records.json", documents.audit_json(contents))
    add("versions.json", documents.versions_json(contents, product_version(), ANALYZER_VERSION))
    add("report.html", documents.report_html(contents, package_paths))
    if cjk_font_available():
        add("report.pdf", report_pdf(contents, package_paths))
    else:
        logger.warning("no report.pdf: the Chinese font %s is not installed", CJK_FONT)
    add("README.txt", documents.readme_txt(request.case, key.fingerprint))
    sums = "".join(f"{files[p].sha256}  {p}\n" for p in sorted(files))
    add("SHA256SUMS", sums.encode())
    zone = request.zone
    return Manifest(
        case=request.case,
        period_from=iso(request.since, zone),
        period_to=iso(request.until, zone),
        lot=request.lot,
        cameras=tuple(sorted(request.cameras)),
        product_version=product_version(),
        analyzer_version=ANALYZER_VERSION,
        models=contents.models,
        signer_fingerprint=key.fingerprint,
        created_at=created_at,
        files=tuple(
            ManifestFile(p, files[p].sha256, files[p].size, derived.get(p)) for p in sorted(files)
        ),
        clips=request.clips,
        audit_anchor=contents.anchor,
    )


def _package_paths(contents: ExportContents) -> dict[str, str]:
    """sha256 -> `recordings/<camera>/<file name>`; a name used twice gets its hash prefix."""
    paths: dict[str, str] = {}
    taken: set[str] = set()
    for recording in contents.recordings:
        name = PurePosixPath(Path(recording.path).name).name
        relative = f"recordings/{recording.camera}/{name}"
        if relative in taken:
            relative = f"recordings/{recording.camera}/{recording.sha256[:12]}_{name}"
        taken.add(relative)
        paths[recording.sha256] = relative
    return paths


def _zip_folder(folder: Path, target: Path) -> None:
    """Every file of `folder` stored (not compressed: video does not shrink) in path order,
    with a fixed date, copied in chunks."""
    with zipfile.ZipFile(target, "x", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        # Ordered by the POSIX path string, as the manifest lists them.
        names = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
        for name in names:
            path = folder / name
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.external_attr = 0o644 << 16
            with path.open("rb") as reader, archive.open(info, "w", force_zip64=True) as writer:
                while block := reader.read(CHUNK_BYTES):
                    writer.write(block)
