"""The client address the audit trail records, through a real uvicorn server configured as
`vaultwatch serve` configures it: `X-Forwarded-For` is believed from a trusted proxy only,
and only by the app (uvicorn's own proxy handling is off)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
import uvicorn

from api.app import create_app
from api.cli import server_config
from api.settings import ServiceSettings
from tests.api.conftest import PASSWORD, SAMPLES, SampleScan, fill_store


def serve(settings: ServiceSettings) -> Iterator[str]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = server_config(create_app(settings), host="127.0.0.1", port=port)
    config.log_level = "warning"
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline
            time.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def login_clients(url: str, forwarded: str) -> list[str]:
    """The client addresses of the audit records of one sign-in with `forwarded`."""
    with httpx2.Client(base_url=url) as client:
        answer = client.post(
            "/api/auth/login",
            json={"username": "admin", "password": PASSWORD},
            headers={"X-Forwarded-For": forwarded},
        )
        assert answer.status_code == 200, answer.text
        items = client.get("/api/audit", params={"object_type": "user"}).json()["items"]
    return [i["client"] for i in items if i["action"] == "login"]


@pytest.mark.parametrize(
    ("trusted", "recorded"),
    [(["10.9.9.9"], "127.0.0.1"), (["127.0.0.1"], "6.6.6.6 via 127.0.0.1")],
)
def test_a_forged_forwarded_for_is_not_recorded(
    sample_scan: SampleScan, tmp_path: Path, trusted: list[str], recorded: str
) -> None:
    db = f"sqlite:///{tmp_path / 'vw.db'}"
    fill_store(db, sample_scan)
    settings = ServiceSettings(
        db=db,
        media_roots=[SAMPLES],
        site=SAMPLES / "site.yaml",
        cache_dir=tmp_path / "cache",
        trusted_proxies=trusted,
    )
    for url in serve(settings):
        assert login_clients(url, "6.6.6.6") == [recorded]
