"""Each daily report carries the audit chain's head, sealed with the audit key, and the
anchor log outside the store gets the same anchor: a later rewrite of the trail in the
database no longer matches what the reports say."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy.orm import Session

from pipelines.daily_report import write_daily_reports
from pipelines.store import open_store
from pipelines.store.audit import AuditEntry, append_audit
from pipelines.store.audit_anchor import anchors_path
from tests.pipelines.daily_report.helpers import DAY1, SITE, ZONE


def test_a_daily_report_anchors_the_audit_chain(tmp_path: Path) -> None:
    engine = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    with Session(engine) as session:
        for n in range(3):
            append_audit(
                session,
                AuditEntry("inspector", "inspector", "clip.view", "finding", f"f{n}", "10.0.0.7"),
            )
        session.commit()
    written = write_daily_reports(engine, SITE, ZONE, DAY1, tmp_path / "out", site_name="s")
    engine.dispose()
    logged = [json.loads(line) for line in anchors_path().read_text().splitlines()]
    assert [a["seq"] for a in logged] == [3]
    page = next(p for p in written if p.suffix == ".html" and "daily" in p.name).read_text()
    assert "审计链锚点" in page
    assert logged[0]["hash"] in page and logged[0]["mac"] in page
