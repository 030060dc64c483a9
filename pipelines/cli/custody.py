"""`vaultwatch custody import|list`: handover forms into the store, and back out."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from analyzer import ANALYZER_VERSION
from analyzer.custody import CustodyEvent
from analyzer.wallclock import iso
from pipelines.cli.common import (
    UsageError,
    add_db_option,
    add_site_options,
    open_engine,
    site_and_zone,
)
from pipelines.conclude import conclude
from pipelines.custody_forms import (
    COLUMNS,
    CustodyFileError,
    CustodyForm,
    read_custody_form,
)
from pipelines.site import Site
from pipelines.store import (
    CustodyConflictError,
    CustodySummary,
    load_custody_events,
    save_custody_events,
    save_scan_results,
)
from pipelines.store.urls import vaultwatch_home

_WHITESPACE = re.compile(r"\s+")


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "custody",
        help="import and list custody events (handover forms)",
        description="Custody events are the signed lines of handover forms: papers arriving "
        "in and departing from rooms, handovers, vault openings, duty shifts. The rules check "
        "the video against them.",
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    imports = actions.add_parser(
        "import",
        help="check a handover form and store its events",
        description=f"Read a form (CSV in UTF-8, JSON or XLSX; columns {','.join(COLUMNS)}), "
        "check every line, and store its events. A form with any problem is refused whole, "
        "listing every problem by row. Importing a form again stores nothing new; an event "
        "whose id is stored with other content is refused (stored events are never changed).",
    )
    imports.add_argument("path", type=Path, metavar="FILE", help="the form (.csv, .json, .xlsx)")
    add_site_options(imports)
    add_db_option(imports)
    imports.set_defaults(run=run_import)

    listing = actions.add_parser("list", help="stored custody events in time order")
    listing.add_argument("--lot", metavar="LOT", help="only this lot's events")
    add_site_options(listing)
    add_db_option(listing)
    listing.set_defaults(run=run_list)


@dataclass(frozen=True, slots=True)
class CustodyImport:
    """One imported form: its checked events (file order) and notes, and what was new."""

    form: CustodyForm
    summary: CustodySummary

    @property
    def events(self) -> list[CustodyEvent]:
        return self.form.events


def read_custody(
    path: Path,
    *,
    site: Site | None,
    zone: tzinfo,
    history: Sequence[CustodyEvent] = (),
) -> CustodyForm:
    """Read and check a form (see `read_custody_form`; `history`, the stored events, lets a
    form continue a lot's custody from earlier forms); a form with problems is a usage error
    whose message lists every problem, one a line."""
    try:
        return read_custody_form(path, site=site, zone=zone, history=history)
    except CustodyFileError as exc:
        raise UsageError(
            _lines(f"{exc.summary}; nothing imported", [str(p) for p in exc.problems])
        ) from exc


def report_notes(form: CustodyForm) -> None:
    """The form's notes on standard error, one a line."""
    for note in form.notes:
        sys.stderr.write(f"vaultwatch: note: {note}\n")


def store_custody(session: Session, form: CustodyForm) -> CustodySummary:
    """Store a checked form's events and commit (see `save_custody_events`); events stored
    with other content are a usage error naming each of them, and nothing is stored."""
    try:
        return save_custody_events(session, events=form.events, source_sha256=form.sha256)
    except CustodyConflictError as exc:
        raise custody_conflict(form, exc) from exc


def custody_conflict(form: CustodyForm, exc: CustodyConflictError) -> UsageError:
    """The usage error for a form whose events are stored with other content."""
    return UsageError(
        _lines(
            f"{form.path}: {len(exc.conflicts)} event(s) already stored with other "
            "content; nothing imported (stored events are never changed: give a "
            "corrected event a new event_id)",
            [str(conflict) for conflict in exc.conflicts],
        )
    )


def import_custody(
    engine_or_session: Engine | Session, path: Path, site: Site | None, zone: tzinfo
) -> CustodyImport:
    """Read, check and store the form at `path`, on the given session (committed) or a
    session of the given engine: `read_custody` with the stored events as history, then
    `store_custody`.

    Raises `UsageError` listing the form's problems, or the events stored with other content;
    either way nothing is stored.
    """
    if isinstance(engine_or_session, Session):
        return _import(engine_or_session, path, site, zone)
    with Session(engine_or_session) as session:
        return _import(session, path, site, zone)


def _import(session: Session, path: Path, site: Site | None, zone: tzinfo) -> CustodyImport:
    form = read_custody(path, site=site, zone=zone, history=load_custody_events(session))
    return CustodyImport(form=form, summary=store_custody(session, form))


def run_import(args: argparse.Namespace) -> int:
    site, zone = site_and_zone(args)
    engine = open_engine(args.db)
    try:
        with Session(engine) as session:
            result = import_custody(session, args.path, site, zone)
            # Video already scanned is checked against the new events right away.
            rule_findings = conclude(
                session,
                site=site,
                zone=zone,
                recordings=[],
                findings=[],
                frames_dir=vaultwatch_home() / "frames",
            )
            checked = save_scan_results(
                session,
                recordings=[],
                findings=rule_findings,
                analyzer_version=ANALYZER_VERSION,
                params={"command": "custody import", "path": str(args.path)},
            )
    finally:
        engine.dispose()
    report_notes(result.form)
    summary = result.summary
    sys.stdout.write(
        f"{args.path}: {len(result.events)} events, {summary.new} new, {summary.known} "
        f"already stored (sha256 {result.form.sha256})\n"
        + "".join(
            f"  {f'lot {lot}' if lot else 'no lot (duty)'}: {counts.new} new, "
            f"{counts.known} known\n"
            for lot, counts in summary.lots.items()
        )
        + f"checked against the stored video: {len(rule_findings)} custody findings, "
        f"{checked.findings_new} new\n"
    )
    return 0


def run_list(args: argparse.Namespace) -> int:
    _site, zone = site_and_zone(args)
    engine = open_engine(args.db)
    try:
        with Session(engine) as session:
            events = load_custody_events(session, lot=args.lot)
    finally:
        engine.dispose()
    lines = ["\t".join(("time", *(c for c in COLUMNS if c != "time")))]
    lines += [_line(event, zone) for event in events]
    sys.stdout.write("".join(f"{line}\n" for line in lines))
    return 0


def _line(event: CustodyEvent, zone: tzinfo) -> str:
    cells = (
        iso(event.time, zone),
        event.event_id,
        event.type.value,
        event.lot,
        event.location,
        "" if event.bundles is None else str(event.bundles),
        ";".join(event.persons),
        event.device or "",
        event.note,
    )
    # One event a line, whatever the note holds.
    return "\t".join(_WHITESPACE.sub(" ", cell) for cell in cells)


def _lines(summary: str, problems: list[str]) -> str:
    """A summary line, then one indented line a problem (`main` prefixes the first)."""
    return "\n".join([summary, *(f"  {problem}" for problem in problems)])
