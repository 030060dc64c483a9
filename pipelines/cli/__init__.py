"""The `vaultwatch` command line. Each subcommand lives in its own module here; commands of
higher layers (`vaultwatch serve`, in `api`) plug in through the `vaultwatch.commands` entry
point group, so this package never imports them."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from importlib.metadata import entry_points
from typing import Any

from pipelines.cli import (
    custody,
    daily,
    evidence,
    labels,
    models,
    nightly,
    report,
    scan,
    training,
    users,
)
from pipelines.cli.common import UsageError

COMMANDS = (scan, nightly, custody, report, daily, evidence, models, users, training, labels)
PLUGIN_GROUP = "vaultwatch.commands"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vaultwatch",
        description="Check surveillance video of secret exam papers against the custody rules.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debugging detail")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in (*COMMANDS, *_plugins()):
        command.register(commands)
    return parser


def _plugins() -> list[Any]:
    """Modules with a `register(commands)` named in the `vaultwatch.commands` entry points."""
    return [point.load() for point in sorted(entry_points(group=PLUGIN_GROUP), key=str)]


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the process exit code (0 ran, 2 bad usage or input)."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments and arguments[0] in training.PASSTHROUGH:
        return training.PASSTHROUGH[arguments[0]][1](arguments[1:])
    parser = build_parser()
    args = parser.parse_args(arguments)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="vaultwatch: %(message)s",
        stream=sys.stderr,
    )
    # Schema migrations are routine; their step-by-step log is noise on every command.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        code: int = args.run(args)
    except UsageError as exc:
        sys.stderr.write(f"vaultwatch: error: {exc}\n")
        return 2
    return code


if __name__ == "__main__":
    sys.exit(main())
