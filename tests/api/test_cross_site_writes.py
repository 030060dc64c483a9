"""A write another site's page started is refused before routing (the browser sends the
service's HTTP Basic credentials with it; SameSite cookies do not cover those), while the
service's own pages, typed URLs and clients that are not browsers write as before."""

from __future__ import annotations

import base64

import pytest
from fastapi.testclient import TestClient
from starlette.datastructures import Headers

from api.cross_site import foreign_write
from tests.api.conftest import PASSWORD, SampleScan


@pytest.mark.parametrize(
    ("method", "headers", "refused"),
    [
        ("POST", {}, False),  # curl, the command line, scripts
        ("POST", {"sec-fetch-site": "same-origin"}, False),
        ("POST", {"sec-fetch-site": "none"}, False),
        ("POST", {"sec-fetch-site": "cross-site"}, True),
        ("PATCH", {"sec-fetch-site": "same-site"}, True),  # a sibling host is another site
        ("DELETE", {"sec-fetch-site": "CROSS-SITE"}, True),
        ("GET", {"sec-fetch-site": "cross-site"}, False),  # a link to a page writes nothing
        ("HEAD", {"origin": "https://evil.example"}, False),
        # browsers without Fetch Metadata: the Origin must be this host
        ("POST", {"origin": "http://vault.local:8000", "host": "vault.local:8000"}, False),
        ("POST", {"origin": "https://evil.example", "host": "vault.local:8000"}, True),
        ("POST", {"origin": "null", "host": "vault.local:8000"}, True),
        ("PUT", {"origin": "http://vault.local", "host": "vault.local:8000"}, True),
    ],
)
def test_which_writes_are_foreign(method: str, headers: dict[str, str], refused: bool) -> None:
    assert (foreign_write(method, Headers(headers)) is not None) is refused


def test_a_review_decision_from_another_site_is_refused_and_changes_nothing(
    clients: dict[str, TestClient], sample_scan: SampleScan
) -> None:
    finding = next(f for f in sample_scan.findings if f.kind.value == "black_video")
    path = f"/api/findings/{finding.id}"
    inspector, admin = clients["inspector"], clients["admin"]
    decision = {"state": "confirmed", "comment": "ok"}
    for headers in ({"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"}):
        refused = inspector.patch(path, json=decision, headers=headers)
        assert refused.status_code == 403, refused.text
        error = refused.json()["error"]
        assert error["code"] == "forbidden" and "own pages" in error["message"]
        assert refused.headers["x-frame-options"] == "DENY"  # still a guarded response
    assert inspector.get(path).json()["review_state"] == "open"
    trail = admin.get("/api/audit", params={"object_id": finding.id}).json()["items"]
    assert not [r for r in trail if r["action"] == "finding.review"]
    own_page = inspector.patch(path, json=decision, headers={"Sec-Fetch-Site": "same-origin"})
    assert own_page.status_code == 200 and own_page.json()["review_state"] == "confirmed"


def test_basic_credentials_a_browser_holds_do_not_write_from_another_site(
    app_client: TestClient, sample_scan: SampleScan
) -> None:
    finding = sample_scan.findings[0]
    basic = "Basic " + base64.b64encode(f"inspector:{PASSWORD}".encode()).decode()
    path = f"/api/findings/{finding.id}"
    decision = {"state": "dismissed", "comment": "from a forged form"}
    forged = app_client.patch(
        path, json=decision, headers={"Authorization": basic, "Sec-Fetch-Site": "cross-site"}
    )
    assert forged.status_code == 403
    reading = app_client.get(path, headers={"Authorization": basic})
    assert reading.status_code == 200 and reading.json()["review_state"] == "open"
    # The same credentials from a client that is not a browser still write.
    scripted = app_client.patch(path, json=decision, headers={"Authorization": basic})
    assert scripted.status_code == 200 and scripted.json()["review_state"] == "dismissed"
