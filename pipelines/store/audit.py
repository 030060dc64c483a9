"""The audit trail: append-only, hash-chained records of who saw, downloaded or changed what.

Each record's hash is the SHA-256 of its canonical content (JSON, sorted keys, times as
ISO-8601 UTC to the microsecond) together with the previous record's hash; the first record
chains to 64 zeros. `verify_chain` recomputes every hash in order, so a record changed,
removed or slipped in between (even by someone with database access who disabled the
append-only triggers) is found, with the first broken place named.

Hashes alone can be recomputed by whoever rewrites the records, so each record is also sealed
(`mac`, HMAC-SHA256 of its hash under the audit key kept outside the database,
`pipelines.store.audit_key`): a rewritten record's seal no longer matches, and records after
the first sealed one must all be sealed. Records from before sealing began are covered by the
first seal through the chain. A cut at the very end, or a rewrite that strips every seal, is
caught by the anchors of the head kept outside the store (`pipelines.store.audit_anchor`).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, and_, func, or_, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pipelines.store.audit_anchor import ChainAnchor, read_anchors
from pipelines.store.audit_key import load_audit_key, seal, seal_matches
from pipelines.store.finding_query import on_cameras
from pipelines.store.schema import AuditRow, FindingRow, RecordingRow

T = TypeVar("T")
GENESIS = "0" * 64
# PostgreSQL: appends take a transaction-scoped advisory lock, so concurrent writers queue
# instead of colliding on `seq`. SQLite writers are serialized by the database itself.
_APPEND_LOCK_KEY = int.from_bytes(hashlib.sha256(b"vaultwatch.audit").digest()[:8], "big") >> 1
_PAGE = 1000


@dataclass(frozen=True)
class AuditEntry:
    """What to record: who (name and role), what (action on an object), from where."""

    actor: str
    role: str
    action: str
    object_type: str
    object_id: str
    client: str
    detail: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AuditScope:
    """The part of the trail a user limited to `cameras` may read: records about findings
    and recordings of those cameras, and the records of their own doings (`actor`, their
    sign-ins and failed attempts included). Sign-ins of others, scan jobs, exports, user
    changes and chain checks are outside it."""

    cameras: tuple[str, ...]
    actor: str


@dataclass(frozen=True)
class AuditRecord:
    """A stored record: the entry, its place in the chain, its time and hashes."""

    seq: int
    at: datetime
    entry: AuditEntry
    prev_hash: str
    hash: str
    mac: str | None = None


@dataclass(frozen=True)
class ChainReport:
    """The outcome of `verify_chain`: records checked, the last hash, and the first break;
    how many records carry a seal, how many anchors from outside the store were compared,
    and notes on anchors that could not be trusted."""

    records: int
    head: str
    broken_at: int | None = None
    problem: str | None = None
    sealed: int = 0
    anchors: int = 0
    notes: tuple[str, ...] = ()

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def record_hash(seq: int, at: datetime, entry: AuditEntry, prev_hash: str) -> str:
    """The SHA-256 (hex) that chains a record to `prev_hash`."""
    content = {
        "seq": seq,
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": entry.actor,
        "role": entry.role,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "client": entry.client,
        "detail": dict(entry.detail),
        "prev_hash": prev_hash,
    }
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def append_audit(
    session: Session, entry: AuditEntry, *, at: datetime | None = None, key: bytes | None = None
) -> AuditRecord:
    """Add `entry` at the end of the chain, in the caller's transaction (so the audited change
    and its record commit together or not at all). Does not commit.

    A concurrent writer that took the same place makes the commit fail with an
    `IntegrityError`; the caller's unit of work is then retried whole (`run_audited`).
    """
    # JSON round trip: what is hashed is exactly what the database gives back later.
    entry = AuditEntry(**{**entry.__dict__, "detail": json.loads(json.dumps(dict(entry.detail)))})
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _APPEND_LOCK_KEY})
    last = session.execute(
        select(AuditRow.seq, AuditRow.hash).order_by(AuditRow.seq.desc()).limit(1)
    ).first()
    seq, prev_hash = (1, GENESIS) if last is None else (last.seq + 1, last.hash)
    # Microseconds are all the database keeps; hash what will be read back.
    moment = (at or datetime.now(UTC)).astimezone(UTC)
    digest = record_hash(seq, moment, entry, prev_hash)
    mac = seal(key if key is not None else load_audit_key(), record_seal_text(digest))
    session.add(
        AuditRow(
            seq=seq,
            at=moment,
            actor=entry.actor,
            role=entry.role,
            action=entry.action,
            object_type=entry.object_type,
            object_id=entry.object_id,
            detail=dict(entry.detail),
            client=entry.client,
            prev_hash=prev_hash,
            hash=digest,
            mac=mac,
        )
    )
    session.flush()
    return AuditRecord(seq=seq, at=moment, entry=entry, prev_hash=prev_hash, hash=digest, mac=mac)


def record_seal_text(digest: str) -> str:
    return f"vaultwatch.audit.record:{digest}"


def run_audited(
    session_factory: Callable[[], Session], work: Callable[[Session], T], *, attempts: int = 5
) -> T:
    """Run `work(session)` in a new session and commit; retry the whole unit when a
    concurrent audit append took the same place in the chain."""
    for attempt in range(attempts):
        with session_factory() as session:
            try:
                result = work(session)
                session.commit()
                return result
            except IntegrityError as exc:
                session.rollback()
                if "audit_records" not in str(exc) or attempt == attempts - 1:
                    raise
        time.sleep(0.01 * (attempt + 1))
    raise AssertionError("unreachable")


def load_audit(
    session: Session,
    *,
    object_type: str | None = None,
    object_id: str | None = None,
    actor: str | None = None,
    offset: int = 0,
    limit: int | None = None,
    newest_first: bool = False,
    scope: AuditScope | None = None,
) -> list[AuditRecord]:
    """Stored records matching the filters (and within `scope`, None: all), in chain order
    (or newest first)."""
    query = (
        select(AuditRow)
        .where(*_matching(object_type, object_id, actor, scope))
        .order_by(AuditRow.seq.desc() if newest_first else AuditRow.seq)
        .offset(offset)
    )
    if limit is not None:
        query = query.limit(limit)
    return [audit_from_row(row) for row in session.scalars(query)]


def load_audit_touching(
    session: Session, objects: Collection[tuple[str, str]]
) -> list[AuditRecord]:
    """Records about any of `objects` ((object_type, object_id) pairs), in chain order."""
    ids = sorted({object_id for _, object_id in objects})
    wanted = set(objects)
    found: dict[int, AuditRecord] = {}
    # IN lists in chunks: every backend caps the bound parameters of one statement.
    for first in range(0, len(ids), 500):
        query = select(AuditRow).where(AuditRow.object_id.in_(ids[first : first + 500]))
        for row in session.scalars(query):
            if (row.object_type, row.object_id) in wanted:
                found[row.seq] = audit_from_row(row)
    return [found[seq] for seq in sorted(found)]


def latest_audit_at(
    session: Session, *, actor: str, action: str, object_type: str, object_id: str
) -> datetime | None:
    """When `actor` last had a record of `action` on the object, or None."""
    query = select(func.max(AuditRow.at)).where(
        AuditRow.actor == actor,
        AuditRow.action == action,
        AuditRow.object_type == object_type,
        AuditRow.object_id == object_id,
    )
    latest: datetime | None = session.scalar(query)
    return latest


def count_audit(
    session: Session,
    *,
    object_type: str | None = None,
    object_id: str | None = None,
    actor: str | None = None,
    scope: AuditScope | None = None,
) -> int:
    query = (
        select(func.count())
        .select_from(AuditRow)
        .where(*_matching(object_type, object_id, actor, scope))
    )
    return int(session.scalar(query) or 0)


def _matching(
    object_type: str | None, object_id: str | None, actor: str | None, scope: AuditScope | None
) -> list[ColumnElement[bool]]:
    """The conditions `load_audit` and `count_audit` filter by (None: not filtered)."""
    conditions = [] if scope is None else [_within_scope(scope)]
    for column, wanted in (
        (AuditRow.object_type, object_type),
        (AuditRow.object_id, object_id),
        (AuditRow.actor, actor),
    ):
        if wanted is not None:
            conditions.append(column == wanted)
    return conditions


def _within_scope(scope: AuditScope) -> ColumnElement[bool]:
    findings = select(FindingRow.id).where(on_cameras(scope.cameras))
    recordings = select(RecordingRow.sha256).where(RecordingRow.camera.in_(scope.cameras))
    return or_(
        AuditRow.actor == scope.actor,
        and_(AuditRow.object_type == "finding", AuditRow.object_id.in_(findings)),
        and_(AuditRow.object_type == "recording", AuditRow.object_id.in_(recordings)),
    )


def verify_chain(
    session: Session, *, key: bytes | None = None, anchors: Sequence[ChainAnchor] | None = None
) -> ChainReport:
    """Recompute the whole chain in order and check every seal with `key` (default: the
    audit key) and the chain against `anchors` (default: the anchor log's, those whose seal
    matches); the first record out of place breaks it."""
    key = key if key is not None else load_audit_key()
    notes: tuple[str, ...] = ()
    if anchors is None:
        found, problems = read_anchors(key=key)
        anchors, notes = found, tuple(problems)
    anchored = {a.seq: a for a in anchors}
    expected_prev = GENESIS
    checked = sealed = 0
    for row in _all_rows(session):
        record = audit_from_row(row)
        problem = _break(record, checked + 1, expected_prev) or _seal_break(
            record, key, sealed_before=sealed > 0, anchor=anchored.get(record.seq)
        )
        if problem is not None:
            return ChainReport(
                records=checked,
                head=expected_prev,
                broken_at=record.seq,
                problem=problem,
                sealed=sealed,
                anchors=len(anchors),
                notes=notes,
            )
        expected_prev = record.hash
        checked += 1
        sealed += record.mac is not None
    beyond = [a for a in anchors if a.seq > checked]
    if beyond:
        last = max(beyond, key=lambda a: a.seq)
        return ChainReport(
            records=checked,
            head=expected_prev,
            broken_at=checked + 1,
            problem=f"the chain ends at record {checked}, but record {last.seq} was anchored "
            f"outside the store at {last.at}: records were removed",
            sealed=sealed,
            anchors=len(anchors),
            notes=notes,
        )
    return ChainReport(
        records=checked, head=expected_prev, sealed=sealed, anchors=len(anchors), notes=notes
    )


def _seal_break(
    record: AuditRecord, key: bytes, *, sealed_before: bool, anchor: ChainAnchor | None
) -> str | None:
    if anchor is not None and anchor.hash != record.hash:
        return (
            f"record {record.seq} differs from the head anchored outside the store at "
            f"{anchor.at}: the chain was rewritten"
        )
    if record.mac is None:
        if sealed_before:
            return f"record {record.seq} has no seal though records before it have"
        return None
    if not seal_matches(key, record_seal_text(record.hash), record.mac):
        return (
            f"record {record.seq}'s seal does not match the audit key: it was rewritten in "
            "the database (or sealed with another key)"
        )
    return None


def _break(record: AuditRecord, expected_seq: int, expected_prev: str) -> str | None:
    if record.seq != expected_seq:
        return f"record {expected_seq} is missing (next stored is {record.seq})"
    if record.prev_hash != expected_prev:
        return f"record {record.seq} does not chain to record {record.seq - 1}"
    if record_hash(record.seq, record.at, record.entry, record.prev_hash) != record.hash:
        return f"record {record.seq} was altered after it was written"
    return None


def _all_rows(session: Session) -> Iterator[AuditRow]:
    after = 0
    while True:
        rows = list(
            session.scalars(
                select(AuditRow).where(AuditRow.seq > after).order_by(AuditRow.seq).limit(_PAGE)
            )
        )
        yield from rows
        if len(rows) < _PAGE:
            return
        after = rows[-1].seq


def audit_from_row(row: AuditRow) -> AuditRecord:
    return AuditRecord(
        seq=row.seq,
        at=row.at,
        entry=AuditEntry(
            actor=row.actor,
            role=row.role,
            action=row.action,
            object_type=row.object_type,
            object_id=row.object_id,
            client=row.client,
            detail=row.detail,
        ),
        prev_hash=row.prev_hash,
        hash=row.hash,
        mac=row.mac,
    )
