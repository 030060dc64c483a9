"""What the running service holds: settings, the store, the site, keys, the job runner."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from api.jobs import ScanJobRunner
from api.settings import ServiceSettings
from api.throttle import SignInThrottle
from pipelines.detectors import DetectorCatalog
from pipelines.site import Site


@dataclass
class ServiceState:
    settings: ServiceSettings
    engine: Engine
    sessions: sessionmaker[Session]
    site: Site
    zone: tzinfo
    session_key: bytes
    jobs: ScanJobRunner
    detectors: DetectorCatalog
    throttle: SignInThrottle
