"""Opening the store: migrating an empty database, re-opening, downgrading, and migrating a
store that already holds data."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.orm import Session

from pipelines.store import (
    alembic_config,
    current_revision,
    downgrade,
    load_count_timelines,
    load_findings,
    open_store,
    save_scan_results,
    upgrade,
)
from pipelines.store.schema import Base
from tests.pipelines.store.factories import make_finding, make_recording, make_timeline
from tests.pipelines.store.helpers import assert_same_timelines, count, table_rows

APP_TABLES = {
    "recordings",
    "recording_paths",
    "scans",
    "findings",
    "count_timelines",
    "custody_events",
    "exports",
    "users",
    "finding_reviews",
    "scan_jobs",
    "audit_records",
    "media_files",
    "recording_analyses",
    "nightly_runs",
    "labelled_frames",
}
SINCE_0002 = {
    "count_timelines",
    "custody_events",
    "exports",
    "users",
    "finding_reviews",
    "scan_jobs",
    "audit_records",
    "media_files",
    "recording_analyses",
    "nightly_runs",
    "labelled_frames",
}
TIMELINE_COUNTS = {"timelines_new", "timelines_known"}


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def table_names(engine: sa.Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names())


def test_empty_database_is_migrated_to_head(db_url: str) -> None:
    engine = open_store(db_url)
    try:
        assert table_names(engine) == APP_TABLES | {"alembic_version"}
        assert current_revision(engine) == head_revision() == "0009"
    finally:
        engine.dispose()


def test_reopening_is_idempotent_and_keeps_data(db_url: str) -> None:
    first = open_store(db_url)
    with Session(first) as session:
        save_scan_results(
            session,
            recordings=[make_recording()],
            findings=[make_finding()],
            analyzer_version="1.0",
            params={},
        )
    first.dispose()

    second = open_store(db_url)
    try:
        assert current_revision(second) == head_revision()
        with Session(second) as session:
            assert load_findings(session) == [make_finding()]
    finally:
        second.dispose()


def test_migrations_match_the_models(store: sa.Engine) -> None:
    with store.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_downgrade_to_base_and_back(store: sa.Engine) -> None:
    downgrade(store, "base")
    assert table_names(store) & APP_TABLES == set()
    assert current_revision(store) is None

    upgrade(store)
    assert table_names(store) >= APP_TABLES
    assert current_revision(store) == head_revision()


def scan_columns(engine: sa.Engine) -> set[str]:
    return {column["name"] for column in sa.inspect(engine).get_columns("scans")}


def test_0002_downgrades_to_0001_and_upgrades_over_stored_data(store: sa.Engine) -> None:
    recording, finding, timeline = make_recording(), make_finding(), make_timeline()
    with Session(store) as session:
        save_scan_results(
            session,
            recordings=[recording],
            findings=[finding],
            analyzer_version="1.0",
            params={},
            count_timelines=[timeline],
        )

    downgrade(store, "0001")
    assert current_revision(store) == "0001"
    assert table_names(store) == APP_TABLES - SINCE_0002 | {"alembic_version"}
    assert scan_columns(store) & TIMELINE_COUNTS == set()
    # Dropping the timelines (and, on SQLite, rebuilding `scans`) kept everything else.
    assert [count(store, name) for name in ("scans", "recordings", "findings")] == [1, 1, 1]

    upgrade(store, "0002")  # 0001 -> 0002 over a store that holds a scan saved without timelines
    assert current_revision(store) == "0002"
    assert scan_columns(store) >= TIMELINE_COUNTS
    [scan] = table_rows(store, "scans")
    assert (scan["timelines_new"], scan["timelines_known"]) == (0, 0)
    with Session(store) as session:
        assert load_findings(session) == [finding]
        assert load_count_timelines(session) == []
        summary = save_scan_results(
            session,
            recordings=[],
            findings=[finding],
            analyzer_version="1.0",
            params={},
            count_timelines=[timeline],
        )
        assert (summary.findings_known, summary.timelines_new) == (1, 1)
        assert_same_timelines(load_count_timelines(session), [timeline])


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_postgres_version_table_lives_in_the_test_schema(store: sa.Engine) -> None:
    with store.connect() as connection:
        schemas = connection.execute(
            sa.text(
                "SELECT table_schema FROM information_schema.tables"
                " WHERE table_name = 'alembic_version'"
                " AND table_schema = current_schema()"
            )
        ).scalars()
        assert list(schemas) != []
        assert connection.execute(sa.text("SELECT current_schema()")).scalar() != "public"


def test_sqlite_file_directory_is_created_and_foreign_keys_are_on(tmp_path: Path) -> None:
    db_file = tmp_path / "deep" / "er" / "vaultwatch.db"
    engine = open_store(f"sqlite:///{db_file}")
    try:
        assert db_file.is_file()
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()
