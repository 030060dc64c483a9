"""`vaultwatch serve`: the review service (found by the command line through the
`vaultwatch.commands` entry point, so `pipelines` never imports `api`)."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError

from api.settings import AuthMode, ServiceSettings
from pipelines.cli.common import UsageError
from pipelines.site import SiteError

if TYPE_CHECKING:
    import uvicorn
    from fastapi import FastAPI

log = logging.getLogger(__name__)


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "serve",
        help="run the review service (REST API and web UI)",
        description="Serve findings, footage and custody records to inspectors in a browser. "
        "Options override the VAULTWATCH_* environment (see api/settings.py).",
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        help="store URL (default: $VAULTWATCH_DB, else the SQLite file in $VAULTWATCH_HOME)",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--media-root",
        action="append",
        type=Path,
        default=None,
        metavar="DIR",
        help="folder recordings may be served and scanned from (repeat)",
    )
    parser.add_argument("--site", type=Path, metavar="SITE.yaml", help="site file")
    parser.add_argument("--tz", metavar="ZONE", help="IANA time zone of the site")
    parser.add_argument(
        "--auth", choices=[m.value for m in AuthMode], help="local passwords, or a reverse proxy"
    )
    parser.set_defaults(run=run)


def settings_from(args: argparse.Namespace) -> ServiceSettings:
    given = {
        "db": args.db,
        "media_roots": args.media_root,
        "site": args.site,
        "tz": args.tz,
        "auth": args.auth,
    }
    try:
        return ServiceSettings(**{k: v for k, v in given.items() if v is not None})
    except ValidationError as exc:
        raise UsageError(f"bad service settings: {exc}") from exc


def run(args: argparse.Namespace) -> int:
    # Imported here: every other command would pay for loading the web stack.
    import uvicorn

    from api.app import create_app

    settings = settings_from(args)
    if not settings.media_roots:
        log.warning("no --media-root: recordings cannot be played or scanned")
    try:
        app = create_app(settings)
    except (SiteError, SQLAlchemyError, OSError, ValueError) as exc:
        raise UsageError(f"cannot start the review service: {exc}") from exc
    uvicorn.Server(server_config(app, host=args.host, port=args.port)).run()
    return 0


def server_config(app: FastAPI, *, host: str, port: int) -> uvicorn.Config:
    """How uvicorn serves the app. Its own proxy-header handling is off: it would replace
    the client address with whatever `X-Forwarded-For` says before the app sees it, and the
    audit trail would record a forged address. The app's `trusted_proxies` check
    (`api.deps.client_address`) is the one place a forwarded address is believed."""
    import uvicorn

    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="info",
        proxy_headers=False,
        forwarded_allow_ips="",
        server_header=False,
    )
