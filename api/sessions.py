"""Login sessions as signed cookies: `<payload>.<HMAC-SHA256>`, no server-side state.

The payload names the user by id and carries the expiry; the key lives in
`$VAULTWATCH_HOME/keys/session.key` (made on first use, mode 0600), so sessions survive a
restart of the service and die with the key. Signing out ends every session of the user
issued before it (`users.signed_out_at`, checked on every request, like deactivation), so a
copied cookie dies with the sign-out too.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from pathlib import Path

from pipelines.private_files import create_private_file

COOKIE_NAME = "vaultwatch_session"
_KEY_BYTES = 32


@dataclass(frozen=True)
class SessionClaim:
    """Who, until when, and since when (a sign-out ends the sessions issued before it)."""

    user_id: int
    expires: float
    issued: float


def load_or_create_key(path: Path) -> bytes:
    """The signing key at `path`, made (random, 0600) if there is none yet."""
    try:
        key = path.read_bytes()
    except FileNotFoundError:
        key = secrets.token_bytes(_KEY_BYTES)
        # Exclusive: two services starting at once must not each write their own key.
        if not create_private_file(path, key):
            return path.read_bytes()
    if len(key) < _KEY_BYTES:
        raise ValueError(f"{path}: session key shorter than {_KEY_BYTES} bytes")
    return key


def issue(claim: SessionClaim, key: bytes) -> str:
    payload = _b64(json.dumps({"u": claim.user_id, "e": claim.expires, "i": claim.issued}).encode())
    return f"{payload}.{_sign(payload, key)}"


def read(token: str, key: bytes, *, now: float) -> SessionClaim | None:
    """The claim of a genuine, unexpired token; None for anything else."""
    # A genuine token is ASCII; anything else cannot be compared or decoded as one.
    if not token.isascii():
        return None
    payload, _, signature = token.partition(".")
    if not payload or not hmac.compare_digest(signature, _sign(payload, key)):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        claim = SessionClaim(
            user_id=int(data["u"]), expires=float(data["e"]), issued=float(data["i"])
        )
    except (ValueError, KeyError, TypeError):
        return None
    return claim if claim.expires > now else None


def _sign(payload: str, key: bytes) -> str:
    return _b64(hmac.new(key, payload.encode("ascii"), hashlib.sha256).digest())


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")
