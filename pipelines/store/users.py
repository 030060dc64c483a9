"""Users of the review service: roles, password hashes, the cameras each may see."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipelines.store.schema import UserRow


@dataclass(frozen=True)
class ScryptCost:
    """scrypt's work factors (RFC 7914): CPU/memory cost `n`, block size `r`, parallelism
    `p`; a check takes 128 * n * r bytes."""

    n: int
    r: int
    p: int

    def below(self, other: ScryptCost) -> bool:
        return self.n * self.r * self.p < other.n * other.r * other.p


# scrypt from the standard library: memory-hard, no extra dependency. N=2^17, r=8, p=1 is the
# OWASP Password Storage Cheat Sheet's minimum (128 MiB, ~0.6 s a check here). Hashes made
# with a lower cost (2^14 before this release) still verify and are made anew at the user's
# next sign-in.
OWASP_MINIMUM = ScryptCost(n=2**17, r=8, p=1)
# What new hashes are made with; the test suite lowers it to stay fast.
current_cost = OWASP_MINIMUM
_MAX_MEMORY = 256 * 1024 * 1024
_USERNAME = re.compile(r"[A-Za-z0-9_.@-]{1,100}")
MIN_PASSWORD_LENGTH = 8


class Role(StrEnum):
    """What a user may do: read (auditor), review findings (inspector), administer (admin).
    Each role may do everything the roles before it may."""

    AUDITOR = "auditor"
    INSPECTOR = "inspector"
    ADMIN = "admin"

    def at_least(self, other: Role) -> bool:
        return _RANK[self] >= _RANK[other]


_RANK = {Role.AUDITOR: 0, Role.INSPECTOR: 1, Role.ADMIN: 2}


class UserError(ValueError):
    """A user cannot be added as asked (bad name, short password, name taken)."""


@dataclass(frozen=True)
class User:
    """A stored user; `cameras` empty means every camera."""

    id: int
    username: str
    role: Role
    cameras: tuple[str, ...]
    active: bool
    created_at: datetime
    created_by: str
    has_password: bool
    # Sessions issued before this moment are over.
    signed_out_at: datetime | None = None

    def may_see(self, cameras: tuple[str, ...]) -> bool:
        """Whether the user may see what `cameras` show: one camera's recording or finding, or
        a room's finding over all its cameras (seen by any one of them is enough; none named,
        only by a user of every camera)."""
        return not self.cameras or not set(self.cameras).isdisjoint(cameras)


def hash_password(password: str, cost: ScryptCost | None = None) -> str:
    """A self-describing scrypt hash: `scrypt$N$r$p$salt$digest` (base64), made with `cost`
    (default `current_cost`)."""
    cost = cost if cost is not None else current_cost
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, cost.n, cost.r, cost.p)
    return "$".join(["scrypt", str(cost.n), str(cost.r), str(cost.p), _b64(salt), _b64(digest)])


def hash_cost(stored: str) -> ScryptCost | None:
    """The cost a stored hash was made with; None for one that is not a scrypt hash."""
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        return None
    try:
        return ScryptCost(n=int(parts[1]), r=int(parts[2]), p=int(parts[3]))
    except ValueError:
        return None


def password_matches(password: str, stored: str) -> bool:
    """Whether `password` hashes to `stored` (constant-time comparison)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        computed = _scrypt(password, _unb64(salt), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(computed, _unb64(digest))


def add_user(
    session: Session,
    *,
    username: str,
    role: Role,
    password: str | None,
    created_by: str,
    created_at: datetime,
    cameras: Sequence[str] = (),
) -> User:
    """Store a new user; `password` None for a user the reverse proxy authenticates.
    `UserError` for a bad name, a short password or a name taken. Does not commit."""
    if not _USERNAME.fullmatch(username):
        raise UserError(f"user name {username!r}: use 1-100 letters, digits and _ . @ - only")
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"password too short: at least {MIN_PASSWORD_LENGTH} characters")
    if session.scalar(select(UserRow.id).where(UserRow.username == username)) is not None:
        raise UserError(f"user {username!r} exists already")
    row = UserRow(
        username=username,
        role=role.value,
        password_hash=None if password is None else hash_password(password),
        cameras=sorted(set(cameras)),
        active=True,
        created_at=created_at,
        created_by=created_by,
    )
    session.add(row)
    session.flush()
    return user_from_row(row)


def get_user(session: Session, *, username: str) -> User | None:
    row = session.scalar(select(UserRow).where(UserRow.username == username))
    return None if row is None else user_from_row(row)


def get_user_by_id(session: Session, *, user_id: int) -> User | None:
    row = session.get(UserRow, user_id)
    return None if row is None else user_from_row(row)


def authenticate(session: Session, *, username: str, password: str) -> User | None:
    """The active user whose password this is, or None (unknown, inactive, wrong password).

    An unknown name costs the same hash as a known one, so timing does not tell names apart.
    A hash made at less than `current_cost` is replaced (flushed, not committed).
    """
    row = session.scalar(select(UserRow).where(UserRow.username == username))
    stored = row.password_hash if row is not None else None
    if stored is None:
        password_matches(password, _dummy_hash())
        return None
    if not password_matches(password, stored) or row is None or not row.active:
        return None
    made_with = hash_cost(stored)
    if made_with is None or made_with.below(current_cost):
        # The password is at hand only now: hash it anew at today's cost (the caller
        # commits with the sign-in).
        row.password_hash = hash_password(password)
        session.flush()
    return user_from_row(row)


def sign_out(session: Session, *, user_id: int, at: datetime) -> None:
    """End every session of the user issued before `at`. Does not commit."""
    row = session.get(UserRow, user_id)
    if row is not None:
        row.signed_out_at = at
        session.flush()


def list_users(session: Session) -> list[User]:
    return [user_from_row(r) for r in session.scalars(select(UserRow).order_by(UserRow.id))]


def user_from_row(row: UserRow) -> User:
    return User(
        id=row.id,
        username=row.username,
        role=Role(row.role),
        cameras=tuple(row.cameras),
        active=row.active,
        created_at=row.created_at,
        created_by=row.created_by,
        has_password=row.password_hash is not None,
        signed_out_at=row.signed_out_at,
    )


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=_MAX_MEMORY, dklen=32
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


@functools.cache
def _dummy_hash() -> str:
    # Made on first need, not at import: every command imports this module, and a hash at
    # the OWASP cost takes 0.6 s and 128 MiB.
    return hash_password(secrets.token_hex(16))
