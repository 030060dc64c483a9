"""Evidence packages and the audit trail: the package carries the audit records touching its
findings and recordings (each with its hash), and writing a package is itself recorded."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from pipelines.cli import main
from pipelines.store import load_findings, load_recordings, open_store
from pipelines.store.audit import AuditEntry, append_audit, load_audit, record_hash, verify_chain
from pipelines.store.exports import load_exports
from tests.pipelines.evidence.conftest import export

pytestmark = pytest.mark.video


def test_the_package_holds_the_audit_records_of_its_items(
    sample_store: str, tmp_path: Path
) -> None:
    engine = open_store(sample_store)
    with Session(engine) as session:
        finding = load_findings(session)[0]
        recording = load_recordings(session)[0]
        touching = [
            AuditEntry("li", "inspector", "clip.view", "finding", finding.id, "10.1.1.5"),
            AuditEntry("li", "inspector", "finding.review", "finding", finding.id, "10.1.1.5",
                       {"from": "open", "to": "confirmed", "comment": "确认"}),
            AuditEntry("wang", "auditor", "recording.download", "recording", recording.sha256,
                       "10.1.1.9"),
        ]  # fmt: skip
        unrelated = AuditEntry("li", "inspector", "clip.view", "finding", "other", "10.1.1.5")
        for entry in (touching[0], unrelated, *touching[1:]):
            append_audit(session, entry)
        session.commit()
    out = tmp_path / "case"
    assert export(sample_store, out) == 0
    assert main(["verify", str(out)]) == 0

    document = json.loads((out / "audit" / "records.json").read_text(encoding="utf-8"))
    records = document["records"]
    assert [(r["actor"], r["action"], r["object_id"]) for r in records] == [
        (e.actor, e.action, e.object_id) for e in touching
    ]
    # Each record's hash can be recomputed from the package alone.
    for r in records:
        entry = AuditEntry(r["actor"], r["role"], r["action"], r["object_type"], r["object_id"],
                           r["client"], r["detail"])  # fmt: skip
        assert (
            record_hash(r["seq"], datetime.fromisoformat(r["at"]), entry, r["prev_hash"])
            == (r["hash"])
        )
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert "audit/records.json" in [f["path"] for f in manifest["files"]]
    assert "finding.review" in (out / "report.html").read_text(encoding="utf-8")

    with Session(engine) as session:
        [made] = [r for r in load_exports(session) if r.out_path == str(out.resolve())]
        trail = load_audit(session, object_type="export")
        assert verify_chain(session).intact
    engine.dispose()
    export_record = trail[-1]
    assert export_record.entry.action == "export.create"
    assert export_record.entry.detail["manifest_sha256"] == made.manifest_sha256
    assert export_record.entry.detail["case"] == "LEAK-2026-07"
    assert export_record.entry.detail["audit_records_included"] == 3
    assert export_record.entry.actor == made.created_by


def test_a_failed_export_leaves_no_audit_record(sample_store: str, tmp_path: Path) -> None:
    engine = open_store(sample_store)
    with Session(engine) as session:
        before = len(load_audit(session, object_type="export"))
    out = tmp_path / "taken"
    out.mkdir()
    (out / "something").write_text("in the way")
    assert export(sample_store, out) == 2
    with Session(engine) as session:
        assert len(load_audit(session, object_type="export")) == before
    engine.dispose()
