"""`vaultwatch daily-report`: the day reports and the playback-check form (V12) of a site."""

from __future__ import annotations

import argparse
import re
import sys
from datetime import date
from pathlib import Path
from typing import Any

from pipelines.cli.common import (
    UsageError,
    add_db_option,
    add_site_options,
    open_engine,
    site_and_zone,
)
from pipelines.daily_report import MissingFontError, write_daily_reports
from pipelines.daily_report.files import safe_name
from pipelines.daily_report.periods import MAX_DAYS

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")

DESCRIPTION = f"""\
For each day of the site's calendar (midnight to midnight in the site's zone), the day
report: findings by rule and severity, each camera's coverage as a timeline, lots in custody,
the findings and their frames. For the whole period, the playback-check form (V12): one row
per vault room and 6-hour block, saying whether the scan analysed the whole block or a person
played back its footage (who, when), and its findings, with signature lines.

Files written into --out (SITE is the site file's name without .yaml):
  daily-SITE-DAY.html, daily-SITE-DAY.pdf        per day
  playback-SITE-DAY.html, playback-SITE-DAY.pdf  the form (one day)
  playback-SITE-FIRST_LAST.html / .pdf           the form (--days 2 or more)
HTML pages are self-contained (frames embedded); the PDFs are in Chinese and need the font
of Debian's fonts-wqy-zenhei. Without it the HTML is written and the command exits 1.
Exit 0 when everything was written; 2 for bad usage or input (a bad day, no site file).
Periods of 1 to {MAX_DAYS} days."""


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "daily-report",
        help="daily report and 6-hour playback-check form (V12) of a site",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--day", required=True, metavar="YYYY-MM-DD", help="first day")
    parser.add_argument(
        "--days", type=int, default=1, metavar="N", help="number of days (default 1)"
    )
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="output folder")
    add_site_options(parser)
    add_db_option(parser)
    parser.set_defaults(run=run)


def parse_day(text: str) -> date:
    """The calendar day `text` (YYYY-MM-DD); UsageError otherwise."""
    try:
        if _DAY.fullmatch(text) is None:
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--day {text!r} is not a day as YYYY-MM-DD") from None


def run(args: argparse.Namespace) -> int:
    day = parse_day(args.day)
    if not 1 <= args.days <= MAX_DAYS:
        raise UsageError(f"--days is 1 to {MAX_DAYS}, not {args.days}")
    if args.site is None:
        raise UsageError("--site SITE.yaml is needed: the report covers the site's vaults")
    if args.out.exists() and not args.out.is_dir():
        raise UsageError(f"--out {args.out} is not a folder")
    site, zone = site_and_zone(args)
    engine = open_engine(args.db)
    try:
        paths = write_daily_reports(
            engine, site, zone, day, args.out, days=args.days, site_name=safe_name(args.site.stem)
        )
    except MissingFontError as exc:
        for path in exc.written:
            sys.stdout.write(f"{path}\n")
        sys.stderr.write(f"vaultwatch: error: {exc}; the HTML pages are written\n")
        return 1
    except OSError as exc:
        raise UsageError(f"cannot write the reports into {args.out}: {exc}") from exc
    finally:
        engine.dispose()
    for path in paths:
        sys.stdout.write(f"{path}\n")
    return 0
