"""Service settings: read from the environment (`VAULTWATCH_...`) or given by `vaultwatch
serve`'s options, one pydantic model."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from api.throttle import LedgerKind
from pipelines.store.urls import default_db_url, vaultwatch_home


class AuthMode(StrEnum):
    """Who vouches for a user: the service's own passwords, or a reverse proxy in front of it
    that has authenticated the user and names them in a header."""

    LOCAL = "local"
    PROXY = "proxy"


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="VAULTWATCH_", extra="forbid")

    db: str = Field(default_factory=default_db_url, description="SQLAlchemy URL of the store")
    media_roots: list[Path] = Field(
        default_factory=list,
        description="folders recordings may be served and scanned from; nothing outside them "
        "is ever read on a client's behalf",
    )
    site: Path | None = Field(default=None, description="site file (cameras, rooms, zones)")
    tz: str | None = Field(default=None, description="IANA zone of the site's wall clock")
    auth: AuthMode = AuthMode.LOCAL
    proxy_user_header: str = Field(
        default="X-Remote-User", description="header naming the user (auth: proxy)"
    )
    trusted_proxies: list[str] = Field(
        default_factory=lambda: ["127.0.0.1", "::1"],
        description="client addresses whose user header is believed (auth: proxy)",
    )
    session_hours: float = Field(default=8.0, gt=0, le=24 * 30)
    secure_cookies: bool = Field(
        default=False, description="send the session cookie over HTTPS only"
    )
    cache_dir: Path = Field(
        default_factory=lambda: vaultwatch_home() / "cache",
        description="clips and thumbnails cut for review (never beside the originals)",
    )
    scan_workers: int = Field(default=1, ge=1, le=32)
    sign_in_ledger: LedgerKind = Field(
        default=LedgerKind.MEMORY,
        description="where failed sign-ins are counted: this process (memory), or the audit "
        "trail in the store (store: shared by every worker on one store)",
    )
    sign_in_failures_per_user: int = Field(default=5, ge=1, le=1000)
    sign_in_failures_per_address: int = Field(default=20, ge=1, le=10000)
    sign_in_window_s: float = Field(default=900, gt=0, le=86400)
    view_session_s: float = Field(
        default=1800,
        gt=0,
        le=86400,
        description="a ranged request for later bytes of footage is audited unless the same "
        "user's view of it was recorded this recently",
    )
    pre_roll_s: float = Field(default=5.0, ge=0, le=60)
    post_roll_s: float = Field(default=5.0, ge=0, le=60)
