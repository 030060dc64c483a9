"""`vaultwatch users add|list`: the review service's local users (the first admin is made
here; later ones in the service by an admin)."""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from pipelines.cli.common import UsageError, add_db_option, open_engine
from pipelines.store.audit import AuditEntry, append_audit
from pipelines.store.users import Role, UserError, add_user, list_users


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "users",
        help="add and list users of the review service",
        description="Users sign in to `vaultwatch serve` with a role: auditor (read), "
        "inspector (review findings, submit scans) or admin (users, models, the audit chain).",
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    adding = actions.add_parser("add", help="add a user")
    adding.add_argument("username")
    adding.add_argument("--role", required=True, choices=[r.value for r in Role])
    adding.add_argument(
        "--camera",
        action="append",
        default=[],
        metavar="ID",
        help="a camera the user may see (repeat; default: every camera)",
    )
    adding.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from standard input (default: ask at the terminal)",
    )
    adding.add_argument(
        "--no-password",
        action="store_true",
        help="a user the reverse proxy authenticates (serve --auth proxy)",
    )
    add_db_option(adding)
    adding.set_defaults(run=_add)
    listing = actions.add_parser("list", help="list users")
    add_db_option(listing)
    listing.set_defaults(run=_list)


def _add(args: argparse.Namespace) -> int:
    password = None if args.no_password else _password(args)
    engine = open_engine(args.db)
    try:
        with Session(engine) as session:
            user = add_user(
                session,
                username=args.username,
                role=Role(args.role),
                password=password,
                cameras=args.camera,
                created_by=f"cli:{getpass.getuser()}",
                created_at=datetime.now(UTC),
            )
            append_audit(
                session,
                AuditEntry(
                    actor=f"cli:{getpass.getuser()}",
                    role="",
                    action="user.create",
                    object_type="user",
                    object_id=user.username,
                    client="command line",
                    detail={"role": user.role.value, "cameras": list(user.cameras)},
                ),
            )
            session.commit()
    except UserError as exc:
        raise UsageError(str(exc)) from exc
    finally:
        engine.dispose()
    sys.stdout.write(f"added {user.role.value} {user.username}\n")
    return 0


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise UsageError("the two passwords differ")
    return first


def _list(args: argparse.Namespace) -> int:
    engine = open_engine(args.db)
    try:
        with Session(engine) as session:
            users = list_users(session)
    finally:
        engine.dispose()
    for user in users:
        cameras = ",".join(user.cameras) or "all cameras"
        state = "" if user.active else " (inactive)"
        sys.stdout.write(f"{user.username}\t{user.role.value}\t{cameras}{state}\n")
    return 0
