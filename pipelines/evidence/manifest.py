"""`manifest.json`: what an evidence package holds, and the bytes its signature covers.

The manifest lists every file of the package but itself, its signatures and the public keys,
with SHA-256 and size, sorted by path. Everything in it but `created_at` and `audit_anchor`
follows from the case and the store, so two exports of one case differ only there (and in
the signature). `audit_anchor` is the audit chain's head when the package was made, sealed
with the installation's audit key (`pipelines.store.audit_anchor`): a copy of it outside the
store that a later rewrite of the chain cannot change.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from pipelines.store.audit_anchor import ChainAnchor

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
PUBLIC_KEY = "public_key.pem"
COSIGNATURE = "manifest.cosig-1.sig"
COSIGNER_KEY = "cosigner_key-1.pem"
# The files that are about the manifest rather than listed in it.
UNLISTED = frozenset({MANIFEST, SIGNATURE, PUBLIC_KEY, COSIGNATURE, COSIGNER_KEY})
FORMAT_VERSION = 1


class ManifestError(ValueError):
    """A manifest that cannot be read or does not have the expected shape."""


@dataclass(frozen=True)
class ManifestFile:
    """One file of the package: its path (POSIX, relative to the package), SHA-256, size;
    for a clip (`export --clips`) the SHA-256 of the original it was cut from."""

    path: str
    sha256: str
    size: int
    derived_from: str | None = None


@dataclass(frozen=True)
class ModelRef:
    name: str
    sha256: str
    builtin: bool


@dataclass(frozen=True)
class Manifest:
    """The package's table of contents. Times are ISO-8601 strings with the site's offset."""

    case: str
    period_from: str
    period_to: str
    lot: str | None
    cameras: tuple[str, ...]
    product_version: str
    analyzer_version: str
    models: tuple[ModelRef, ...]
    signer_fingerprint: str
    created_at: str
    files: tuple[ManifestFile, ...]
    clips: bool = False
    format_version: int = FORMAT_VERSION
    audit_anchor: ChainAnchor | None = None

    def to_bytes(self) -> bytes:
        """Canonical JSON (sorted keys, files by path, UTF-8, newline-terminated)."""
        document = asdict(self)
        document["files"] = sorted(document["files"], key=lambda f: f["path"])
        return (json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def parse_manifest(data: bytes) -> Manifest:
    """A manifest from the bytes of `manifest.json`; `ManifestError` says what is wrong."""
    try:
        document = json.loads(data.decode("utf-8"))
        if document.get("format_version") != FORMAT_VERSION:
            raise ManifestError(f"unknown format_version {document.get('format_version')!r}")
        files = tuple(ManifestFile(**entry) for entry in document.pop("files"))
        models = tuple(ModelRef(**entry) for entry in document.pop("models"))
        cameras = tuple(document.pop("cameras"))
        anchor = document.pop("audit_anchor", None)
        manifest = Manifest(
            files=files,
            models=models,
            cameras=cameras,
            audit_anchor=None if anchor is None else ChainAnchor(**anchor),
            **document,
        )
    except ManifestError:
        raise
    # RecursionError: JSON nested deeper than the parser goes.
    except (
        UnicodeDecodeError,
        ValueError,
        TypeError,
        KeyError,
        AttributeError,
        RecursionError,
    ) as exc:
        raise ManifestError(f"manifest.json is not a valid manifest: {exc}") from exc
    for entry in manifest.files:
        if not _safe_path(entry.path):
            raise ManifestError(f"manifest.json lists an unsafe path {entry.path!r}")
    return manifest


def _safe_path(path: str) -> bool:
    # A manifest must not steer a verifier outside the package.
    parts = path.split("/")
    return bool(path) and not path.startswith("/") and ".." not in parts and "" not in parts
