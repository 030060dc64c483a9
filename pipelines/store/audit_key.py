"""The key that seals the audit trail, kept outside the database.

The chain's SHA-256 hashes show a record changed in place, but anyone who can write the
database can also recompute them. Each record is therefore sealed with an HMAC-SHA256 of its
hash under a key the database never holds: `$VAULTWATCH_HOME/keys/audit.key` (made on first
use, 0600), or the file `VAULTWATCH_AUDIT_KEY_FILE` names (one key shared by every machine
writing one store). A rewritten record cannot be sealed again without it.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from models.home import vaultwatch_home
from pipelines.private_files import create_private_file

AUDIT_KEY_ENV = "VAULTWATCH_AUDIT_KEY_FILE"
KEY_BYTES = 32


def audit_key_path() -> Path:
    named = os.environ.get(AUDIT_KEY_ENV, "")
    return Path(named) if named else vaultwatch_home() / "keys" / "audit.key"


def load_audit_key(path: Path | None = None) -> bytes:
    """The key at `path` (default `audit_key_path()`), made (random, 0600) if there is none.
    `ValueError` for a key file shorter than 32 bytes."""
    where = path if path is not None else audit_key_path()
    if not where.exists():
        create_private_file(where, secrets.token_bytes(KEY_BYTES))
    key = where.read_bytes()
    if len(key) < KEY_BYTES:
        raise ValueError(f"{where}: audit key shorter than {KEY_BYTES} bytes")
    return key


def seal(key: bytes, text: str) -> str:
    """HMAC-SHA256 (hex) of `text` under `key`."""
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def seal_matches(key: bytes, text: str, mac: str) -> bool:
    return hmac.compare_digest(seal(key, text), mac)
