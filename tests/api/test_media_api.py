"""Footage through the API: range requests, 416, clips by stream copy and with boxes,
thumbnails, detections, the audit records of views and downloads, and paths that must never
lead outside the media roots."""

from __future__ import annotations

import dataclasses
import shutil
import time
from pathlib import Path

import av
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import ServiceSettings
from tests.api.conftest import SAMPLES, SampleScan, fill_store, sign_in

pytestmark = pytest.mark.video


def finding_of(sample: SampleScan, kind: str):  # type: ignore[no-untyped-def]
    return next(f for f in sample.findings if f.kind.value == kind)


def audit_actions(client: TestClient, object_id: str) -> list[str]:
    items = client.get("/api/audit", params={"object_id": object_id, "limit": 500}).json()["items"]
    return [item["action"] for item in items]


def test_a_clip_is_served_in_ranges_and_a_view_is_audited_once(
    clients: dict[str, TestClient], sample_scan: SampleScan, tmp_path: Path
) -> None:
    finding = finding_of(sample_scan, "frozen_video")
    api = clients["auditor"]
    whole = api.get(f"/api/findings/{finding.id}/clip")
    assert whole.status_code == 200 and whole.headers["content-type"] == "video/mp4"
    assert whole.headers["accept-ranges"] == "bytes"
    size = len(whole.content)
    # The browser goes on fetching the same view in ranges: not a new view each time.
    part = api.get(f"/api/findings/{finding.id}/clip", headers={"Range": "bytes=1000-1999"})
    assert part.status_code == 206 and part.content == whole.content[1000:2000]
    assert part.headers["content-range"] == f"bytes 1000-1999/{size}"
    tail = api.get(f"/api/findings/{finding.id}/clip", headers={"Range": "bytes=-100"})
    assert tail.status_code == 206 and tail.content == whole.content[-100:]
    beyond = api.get(f"/api/findings/{finding.id}/clip", headers={"Range": f"bytes={size}-"})
    assert beyond.status_code == 416
    assert beyond.headers["content-range"] == f"bytes */{size}"
    assert beyond.json()["error"]["code"] == "range_not_satisfiable"
    assert audit_actions(clients["admin"], finding.id) == ["clip.view"]
    # The clip is the original's pictures from the keyframe before the finding, 5 s ahead.
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(whole.content)
    with av.open(str(clip)) as container:
        stream = container.streams.video[0]
        duration = float(stream.duration * stream.time_base) if stream.duration else 0.0
    recording = next(r for r in sample_scan.recordings if r.sha256 == finding.recording_sha256)
    assert duration >= min(finding.end, recording.end) - finding.start


def test_downloads_and_recordings_are_audited(
    clients: dict[str, TestClient], sample_scan: SampleScan
) -> None:
    finding = finding_of(sample_scan, "black_video")
    api, admin = clients["inspector"], clients["admin"]
    download = api.get(f"/api/findings/{finding.id}/clip", params={"download": True})
    assert "attachment" in download.headers["content-disposition"]
    sha = finding.recording_sha256
    original = next(r for r in sample_scan.recordings if r.sha256 == sha)
    video = api.get(f"/api/recordings/{sha}/video")
    assert video.content == Path(original.path).read_bytes()
    api.get(f"/api/recordings/{sha}/download")
    api.get(f"/api/recordings/{sha}/video", headers={"Range": "bytes=10-20"})
    assert audit_actions(admin, finding.id) == ["clip.download"]
    assert audit_actions(admin, sha) == ["recording.download", "recording.view"]
    assert api.get(f"/api/recordings/{'0' * 64}/video").status_code == 404
    assert api.get("/api/recordings/..%2F..%2Fetc%2Fpasswd/video").status_code in (404, 422)


def test_thumbnail_counts_and_boxed_clip(
    clients: dict[str, TestClient], sample_scan: SampleScan
) -> None:
    finding = finding_of(sample_scan, "lone_person")  # a custody rule finding on vault-b
    api = clients["auditor"]
    thumb = api.get(f"/api/findings/{finding.id}/thumbnail", params={"width": 320})
    assert thumb.status_code == 200 and thumb.content[:2] == b"\xff\xd8"
    counts = api.get(f"/api/findings/{finding.id}/counts").json()
    assert counts["camera"] == "vault-b" and len(counts["time"]) > 10
    # Lone person: somewhere in the window exactly one person is counted.
    assert 1 in counts["persons"]
    boxed = api.get(f"/api/findings/{finding.id}/clip", params={"boxes": True})
    assert boxed.status_code == 200 and len(boxed.content) > 1000
    views = clients["admin"].get("/api/audit", params={"object_id": finding.id}).json()["items"]
    clip_view = next(v for v in views if v["action"] == "clip.view")
    assert clip_view["detail"]["derived"] is True and "bundle" in clip_view["detail"]["made_by"]
    at = finding.frame_time or finding.start
    found = api.get(f"/api/findings/{finding.id}/detections", params={"at": at})
    assert found.status_code == 200
    assert "bundle" in found.json()["looked_for"]
    outside = api.get(f"/api/findings/{finding.id}/detections", params={"at": 1.0})
    assert outside.status_code == 422


def test_a_finding_without_footage_says_so(
    clients: dict[str, TestClient], sample_scan: SampleScan
) -> None:
    gap = finding_of(sample_scan, "coverage_gap")
    response = clients["auditor"].get(f"/api/findings/{gap.id}/clip")
    # The gap lies between files: the clip is the last seconds before it, or nothing.
    assert response.status_code in (200, 409)
    if response.status_code == 409:
        assert response.json()["error"]["code"] == "media_unavailable"


@pytest.mark.parametrize(
    "path",
    [
        "../",
        "..",
        "../../etc/passwd",
        "vault-a/../../",
        "%2e%2e/%2e%2e/etc",
        "..%2F..%2Fetc",
        "/etc",
        "/",
        str(SAMPLES.parent),
    ],
)
def test_scan_jobs_never_reach_outside_the_media_roots(
    clients: dict[str, TestClient], path: str, tmp_path: Path
) -> None:
    response = clients["inspector"].post("/api/scan-jobs", json={"paths": ["vault-a", path]})
    assert response.status_code in (403, 404), response.text
    assert response.json()["error"]["code"] in ("outside_media_roots", "not_found")
    assert clients["inspector"].get("/api/scan-jobs").json() == []


def test_a_scan_job_runs_and_stores_its_scan(clients: dict[str, TestClient]) -> None:
    submitted = clients["inspector"].post("/api/scan-jobs", json={"paths": ["handheld-1"]})
    assert submitted.status_code == 202
    job_id = submitted.json()["id"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job = clients["auditor"].get(f"/api/scan-jobs/{job_id}").json()
        if job["state"] in ("done", "failed"):
            break
        time.sleep(0.2)
    assert job["state"] == "done", job
    assert job["recordings"] == 1 and job["scan_id"] is not None
    assert job["paths"] == [str(SAMPLES / "handheld-1")]
    trail = clients["admin"].get("/api/audit", params={"object_type": "scan_job"}).json()
    assert [i["action"] for i in trail["items"]] == ["scan.submit"]


@pytest.fixture
def moved_store(tmp_path: Path, sample_scan: SampleScan) -> tuple[ServiceSettings, dict[str, str]]:
    """A store whose recordings sit in a new media root: one copied in, one a symlink to a
    file outside the root, one whose file is gone."""
    root = tmp_path / "media"
    root.mkdir()
    chosen = {r.camera: r for r in sample_scan.recordings}
    copied, linked, gone = chosen["vault-a"], chosen["vault-b"], chosen["handheld-1"]
    shutil.copy(copied.path, root / "copied.mp4")
    (root / "linked.mp4").symlink_to(linked.path)
    paths = {
        copied.sha256: root / "copied.mp4",
        linked.sha256: root / "linked.mp4",
        gone.sha256: root / "gone.mp4",
    }
    moved = dataclasses.replace(
        sample_scan,
        recordings=[
            dataclasses.replace(r, path=str(paths.get(r.sha256, r.path)))
            for r in sample_scan.recordings
        ],
    )
    url = f"sqlite:///{tmp_path / 'moved.db'}"
    fill_store(url, moved)
    settings = ServiceSettings(
        db=url, media_roots=[root], site=SAMPLES / "site.yaml", cache_dir=tmp_path / "cache"
    )
    return settings, {"copied": copied.sha256, "linked": linked.sha256, "gone": gone.sha256}


def test_recordings_are_served_only_from_inside_the_roots(
    moved_store: tuple[ServiceSettings, dict[str, str]],
) -> None:
    settings, sha = moved_store
    with TestClient(create_app(settings)) as client:
        api = sign_in(client, "admin")
        assert api.get(f"/api/recordings/{sha['copied']}/video").status_code == 200
        linked = api.get(f"/api/recordings/{sha['linked']}/video")
        assert linked.status_code == 403
        assert linked.json()["error"]["code"] == "outside_media_roots"
        gone = api.get(f"/api/recordings/{sha['gone']}/video")
        assert gone.status_code == 404 and gone.json()["error"]["code"] == "media_unavailable"
        # A symlink inside the root that leads out of it is not scanned either.
        job = api.post("/api/scan-jobs", json={"paths": ["linked.mp4"]})
        assert job.status_code == 403 and job.json()["error"]["code"] == "outside_media_roots"
        # Not even a clip or a thumbnail is cut from a file outside the roots.
        for finding in api.get("/api/findings", params={"camera": "vault-b"}).json()["items"]:
            assert api.get(f"/api/findings/{finding['id']}/clip").status_code in (403, 409)


def test_a_finding_page_says_why_its_footage_cannot_be_shown(
    moved_store: tuple[ServiceSettings, dict[str, str]],
) -> None:
    settings, _ = moved_store
    with TestClient(create_app(settings)) as client:
        api = sign_in(client, "admin")
        [finding, *_] = api.get("/api/findings", params={"camera": "vault-b"}).json()["items"]
        page = api.get(f"/findings/{finding['id']}")
        assert page.status_code == 200
        # Said in the page's language (Chinese by default): the reason's code, in words.
        assert 'id="no-video"' in page.text and "媒体目录" in page.text
