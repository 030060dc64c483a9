"""File operations of the registry: hashing, copying, and all-or-nothing directory commits."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

_CHUNK = 1 << 20


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    """SHA-256 of a file's bytes, streamed; the file is only ever opened for reading."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def copy_synced(src: Path, dst: Path) -> None:
    """Copy `src` to a new file `dst` and flush it to disk before returning."""
    with src.open("rb") as fin, dst.open("xb") as fout:
        shutil.copyfileobj(fin, fout, _CHUNK)
        fout.flush()
        os.fsync(fout.fileno())


def write_text_synced(path: Path, text: str) -> None:
    with path.open("x", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())


def _fsync_dir(path: Path) -> None:
    # Makes the rename itself durable; not possible on every platform, where it is skipped.
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def staging_dir(parent: Path, label: str) -> Iterator[Path]:
    """A fresh hidden directory inside `parent` (created if missing) for building an entry.

    On an exception everything is removed again, including `parent` and its ancestors if this
    call created them, so a refused import leaves no trace.
    """
    created: list[Path] = []
    for directory in (*reversed(parent.parents), parent):
        if not directory.exists():
            created.append(directory)
    parent.mkdir(parents=True, exist_ok=True)
    stage = parent / f".staging-{label}-{uuid.uuid4().hex}"
    stage.mkdir()
    try:
        yield stage
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        for directory in reversed(created):
            with contextlib.suppress(OSError):
                directory.rmdir()  # only succeeds while still empty
        raise
    finally:
        if stage.exists() and stage.parent == parent:
            shutil.rmtree(stage, ignore_errors=True)


def commit_dir(stage: Path, final: Path, *, replace: bool) -> None:
    """Move the finished `stage` directory to `final` with a rename, so readers see the old
    entry or the new one, never a half-written one. FileExistsError if `final` exists and not
    `replace`."""
    if not replace:
        if final.exists():
            raise FileExistsError(final)
        # rename() onto an existing non-empty directory fails, which catches a concurrent import.
        os.rename(stage, final)
    else:
        trash = final.parent / f".replaced-{final.name}-{uuid.uuid4().hex}"
        had_old = final.exists()
        if had_old:
            os.rename(final, trash)
        try:
            os.rename(stage, final)
        except OSError:
            if had_old:
                os.rename(trash, final)
            raise
        if had_old:
            shutil.rmtree(trash, ignore_errors=True)
    _fsync_dir(final.parent)
