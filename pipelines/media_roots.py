"""The folders a service may read recordings from, and the one check every path passes.

A path is inside the media roots when its fully resolved form (symlinks followed, `..`
removed) lies under a root's resolved form. Resolving first is what stops `../` escapes and
symlinks planted inside a root that point out of it; comparing path components (not string
prefixes) stops `/media/vault` from admitting `/media/vault-other`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


class OutsideMediaRoots(PermissionError):
    """The path does not resolve to a place under any media root."""


def resolve_under_roots(path: str | Path, roots: Sequence[Path]) -> Path:
    """The resolved `path` if it exists under one of `roots`.

    A relative path is taken relative to each root in turn. `OutsideMediaRoots` for
    anything that resolves elsewhere (or when there are no roots), `FileNotFoundError`
    for a path under a root that does not exist. Text is never URL-decoded here: the web
    layer has decoded it once already, and decoding again is how `%2e%2e` escapes happen.
    """
    text = str(path)
    if not text or "\x00" in text:
        raise OutsideMediaRoots(f"{text!r} is not a path")
    given = Path(text)
    resolved_roots = [root.resolve() for root in roots]
    candidates = [given] if given.is_absolute() else [root / given for root in resolved_roots]
    for candidate in candidates:
        resolved = candidate.resolve()
        if any(_within(resolved, root) for root in resolved_roots):
            if not resolved.exists():
                raise FileNotFoundError(f"{text}: no such file or folder under the media roots")
            return resolved
    raise OutsideMediaRoots(f"{text}: not under the service's media roots")


def _within(path: Path, root: Path) -> bool:
    return path == root or root in path.parents
