"""Options and helpers several subcommands share."""

from __future__ import annotations

import argparse
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from analyzer.wallclock import time_zone
from pipelines.site import Site, SiteError, load_site
from pipelines.store import default_db_url, open_store


class UsageError(Exception):
    """Bad options or input that cannot be read at all: one line, exit code 2."""


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        metavar="URL",
        help="SQLAlchemy URL of the findings store (default: $VAULTWATCH_DB, else a SQLite "
        "file in $VAULTWATCH_HOME)",
    )


def add_site_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--site", type=Path, metavar="SITE.yaml", help="site file")
    parser.add_argument(
        "--tz",
        metavar="ZONE",
        help="IANA time zone of the site's wall clock (default: the site file's, else this "
        "machine's)",
    )


def site_and_zone(args: argparse.Namespace) -> tuple[Site, tzinfo]:
    try:
        site = load_site(args.site) if args.site is not None else Site()
    except SiteError as exc:
        raise UsageError(str(exc)) from exc
    try:
        zone = time_zone(args.tz if args.tz is not None else site.timezone)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    return site, zone


def parse_time(text: str, zone: tzinfo, option: str) -> float:
    """POSIX seconds of an ISO-8601 time; a time without offset is read in `zone`."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise UsageError(f"{option} {text!r} is not an ISO-8601 time") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.timestamp()


def open_engine(url: str | None) -> Engine:
    """The findings store at `url` (default: $VAULTWATCH_DB, else SQLite in the data dir),
    migrated to the current schema. A store that cannot be opened is a usage error."""
    db_url = url or default_db_url()
    try:
        return open_store(db_url)
    except (SQLAlchemyError, OSError, ValueError) as exc:
        raise UsageError(f"cannot open the findings store {db_url}: {exc}") from exc


def command_params(command: str, args: argparse.Namespace) -> dict[str, Any]:
    """What a command was asked to do, as JSON for the scan row: every option as given (paths
    as text), so a new option is recorded without anyone remembering to add it. The store's
    URL is left out: it may carry a password, and the row is in that store anyway."""
    params: dict[str, Any] = {"command": command}
    for name, value in sorted(vars(args).items()):
        if name in _NOT_PARAMS or callable(value):
            continue
        params[name] = _json_value(value)
    return params


_NOT_PARAMS = frozenset({"db", "command"})


def _json_value(value: object) -> Any:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    return value
