"""/api/models: the detector models the service can count with, for administrators."""

from __future__ import annotations

from fastapi.testclient import TestClient

from models.registry import ModelRegistry


def test_administrators_list_the_models_with_their_classes(
    clients: dict[str, TestClient],
) -> None:
    listed = clients["admin"].get("/api/models")
    assert listed.status_code == 200, listed.text
    by_name = {m["name"]: m for m in listed.json()}
    registered = ModelRegistry.from_env().list_models()
    assert list(by_name) == [m.name for m in registered]
    for manifest in registered:
        shown = by_name[manifest.name]
        assert shown == {
            "name": manifest.name,
            "format": manifest.format.value,
            "sha256": manifest.sha256,
            "builtin": manifest.builtin,
            "person_classes": [manifest.class_names[i] for i in manifest.person_class_ids],
            "bundle_classes": [manifest.class_names[i] for i in manifest.bundle_class_ids],
            "count_confidence": manifest.count_confidence,
        }
    assert by_name["yolox-nano"]["person_classes"] and by_name["yolox-nano"]["builtin"]
    assert by_name["bundle_yolox"]["count_confidence"] == 0.3
    assert by_name["bundle_yolo"]["bundle_classes"]
    assert clients["inspector"].get("/api/models").status_code == 403


def test_the_api_documents_models_once_with_its_schema(app_client: TestClient) -> None:
    schema = app_client.get("/openapi.json").json()
    assert list(schema["paths"]["/api/models"]) == ["get"]
    components = schema["components"]["schemas"]
    assert {"ModelPublic", "NightlyRunPublic", "CountTimelinePublic"} <= set(components)
