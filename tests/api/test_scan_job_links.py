"""A scan job's folder may hold symlinks; every file found in it is checked against the
media roots, not only the path submitted, so a link out of the roots is never read."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import ServiceSettings
from pipelines.ingest import discover
from tests.api.conftest import SAMPLES, SampleScan, fill_store, sign_in


def test_discovery_names_links_out_of_the_roots(tmp_path: Path) -> None:
    root, outside = tmp_path / "media", tmp_path / "elsewhere"
    (root / "cam").mkdir(parents=True)
    outside.mkdir()
    (root / "cam" / "a.mp4").write_bytes(b"inside")
    (outside / "secret.mp4").write_bytes(b"outside")
    (root / "cam" / "b.mp4").symlink_to(outside / "secret.mp4")
    (root / "cam" / "c.mp4").symlink_to(root / "cam" / "a.mp4")
    found = discover([root / "cam"], roots=[root])
    assert found.files == [(root / "cam" / "a.mp4").resolve()]
    assert found.outside == [root / "cam" / "b.mp4"]
    assert "leads outside the media roots" in found.problems[0]
    assert str(outside) not in " ".join(found.problems)
    # Without roots (the command line's own paths) nothing changes.
    assert len(discover([root / "cam"]).files) == 2


@pytest.mark.video
def test_a_scan_job_never_reads_a_link_out_of_the_roots(
    sample_scan: SampleScan, tmp_path: Path
) -> None:
    root, outside = tmp_path / "media", tmp_path / "elsewhere"
    (root / "cam-x").mkdir(parents=True)
    outside.mkdir()
    source = next(SAMPLES.rglob("*.mp4"))
    secret = outside / "secret.mp4"
    shutil.copy(source, secret)
    (root / "cam-x" / "ch01.mp4").symlink_to(secret)
    fill_store(f"sqlite:///{tmp_path / 'store.db'}", sample_scan)
    settings = ServiceSettings(
        db=f"sqlite:///{tmp_path / 'store.db'}",
        media_roots=[root],
        site=SAMPLES / "site.yaml",
        cache_dir=tmp_path / "cache",
    )
    with TestClient(create_app(settings)) as client:
        sign_in(client, "inspector")
        submitted = client.post("/api/scan-jobs", json={"paths": ["cam-x"]})
        assert submitted.status_code == 202, submitted.text
        job_id = submitted.json()["id"]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            job = client.get(f"/api/scan-jobs/{job_id}").json()
            if job["state"] in ("done", "failed"):
                break
            time.sleep(0.2)
    assert job["state"] == "failed", job
    assert "outside the media roots" in job["error"]
    assert str(outside) not in job["error"]
    assert job["recordings"] in (0, None)
