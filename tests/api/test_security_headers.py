"""Every response carries the Content-Security-Policy (own scripts only, no framing),
nosniff and frame headers; /docs, whose scripts would come from a CDN, is off while the
schema stays at /openapi.json; the pages run nothing inline that the policy would block;
the service's cache and keys folders are private whatever the umask."""

from __future__ import annotations

import os
import re
import stat

from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import ServiceSettings
from pipelines.store.urls import vaultwatch_home
from tests.api.conftest import SampleScan

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


def assert_guarded(headers: object) -> None:
    policy = headers["content-security-policy"]  # type: ignore[index]
    assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy
    assert "cdn" not in policy.lower()
    assert headers["x-content-type-options"] == "nosniff"  # type: ignore[index]
    assert headers["x-frame-options"] == "DENY"  # type: ignore[index]


def test_every_kind_of_response_carries_the_headers(clients: dict[str, TestClient]) -> None:
    anonymous, auditor = clients["anonymous"], clients["auditor"]
    for response in (
        anonymous.get("/login"),
        anonymous.get("/api/findings"),  # 401
        auditor.get("/api/findings"),
        auditor.get("/api/findings", params=[("camera", "x")] * 300),  # refused before routing
        auditor.get("/static/app.css"),
        anonymous.get("/openapi.json"),
    ):
        assert_guarded(response.headers)
    assert anonymous.get("/docs").status_code == 404
    assert anonymous.get("/redoc").status_code == 404
    assert "/api/findings" in anonymous.get("/openapi.json").json()["paths"]


def test_pages_run_no_inline_script(
    clients: dict[str, TestClient], sample_scan: SampleScan
) -> None:
    auditor = clients["auditor"]
    finding = sample_scan.findings[0]
    for path in ("/findings", f"/findings/{finding.id}", "/lots", "/audit", "/jobs"):
        page = auditor.get(path)
        assert page.status_code == 200, path
        assert not INLINE_SCRIPT.search(page.text), path
        assert not INLINE_HANDLER.search(page.text), path
    assert not INLINE_SCRIPT.search(clients["anonymous"].get("/login").text)


def test_the_cache_and_keys_folders_are_private(settings: ServiceSettings) -> None:
    previous = os.umask(0o022)
    try:
        create_app(settings).state.service.engine.dispose()
    finally:
        os.umask(previous)
    for folder in (settings.cache_dir, vaultwatch_home() / "keys"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    assert stat.S_IMODE((vaultwatch_home() / "keys" / "session.key").stat().st_mode) == 0o600
