"""`vaultwatch custody import|list` on both store backends: counts per lot, idempotent and
conflicting re-imports, bad forms refused with every problem listed and the store unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from pipelines.cli import main
from pipelines.cli.common import UsageError
from pipelines.cli.custody import import_custody
from pipelines.store import load_custody_events, open_store
from pipelines.store.schema import Base
from tests.pipelines.custody_forms.forms import (
    BAD_FORMS,
    GOOD_CSV,
    HEADER,
    SITE,
    SITE_YAML,
    ZONE,
    BadForm,
    good_rows,
    line,
    write_json,
    write_text,
    write_xlsx,
)

SHANGHAI = "Asia/Shanghai"


@pytest.fixture
def site_file(tmp_path: Path) -> Path:
    return write_text(tmp_path / "site.yaml", SITE_YAML)


def custody(*args: str | Path) -> int:
    return main(["custody", *map(str, args)])


def stored_rows(db_url: str) -> list[dict[str, object]]:
    engine = open_store(db_url)
    table = Base.metadata.tables["custody_events"]
    try:
        with engine.connect() as connection:
            query = sa.select(table).order_by(table.c.event_id)
            return [dict(row) for row in connection.execute(query).mappings()]
    finally:
        engine.dispose()


def test_import_prints_new_and_known_per_lot(tmp_path, site_file, db_url, capsys):
    form = write_text(tmp_path / "交接单.csv", GOOD_CSV, bom=True)
    assert custody("import", form, "--site", site_file, "--db", db_url) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"{form}: 7 events, 7 new, 0 already stored (sha256 ")
    assert out[1:3] == ["  no lot (duty): 1 new, 0 known", "  lot L2026-A: 6 new, 0 known"]
    # no video is stored: both legs of the lot are uncovered
    assert out[3] == "checked against the stored video: 2 custody findings, 2 new"

    assert custody("import", form, "--site", site_file, "--db", db_url) == 0
    out = capsys.readouterr().out.splitlines()
    assert f"{form}: 7 events, 0 new, 7 already stored" in out[0]
    assert out[1:3] == ["  no lot (duty): 0 new, 1 known", "  lot L2026-A: 0 new, 6 known"]
    assert out[3] == "checked against the stored video: 2 custody findings, 0 new"
    assert len(stored_rows(db_url)) == 7


def test_the_same_form_as_json_and_xlsx_is_known(tmp_path, site_file, db_url, capsys):
    assert (
        custody(
            "import", write_text(tmp_path / "f.csv", GOOD_CSV), "--tz", SHANGHAI, "--db", db_url
        )
        == 0
    )
    before = stored_rows(db_url)
    as_json = write_json(tmp_path / "f.json", good_rows(), wrapped=True)
    rows = [HEADER.split(","), *([r[c] or None for c in HEADER.split(",")] for r in good_rows())]
    as_xlsx = write_xlsx(tmp_path / "f.xlsx", rows)
    for form in (as_json, as_xlsx):
        assert custody("import", form, "--site", site_file, "--db", db_url) == 0
        assert "0 new, 7 already stored" in capsys.readouterr().out
    assert stored_rows(db_url) == before  # first file and row kept, nothing rewritten


def test_conflicting_reimport_is_refused_and_names_the_event(tmp_path, site_file, db_url, capsys):
    assert (
        custody(
            "import", write_text(tmp_path / "f.csv", GOOD_CSV), "--tz", SHANGHAI, "--db", db_url
        )
        == 0
    )
    before = stored_rows(db_url)
    changed = GOOD_CSV.replace("李四;陈七,,", "李四;陈七;王五,,")  # E005 gains a signer
    changed += line("E008", "2026-06-07T08:00:00+08:00", "open", "L2026-A", "exam-office", "")
    form = write_text(tmp_path / "corrected.csv", changed)
    capsys.readouterr()
    assert custody("import", form, "--site", site_file, "--db", db_url) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"vaultwatch: error: {form}: 1 event(s) already stored with other content; nothing "
        "imported (stored events are never changed: give a corrected event a new event_id)",
        "  event E005 is stored with other content: persons (stored '李四;陈七', now "
        f"'李四;陈七;王五'); stored from file sha256 {before[0]['source_sha256']!s:.12}, row 6",
    ]
    assert stored_rows(db_url) == before  # not even the new E008


@pytest.mark.parametrize("bad", BAD_FORMS, ids=lambda b: b.name)
def test_bad_form_exits_2_listing_every_problem_and_stores_nothing(
    tmp_path, site_file, db_url, capsys, bad: BadForm
):
    assert (
        custody(
            "import", write_text(tmp_path / "ok.csv", GOOD_CSV), "--tz", SHANGHAI, "--db", db_url
        )
        == 0
    )
    before = stored_rows(db_url)
    form = write_text(tmp_path / "bad.csv", bad.text)
    capsys.readouterr()
    assert custody("import", form, "--site", site_file, "--db", db_url) == 2
    captured = capsys.readouterr()
    count = len(bad.problems)
    assert captured.err.splitlines() == [
        f"vaultwatch: error: {form}: {count} problem{'s' if count > 1 else ''} in the custody "
        "form; nothing imported",
        *(f"  {problem}" for problem in bad.problems),
    ]
    assert captured.out == ""
    assert stored_rows(db_url) == before


def test_a_later_form_continues_from_the_stored_events(tmp_path, site_file, db_url, capsys):
    """The vault-out record departs a lot whose arrive is on the storage list imported first."""
    out_record = "\n".join(
        [
            HEADER,
            line("X1", "2026-06-07T10:00+08:00", "depart", "L2026-A", "exam-office", "12"),
            line("X2", "2026-06-07T10:20+08:00", "arrive", "L2026-A", "vault-1", "12"),
        ]
    )
    out_form = write_text(tmp_path / "out.csv", out_record)
    assert (
        custody(
            "import", write_text(tmp_path / "in.csv", GOOD_CSV), "--tz", SHANGHAI, "--db", db_url
        )
        == 0
    )
    assert custody("import", out_form, "--site", site_file, "--db", db_url) == 0
    captured = capsys.readouterr()
    assert "2 events, 2 new, 0 already stored" in captured.out
    assert captured.err == (
        "vaultwatch: note: row 2: depart of lot L2026-A from exam-office names no handheld "
        "recorder (device): the move will be reported as not covered by video\n"
    )


def test_a_form_starting_mid_trail_imports_with_one_note(tmp_path, site_file, db_url, capsys):
    """A transport form opens with the depart from the vault (the arrive is on paper): it is
    imported, and the unknown custody before it is said once, not refused."""
    transport = "\n".join(
        [
            HEADER,
            line("T1", "2026-06-07T10:00+08:00", "depart", "L2", "vault-1", "4", device="phone-1"),
            line("T2", "2026-06-07T10:20+08:00", "arrive", "L2", "exam-office", "4"),
            line("T3", "2026-06-07T10:25+08:00", "handover", "L2", "exam-office", "4"),
        ]
    )
    form = write_text(tmp_path / "transport.csv", transport)
    assert custody("import", form, "--site", site_file, "--db", db_url) == 0
    captured = capsys.readouterr()
    assert "3 events, 3 new, 0 already stored" in captured.out
    assert captured.err == (
        "vaultwatch: note: row 2: lot L2 starts with its depart in vault-1: where it was "
        "before is not on the forms and is not checked\n"
    )
    assert len(stored_rows(db_url)) == 3


def test_list_prints_events_in_time_order(tmp_path, db_url, capsys):
    assert (
        custody(
            "import", write_text(tmp_path / "f.csv", GOOD_CSV), "--tz", SHANGHAI, "--db", db_url
        )
        == 0
    )
    capsys.readouterr()
    assert custody("list", "--db", db_url, "--tz", "Asia/Shanghai") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "time\tevent_id\ttype\tlot\tlocation\tbundles\tpersons\tdevice\tnote"
    assert lines[1] == (
        "2026-06-06T16:00:00.000+08:00\tE001\tarrive\tL2026-A\tvault-1\t12\t张三;李四\t\t"
        "从印刷厂接收入库"
    )
    assert [row.split("\t")[1] for row in lines[1:]] == [f"E00{i}" for i in range(1, 8)]
    assert custody("list", "--lot", "L2026-A", "--db", db_url, "--tz", "UTC") == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 + 6
    assert lines[1].startswith("2026-06-06T08:00:00.000+00:00\tE001\t")


def test_import_custody_takes_an_engine_or_a_session(tmp_path, db_url):
    form = write_text(tmp_path / "f.csv", GOOD_CSV)
    engine = open_store(db_url)
    try:
        result = import_custody(engine, form, SITE, ZONE)
        assert (result.summary.new, len(result.events)) == (7, 7)
        with Session(engine) as session:
            again = import_custody(session, form, SITE, ZONE)
            assert (again.summary.new, again.summary.known) == (0, 7)
            assert load_custody_events(session) == sorted(result.events, key=lambda e: e.time)
        bad = write_text(tmp_path / "bad.csv", BAD_FORMS[-1].text)
        with pytest.raises(UsageError, match="4 problems in the custody form; nothing imported"):
            import_custody(engine, bad, SITE, ZONE)
    finally:
        engine.dispose()


def test_bad_options(tmp_path, capsys):
    form = write_text(tmp_path / "f.csv", GOOD_CSV)
    assert custody("import", form, "--tz", "Mars/Olympus") == 2
    assert "unknown time zone 'Mars/Olympus'" in capsys.readouterr().err
    assert custody("import", form, "--db", "mysql://nobody@localhost/x") == 2
    assert "cannot open the findings store" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        custody("export")
