"""The review service: `create_app(settings)` builds the FastAPI app (API, review UI, docs)
on the same store the scans write."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import Session, sessionmaker

from analyzer import ANALYZER_VERSION
from analyzer.wallclock import time_zone
from api import sessions
from api.cross_site import CrossSiteWrites
from api.errors import install_error_handlers
from api.jobs import ScanJobRunner
from api.limits import QueryLimits
from api.routes import (
    audit,
    auth,
    custody,
    findings,
    jobs,
    labels,
    media,
    models,
    nightly,
    playback,
    recordings,
    sites,
    users,
)
from api.security_headers import SecurityHeaders
from api.settings import ServiceSettings
from api.state import ServiceState
from api.throttle import (
    FailureLedger,
    LedgerKind,
    MemoryLedger,
    SignInThrottle,
    StoreLedger,
    ThrottlePolicy,
)
from api.ui import pages
from pipelines import scan
from pipelines.detectors import DetectorCatalog, site_counting
from pipelines.private_files import private_dir
from pipelines.site import Site, load_site
from pipelines.store import open_store
from pipelines.store.urls import vaultwatch_home

STATIC_DIR = Path(__file__).resolve().parent / "static"
ROUTERS = (
    auth.router,
    findings.router,
    media.router,
    playback.router,
    labels.router,
    recordings.router,
    custody.router,
    sites.router,
    jobs.router,
    nightly.router,
    users.router,
    models.router,
    audit.router,
)


def create_app(settings: ServiceSettings) -> FastAPI:
    """The app for `settings`; opens (and migrates) the store now, so a bad URL or site file
    fails at start, not at the first request."""
    state = _service_state(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        state.jobs.resume()
        try:
            yield
        finally:
            state.jobs.shutdown()
            state.engine.dispose()

    app = FastAPI(
        title="VaultWatch review service",
        version=ANALYZER_VERSION,
        description="Findings, footage and custody records of secret exam papers, for "
        "inspectors. Every view of footage, download and review decision is recorded in a "
        "hash-chained audit trail.",
        lifespan=lifespan,
        # Swagger UI and ReDoc load their scripts from a CDN, which the inspectors' networks
        # cannot reach and no page of this service may run; the schema stays at
        # /openapi.json.
        docs_url=None,
        redoc_url=None,
    )
    app.state.service = state
    app.add_middleware(QueryLimits)
    app.add_middleware(CrossSiteWrites)
    # Added last, so it wraps the others: their refusals carry the headers too.
    app.add_middleware(SecurityHeaders)
    install_error_handlers(app, page_error=pages.error_page)
    # Starlette types handlers as taking any Exception; this one takes its own kind only.
    app.add_exception_handler(pages.SignInNeeded, pages.sign_in_redirect)  # type: ignore[arg-type]
    for router in ROUTERS:
        app.include_router(router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app


def _service_state(settings: ServiceSettings) -> ServiceState:
    site = load_site(settings.site) if settings.site is not None else Site()
    # Cut clips and keys are as secret as the footage: no other account may list them.
    private_dir(settings.cache_dir, tighten=True)
    private_dir(vaultwatch_home() / "keys", tighten=True)
    zone = time_zone(settings.tz if settings.tz is not None else site.timezone)
    engine = open_store(settings.db)
    detectors = DetectorCatalog()
    sessions_of = sessionmaker(engine)
    options = scan.ScanOptions(site=site, zone=zone, counting=site_counting(site, detectors))
    return ServiceState(
        settings=settings,
        engine=engine,
        sessions=sessions_of,
        site=site,
        zone=zone,
        session_key=sessions.load_or_create_key(vaultwatch_home() / "keys" / "session.key"),
        jobs=ScanJobRunner(
            engine, options, workers=settings.scan_workers, media_roots=settings.media_roots
        ),
        detectors=detectors,
        throttle=sign_in_throttle(settings, sessions_of),
    )


def sign_in_throttle(
    settings: ServiceSettings, sessions_of: sessionmaker[Session]
) -> SignInThrottle:
    policy = ThrottlePolicy(
        per_user=settings.sign_in_failures_per_user,
        per_address=settings.sign_in_failures_per_address,
        window_s=settings.sign_in_window_s,
    )
    ledger: FailureLedger = (
        StoreLedger(sessions_of)
        if settings.sign_in_ledger is LedgerKind.STORE
        else MemoryLedger(policy.window_s)
    )
    return SignInThrottle(policy, ledger)
