"""Limits on password guessing: failed sign-ins per user name and per client address within
a sliding window; past the limit, sign-ins from that name or address are refused (429 with
`Retry-After`) without the password being checked.

Two ledgers of failures: `MemoryLedger` (this process; the default, one service process) and
`StoreLedger`, which counts the `login.failed` records of the audit trail itself, so every
worker of a service sharing one store sees the same failures and nothing new is stored.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipelines.store.schema import AuditRow

LOGIN_FAILED = "login.failed"


class LedgerKind(StrEnum):
    MEMORY = "memory"
    STORE = "store"


@dataclass(frozen=True)
class ThrottlePolicy:
    """At most `per_user` failures of one user name and `per_address` from one client in
    any `window_s` seconds."""

    per_user: int = 5
    per_address: int = 20
    window_s: float = 900.0


class FailureLedger(Protocol):
    def failures(self, *, user: str | None, address: str | None, since: float) -> list[float]:
        """POSIX times of the failures since `since` of the user name (or the address)."""
        ...

    def note(self, *, user: str, address: str, at: float) -> None:
        """Remember a failure (the store ledger has it already, in the audit record)."""
        ...


def retry_after(times: Sequence[float], limit: int, window_s: float, now: float) -> float | None:
    """Seconds until fewer than `limit` of `times` lie in the window ending then; None when
    there are fewer already. Pure."""
    recent = sorted(t for t in times if t > now - window_s)
    if len(recent) < limit:
        return None
    # The window must slide past the failure that keeps the count at the limit.
    return max(recent[len(recent) - limit] + window_s - now, 1.0)


@dataclass
class SignInThrottle:
    policy: ThrottlePolicy
    ledger: FailureLedger

    def wait(self, *, user: str, address: str, now: float) -> float | None:
        """Seconds the caller must wait before trying `user` from `address`, or None."""
        since = now - self.policy.window_s
        waits = [
            retry_after(
                self.ledger.failures(user=user, address=None, since=since),
                self.policy.per_user,
                self.policy.window_s,
                now,
            ),
            retry_after(
                self.ledger.failures(user=None, address=address, since=since),
                self.policy.per_address,
                self.policy.window_s,
                now,
            ),
        ]
        found = [w for w in waits if w is not None]
        return max(found) if found else None

    def failed(self, *, user: str, address: str, now: float) -> None:
        self.ledger.note(user=user, address=address, at=now)


class MemoryLedger:
    """Failures kept in this process (lost on restart, not shared with other workers)."""

    def __init__(self, window_s: float) -> None:
        self._window_s = window_s
        self._lock = threading.Lock()
        self._by_key: dict[tuple[str, str], deque[float]] = {}

    def failures(self, *, user: str | None, address: str | None, since: float) -> list[float]:
        key = ("user", user) if user is not None else ("address", address or "")
        with self._lock:
            return [t for t in self._by_key.get(key, ()) if t >= since]

    def note(self, *, user: str, address: str, at: float) -> None:
        with self._lock:
            for key in (("user", user), ("address", address)):
                times = self._by_key.setdefault(key, deque())
                times.append(at)
                while times and times[0] < at - self._window_s:
                    times.popleft()


class StoreLedger:
    """Failures read from the audit trail (every failed sign-in is a `login.failed` record
    naming the user and the client), so all workers on one store agree."""

    def __init__(self, sessions: Callable[[], Session]) -> None:
        self._sessions = sessions

    def failures(self, *, user: str | None, address: str | None, since: float) -> list[float]:
        query = select(AuditRow.at).where(
            AuditRow.action == LOGIN_FAILED,
            AuditRow.at >= datetime.fromtimestamp(since, UTC) - timedelta(microseconds=1),
        )
        if user is not None:
            query = query.where(AuditRow.actor == user[:100])
        else:
            query = query.where(AuditRow.client == (address or "")[:200])
        with self._sessions() as session:
            return [moment.timestamp() for moment in session.scalars(query)]

    def note(self, *, user: str, address: str, at: float) -> None:
        """Nothing: the failure's audit record is the ledger."""
