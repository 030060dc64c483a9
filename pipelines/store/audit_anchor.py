"""Anchors of the audit chain kept outside the store: the chain's head (last record's place
and hash) sealed with the audit key, written into every daily report and evidence package and
appended to `$VAULTWATCH_HOME/audit/anchors.jsonl`.

Record seals (`audit_key`) stop a record being rewritten; an anchor also catches what seals
cannot: records cut from the end, or seals stripped from a whole rewritten chain. `verify_chain`
checks the stored chain against every anchor in the log.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.home import vaultwatch_home
from pipelines.private_files import PRIVATE_FILE, private_dir
from pipelines.store.audit_key import load_audit_key, seal, seal_matches
from pipelines.store.schema import AuditRow

ANCHORS_ENV = "VAULTWATCH_AUDIT_ANCHORS"


@dataclass(frozen=True)
class ChainAnchor:
    """The chain ended at record `seq` with `hash` when anchored `at` (ISO-8601 UTC); `mac`
    seals the three under the audit key."""

    seq: int
    hash: str
    at: str
    mac: str

    def sealed_text(self) -> str:
        return anchor_text(self.seq, self.hash, self.at)

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def anchor_text(seq: int, digest: str, at: str) -> str:
    return f"vaultwatch.audit.anchor:{seq}:{digest}:{at}"


def sign_head(session: Session, *, key: bytes | None = None) -> ChainAnchor | None:
    """The current head of the chain, sealed; None while the chain is empty."""
    last = session.execute(
        select(AuditRow.seq, AuditRow.hash).order_by(AuditRow.seq.desc()).limit(1)
    ).first()
    if last is None:
        return None
    at = datetime.now(UTC).isoformat(timespec="microseconds")
    mac = seal(key if key is not None else load_audit_key(), anchor_text(last.seq, last.hash, at))
    return ChainAnchor(seq=last.seq, hash=last.hash, at=at, mac=mac)


def anchors_path() -> Path:
    named = os.environ.get(ANCHORS_ENV, "")
    return Path(named) if named else vaultwatch_home() / "audit" / "anchors.jsonl"


def keep_anchor(anchor: ChainAnchor, path: Path | None = None) -> Path:
    """Append `anchor` to the anchor log (a private file, one JSON object a line)."""
    where = path if path is not None else anchors_path()
    private_dir(where.parent)
    descriptor = os.open(where, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_FILE)
    with os.fdopen(descriptor, "a", encoding="utf-8") as log:
        log.write(json.dumps(anchor.to_json(), sort_keys=True) + "\n")
    return where


def read_anchors(*, key: bytes, path: Path | None = None) -> tuple[list[ChainAnchor], list[str]]:
    """The log's anchors whose seal matches `key`, and a line for each one that does not
    (or cannot be read): a forged or foreign anchor is reported, never trusted."""
    where = path if path is not None else anchors_path()
    try:
        lines = where.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return [], []
    anchors: list[ChainAnchor] = []
    problems: list[str] = []
    for number, line in enumerate(lines, start=1):
        try:
            fields = json.loads(line)
            anchor = ChainAnchor(
                seq=int(fields["seq"]),
                hash=str(fields["hash"]),
                at=str(fields["at"]),
                mac=str(fields["mac"]),
            )
        except (ValueError, KeyError, TypeError):
            problems.append(f"{where}:{number}: not an anchor")
            continue
        if seal_matches(key, anchor.sealed_text(), anchor.mac):
            anchors.append(anchor)
        else:
            problems.append(f"{where}:{number}: seal does not match the audit key")
    return anchors, problems
