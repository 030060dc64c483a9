"""Labelling a finding's picture through the API, on the sample videos' scan (real decoding,
the shipped bundle model): the frame and the model's boxes, saving corrected boxes, replacing
and deleting them, 422 for boxes that are not boxes of the picture, role and camera checks,
and the audit trail of every change. Findings are never changed by a label."""

from __future__ import annotations

import io
import itertools
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy.orm import Session

from analyzer.findings import Finding
from api.app import create_app
from api.settings import ServiceSettings
from pipelines.cli import main
from pipelines.store import open_store
from pipelines.store.audit import load_audit
from pipelines.training.yolo_dataset import cxcywh_to_xyxy, load_user_dataset, parse_labels
from tests.api.conftest import SampleScan, sign_in

pytestmark = pytest.mark.video


def counted_finding(sample: SampleScan, kind: str = "bundle_count_mismatch") -> Finding:
    """A finding made from bundle counts, so bundles are in view and the bundle model counted
    them: vault-b's count mismatch at a handover, or phone-2's paper off camera."""
    return next(f for f in sample.findings if f.kind.value == kind)


def audit_of(client: TestClient, object_id: str) -> list[dict[str, Any]]:
    items = client.get(
        "/api/audit",
        params={"object_type": "labelled_frame", "object_id": object_id, "limit": 500},
    ).json()["items"]
    return list(reversed(items))  # oldest first


def test_label_a_findings_picture(clients: dict[str, TestClient], sample_scan: SampleScan) -> None:
    finding = counted_finding(sample_scan)
    assert finding.frame_time is not None
    recording = next(
        r
        for r in sample_scan.recordings
        if r.camera == finding.camera and r.start <= finding.frame_time < r.decoded_to
    )
    inspector = clients["inspector"]
    url = f"/api/findings/{finding.id}/label-frame"
    before = inspector.get(f"/api/findings/{finding.id}").json()

    frame = inspector.get(url)
    assert frame.status_code == 200, frame.text
    shown = frame.json()
    assert (shown["width"], shown["height"]) == (recording.width, recording.height)
    assert shown["recording_sha256"] == recording.sha256 and shown["camera"] == "vault-b"
    assert shown["bundle_model"].startswith("bundle_yolo@")
    assert shown["source"] == "detector" and shown["labelled"] is None
    for x1, y1, x2, y2 in shown["boxes"]:
        assert 0 <= x1 < x2 <= recording.width and 0 <= y1 < y2 <= recording.height

    image = inspector.get(shown["image"])
    assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
    with Image.open(io.BytesIO(image.content)) as picture:
        assert picture.size == (recording.width, recording.height)

    # The inspector keeps the model's first box (if any), moves it, and adds one.
    corrected = [[10.0, 20.0, 110.5, 140.25], [200.0, 100.0, 260.0, 180.0]]
    saved = inspector.put(url, json={"boxes": corrected})
    assert saved.status_code == 200, saved.text
    stored = saved.json()
    assert stored["boxes"] == corrected
    assert stored["labelled_by"] == "inspector" and stored["finding_id"] == finding.id
    assert stored["started_from"] == shown["bundle_model"]
    assert stored["offset_s"] == shown["offset_s"]

    again = inspector.get(url).json()
    assert again["source"] == "labelled" and again["boxes"] == corrected
    assert again["labelled"]["id"] == stored["id"]

    # Saved again by an admin: the same frame, the boxes replaced (none: a negative).
    replaced = clients["admin"].put(url, json={"boxes": []})
    assert replaced.status_code == 200 and replaced.json()["id"] == stored["id"]
    assert replaced.json()["boxes"] == [] and replaced.json()["labelled_by"] == "admin"

    listed = clients["auditor"].get("/api/labels").json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == stored["id"]
    assert clients["auditor"].get(f"/api/labels/{stored['id']}").json()["boxes"] == []
    camera_list = clients["auditor"].get("/api/labels", params={"camera": "vault-a"}).json()
    assert camera_list["total"] == 0

    deleted = inspector.delete(f"/api/labels/{stored['id']}")
    assert deleted.status_code == 204
    assert inspector.get(f"/api/labels/{stored['id']}").status_code == 404
    assert inspector.delete(f"/api/labels/{stored['id']}").status_code == 404
    assert inspector.get(url).json()["source"] == "detector"

    trail = audit_of(clients["admin"], str(stored["id"]))
    assert [(r["action"], r["actor"]) for r in trail] == [
        ("label.save", "inspector"),
        ("label.save", "admin"),
        ("label.delete", "inspector"),
    ]
    assert trail[0]["detail"]["boxes_before"] is None
    assert trail[0]["detail"]["boxes"] == corrected
    assert trail[1]["detail"]["boxes_before"] == corrected
    assert trail[2]["detail"]["boxes_before"] == []
    assert clients["admin"].get("/api/audit/verify").json()["intact"] is True
    # The finding is as it was (its review state and counts too).
    assert inspector.get(f"/api/findings/{finding.id}").json() == before


@pytest.mark.parametrize(
    ("boxes", "problem"),
    [
        ([[10, 10, 5, 20]], "positive size"),
        ([[10, 10, 20, 10]], "positive size"),
        ([[-1, 0, 20, 20]], "leaves the"),
        ([[0, 0, 20, 100000]], "leaves the"),
        ([[0, 0, 20]], "boxes.0"),
        ([[0, 0, 20, 20, 30]], "boxes.0"),
        ([["a", 0, 20, 20]], "boxes.0.0"),
        ([[0, 0, 1, 1]] * 501, "boxes"),
    ],
)
def test_boxes_that_are_not_boxes_of_the_picture_are_422(
    clients: dict[str, TestClient],
    sample_scan: SampleScan,
    boxes: list[list[Any]],
    problem: str,
) -> None:
    finding = counted_finding(sample_scan)
    response = clients["inspector"].put(
        f"/api/findings/{finding.id}/label-frame", json={"boxes": boxes}
    )
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "invalid_request"
    assert problem in response.json()["error"]["message"]
    assert clients["auditor"].get("/api/labels").json()["total"] == 0


def test_who_may_label(clients: dict[str, TestClient], sample_scan: SampleScan) -> None:
    finding = counted_finding(sample_scan)
    url = f"/api/findings/{finding.id}/label-frame"
    body = {"boxes": [[1, 1, 50, 50]]}
    assert clients["anonymous"].get(url).status_code == 401
    assert clients["anonymous"].put(url, json=body).status_code == 401
    forbidden = clients["auditor"].put(url, json=body)
    assert forbidden.status_code == 403 and forbidden.json()["error"]["code"] == "forbidden"
    # An inspector limited to phone-2 does not see vault-b's finding, nor its labels.
    assert clients["phone-inspector"].get(url).status_code == 404
    assert clients["phone-inspector"].put(url, json=body).status_code == 404
    saved = clients["inspector"].put(url, json=body).json()
    assert clients["phone-inspector"].get(f"/api/labels/{saved['id']}").status_code == 404
    assert clients["phone-inspector"].delete(f"/api/labels/{saved['id']}").status_code == 404
    assert clients["phone-inspector"].get("/api/labels").json()["total"] == 0
    assert clients["auditor"].delete(f"/api/labels/{saved['id']}").status_code == 403
    assert clients["auditor"].get("/api/labels").json()["total"] == 1
    # Their own camera's finding they may label.
    own = counted_finding(sample_scan, "paper_off_camera")
    mine = clients["phone-inspector"].put(f"/api/findings/{own.id}/label-frame", json=body)
    assert mine.status_code == 200, mine.text
    assert clients["phone-inspector"].get("/api/labels").json()["total"] == 1


def test_the_finding_page_names_the_bundle_models_and_offers_the_editor(
    clients: dict[str, TestClient], sample_scan: SampleScan
) -> None:
    finding = counted_finding(sample_scan)
    assert finding.counts is not None and finding.counts.counted_by is not None
    page = clients["inspector"].get(f"/findings/{finding.id}")
    assert page.status_code == 200
    # The model that counted this finding's bundles, and the camera's model now.
    assert '<dd id="bundles-counted-by">bundle_yolo@ab1007139cc5</dd>' in page.text
    assert '<dd id="camera-bundle-model">bundle_yolo@ab1007139cc5</dd>' in page.text
    assert f'data-frame="/api/findings/{finding.id}/label-frame"' in page.text
    assert 'id="label-save"' in page.text and 'data-may-edit="1"' in page.text
    assert "/static/labels.js" in page.text
    read_only = clients["auditor"].get(f"/findings/{finding.id}")
    assert 'id="label-save"' not in read_only.text and 'data-may-edit="0"' in read_only.text
    assert "只有审查员可以修改标注" in read_only.text
    assert clients["auditor"].get("/static/labels.js").status_code == 200


def test_boxes_saved_in_the_service_are_exported_on_the_same_picture(
    clients: dict[str, TestClient],
    sample_scan: SampleScan,
    settings: ServiceSettings,
    tmp_path: Path,
) -> None:
    """Saved through the API, exported by `vaultwatch labels export` from the same store: the
    trainer's loader accepts the set, its boxes are the saved ones, and its picture is the one
    the inspector labelled (decoded again from the original)."""
    finding = counted_finding(sample_scan)
    url = f"/api/findings/{finding.id}/label-frame"
    corrected = [[12.0, 40.5, 96.0, 120.0], [300.25, 200.0, 420.0, 330.75]]
    saved = clients["inspector"].put(url, json={"boxes": corrected}).json()
    shown = clients["inspector"].get(f"{url}/image").content
    out = tmp_path / "site_frames"
    assert main(["labels", "export", str(out), "--db", settings.db]) == 0

    dataset = load_user_dataset(out)
    [(image, label)] = dataset.pairs
    assert label is not None and dataset.boxes == 2
    parsed, problems = parse_labels(label.read_text(), str(label), 1)
    assert problems == [] and parsed.class_id.tolist() == [0, 0]
    back = cxcywh_to_xyxy(parsed.cxcywh, saved["width"], saved["height"])
    np.testing.assert_allclose(back, corrected, atol=1e-3)
    with Image.open(image) as exported, Image.open(io.BytesIO(shown)) as seen:
        assert exported.size == seen.size == (saved["width"], saved["height"])
        difference = np.abs(
            np.asarray(exported.convert("L"), np.int16) - np.asarray(seen.convert("L"), np.int16)
        )
    # Two JPEG encodings of one decoded frame differ by their rounding only.
    assert difference.mean() < 2.0, difference.mean()


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_inspectors_saving_one_new_frame_at_once_all_succeed(
    settings: ServiceSettings, sample_scan: SampleScan
) -> None:
    """Saves racing to create the same frame on the multi-user store: each is stored in turn
    (one row, the last boxes win) and each has its audit record, exactly one of them with no
    boxes before. (The embedded SQLite store serves one inspector; it takes no row locks.)"""
    finding = counted_finding(sample_scan)
    url = f"/api/findings/{finding.id}/label-frame"
    app = create_app(settings)
    ready = threading.Barrier(6)
    with TestClient(app):
        clients = [sign_in(TestClient(app), "inspector") for _ in range(6)]

        def save(index: int) -> int:
            ready.wait()
            box = [10.0 + index, 10.0, 60.0 + index, 50.0]
            return clients[index].put(url, json={"boxes": [box]}).status_code

        with ThreadPoolExecutor(6) as pool:
            codes = list(pool.map(save, range(6)))
        assert codes == [200] * 6
        listed = clients[0].get("/api/labels").json()
        assert listed["total"] == 1
        frame_id = str(listed["items"][0]["id"])
        for client in clients:
            client.close()
    engine = open_store(settings.db)
    try:
        with Session(engine) as session:
            saves = load_audit(session, object_type="labelled_frame", object_id=frame_id)
    finally:
        engine.dispose()
    assert len(saves) == 6
    assert [r.entry.detail["boxes_before"] is None for r in saves].count(True) == 1
    # Each save saw the one before it.
    for before, after in itertools.pairwise(saves):
        assert after.entry.detail["boxes_before"] == before.entry.detail["boxes"]
