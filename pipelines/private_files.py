"""Folders and files only their owner may read (the store, keys, cached clips), made so
whatever the process umask: `mkdir(parents=True)` gives the parents it creates 0777 less the
umask, which a umask of 022 leaves world-readable."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def private_dir(path: Path, *, tighten: bool = False) -> Path:
    """`path` as a folder, every folder this call creates (parents too) mode 0700. With
    `tighten`, an existing `path` this user owns is set to 0700 as well (a folder that is
    the product's own, such as its keys folder, made by an older release). Returns `path`."""
    missing = []
    for folder in (path, *path.parents):
        if folder.exists():
            break
        missing.append(folder)
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=PRIVATE_DIR)
        except FileExistsError:  # made meanwhile by another process
            continue
        folder.chmod(PRIVATE_DIR)  # the mode given to mkdir is masked by the umask
    if not path.is_dir():
        raise NotADirectoryError(f"{path} is not a folder")
    if tighten and path.stat().st_uid == os.getuid() and path.stat().st_mode & 0o077:
        path.chmod(PRIVATE_DIR)
    return path


def create_private_file(path: Path, data: bytes) -> bool:
    """Write `data` to a new file at `path`, mode 0600, in a private folder; False (nothing
    written) when the file exists already, so two processes never both make a key.

    The file appears whole or not at all: it is written under a temporary name and linked
    into place (a link never replaces a file), so a process reading it the moment it appears
    cannot see it empty or half written."""
    private_dir(path.parent, tighten=True)
    if path.exists():
        return False
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, PRIVATE_FILE)
        try:
            os.link(temporary, path)
        except FileExistsError:
            return False
        return True
    finally:
        os.unlink(temporary)


def touch_private(path: Path) -> None:
    """Create `path` empty with mode 0600 unless it exists (a database file before SQLite
    opens it: SQLite makes its journal files with the database file's mode)."""
    private_dir(path.parent)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    except FileExistsError:
        pass
