"""`vaultwatch report --lot LOT`: the custody report of one lot of papers."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from analyzer import ANALYZER_VERSION
from pipelines.cli.common import (
    UsageError,
    add_db_option,
    add_site_options,
    open_engine,
    site_and_zone,
)
from pipelines.report import ReportError, lot_report, render_html, report_document
from pipelines.store import load_findings, load_recordings
from pipelines.store.custody import load_custody_events


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "report",
        help="custody report of a lot: legs, covering video, findings",
        description="The lot's custody legs in time order, the recordings that cover each and "
        "the findings on each, with their frames; HTML to print or JSON.",
    )
    parser.add_argument("--lot", required=True, help="lot id as on the handover forms")
    parser.add_argument("--format", choices=["html", "json"], default="html")
    parser.add_argument("--out", type=Path, metavar="FILE", help="write here (default: stdout)")
    add_site_options(parser)
    add_db_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    site, zone = site_and_zone(args)
    engine = open_engine(args.db)
    try:
        with Session(engine) as session:
            report = lot_report(
                args.lot,
                site=site,
                events=load_custody_events(session),
                recordings=load_recordings(session),
                findings=load_findings(session, analyzer_version=ANALYZER_VERSION),
            )
    except ReportError as exc:
        raise UsageError(str(exc)) from exc
    finally:
        engine.dispose()
    if args.format == "json":
        text = json.dumps(report_document(report, zone), ensure_ascii=False, indent=2) + "\n"
    else:
        text = render_html(report, zone)
    if args.out is None:
        sys.stdout.write(text)
    else:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        partial = args.out.with_name(args.out.name + ".part")
        partial.write_text(text, encoding="utf-8")
        partial.replace(args.out)
    return 0
