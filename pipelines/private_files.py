"""Folders and files only their owner may read (the store, keys, cached clips), made so
whatever the process umask: a umask of 022 would leave a plain `mkdir` world-readable."""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def private_dir(path: Path) -> Path:
    """`path` (and missing parents) as a folder; the folder itself made or set 0700 when
    this user owns it. Returns `path`."""
    path.mkdir(parents=True, exist_ok=True)
    if path.stat().st_uid == os.getuid() and path.stat().st_mode & 0o077:
        path.chmod(PRIVATE_DIR)
    return path


def create_private_file(path: Path, data: bytes) -> bool:
    """Write `data` to a new file at `path`, mode 0600, its folder private; False (nothing
    written) when the file exists already, so two processes never both make a key."""
    private_dir(path.parent)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:
        return False
    with os.fdopen(descriptor, "wb") as out:
        out.write(data)
    return True
