"""What is on the media roots tonight: every video file with its SHA-256, hashed again only
when its size or modification time changed since the last run."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from models.storage import sha256_file
from pipelines import ingest
from pipelines.store.nightly import KnownFile, known_files, record_files

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Inventory:
    """The video files found (path order) and how many had to be hashed."""

    files: list[KnownFile] = field(default_factory=list)
    hashed: int = 0
    problems: list[str] = field(default_factory=list)


def take_inventory(
    session: Session,
    roots: Sequence[Path],
    *,
    at: datetime,
    hash_file: Callable[[Path], str] = sha256_file,
) -> Inventory:
    """Walk `roots`, hash new and changed files, record them all as seen `at`. Commits."""
    # A symlink under a root that leads out of the roots is not inventoried (see discover).
    discovery = ingest.discover(list(roots), roots=roots)
    paths = sorted(str(p.resolve()) for p in discovery.files)
    known = known_files(session, paths)
    files: list[KnownFile] = []
    hashed = 0
    problems = list(discovery.problems)
    for path in paths:
        try:
            stat = Path(path).stat()
        except OSError as exc:  # removed while we looked
            problems.append(f"{path}: {exc.strerror}")
            continue
        before = known.get(path)
        if before is not None and (before.size_bytes, before.mtime_ns) == (
            stat.st_size,
            stat.st_mtime_ns,
        ):
            files.append(before)
            continue
        try:
            digest = hash_file(Path(path))
        except OSError as exc:
            problems.append(f"{path}: {exc.strerror}")
            continue
        hashed += 1
        files.append(KnownFile(path, stat.st_size, stat.st_mtime_ns, digest))
    record_files(session, files, seen_at=at)
    session.commit()
    log.info("inventory: %d video files, %d hashed (new or changed)", len(files), hashed)
    return Inventory(files=files, hashed=hashed, problems=problems)
