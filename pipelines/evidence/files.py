"""Byte-for-byte copies and hashes of files of any size, in fixed-size chunks.

Originals are evidence: they are opened read-only, and a copy is hashed as it is written, so
the hash in the manifest is of the bytes actually in the package. Memory stays at one chunk
whatever the file's size (multi-GB NVR exports).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

CHUNK_BYTES = 1 << 20


@dataclass(frozen=True)
class FileDigest:
    """Hex SHA-256 and size in bytes of one file's content."""

    sha256: str
    size: int


def chunks(stream: BinaryIO, chunk_bytes: int = CHUNK_BYTES) -> Iterable[bytes]:
    """The stream's bytes, `chunk_bytes` at a time."""
    while block := stream.read(chunk_bytes):
        yield block


def digest_stream(stream: BinaryIO) -> FileDigest:
    """SHA-256 and size of everything left in `stream`, read in chunks."""
    hasher = hashlib.sha256()
    size = 0
    for block in chunks(stream):
        hasher.update(block)
        size += len(block)
    return FileDigest(hasher.hexdigest(), size)


def digest_file(path: Path) -> FileDigest:
    """SHA-256 and size of the file at `path`."""
    with path.open("rb") as stream:
        return digest_stream(stream)


def copy_and_digest(source: Path, target: Path) -> FileDigest:
    """Copy `source` to the new file `target` (which must not exist) and return the digest of
    the bytes written. `source` is opened read-only."""
    hasher = hashlib.sha256()
    size = 0
    with source.open("rb") as reader, target.open("xb") as writer:
        for block in chunks(reader):
            hasher.update(block)
            writer.write(block)
            size += len(block)
    return FileDigest(hasher.hexdigest(), size)


def write_new(target: Path, data: bytes) -> FileDigest:
    """Write `data` to the new file `target` and return its digest."""
    with target.open("xb") as writer:
        writer.write(data)
    return FileDigest(hashlib.sha256(data).hexdigest(), len(data))
