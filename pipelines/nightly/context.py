"""What a worker needs to run units, built once per process from plain values (the store
URL, the site file, the zone), so a task message carries only those."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from analyzer.wallclock import time_zone
from pipelines import scan
from pipelines.detectors import DetectorCatalog, site_counting
from pipelines.site import Site, load_site
from pipelines.store import open_store


@dataclass(frozen=True)
class RunConfig:
    """Where the store and the site file are; the same on the coordinator and the workers
    (a shared PostgreSQL, a site file on every machine at the same path)."""

    db_url: str
    site_path: str
    tz: str | None = None

    def to_message(self) -> dict[str, str | None]:
        return {"db_url": self.db_url, "site_path": self.site_path, "tz": self.tz}


@dataclass(frozen=True)
class WorkerContext:
    engine: Engine
    site: Site
    options: scan.ScanOptions


# One per configuration and process: a worker runs many units of the same run.
_CONTEXTS: dict[RunConfig, WorkerContext] = {}


def worker_context(config: RunConfig) -> WorkerContext:
    """The engine, site and scan options for `config`, made once per process."""
    context = _CONTEXTS.get(config)
    if context is None:
        site = load_site(Path(config.site_path))
        zone = time_zone(config.tz if config.tz is not None else site.timezone)
        counting = site_counting(site, DetectorCatalog())
        options = scan.ScanOptions(site=site, zone=zone, counting=counting)
        context = WorkerContext(engine=open_store(config.db_url), site=site, options=options)
        _CONTEXTS[config] = context
    return context


def close_worker_contexts() -> None:
    """Dispose of this process's contexts (their store connections): the end of a run."""
    for context in _CONTEXTS.values():
        context.engine.dispose()
    _CONTEXTS.clear()
