"""Texts the product keeps in English (an audit chain's break, a failed job's error) read in
Chinese on the Chinese pages and as written on the English ones, the store unchanged; custody
events and camera kinds carry labels on the English pages, not their codes."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from analyzer.custody import EventType
from analyzer.recording import CameraKind
from api.app import create_app
from api.settings import ServiceSettings
from api.ui.stored_text import in_chinese
from api.ui.words import Words
from pipelines.store import open_store
from pipelines.store.audit import verify_chain
from pipelines.store.nightly import RunState, start_run, update_run
from tests.api.conftest import SampleScan, sign_in
from tests.api.test_ui_pages_both_languages import shown
from tests.pipelines.store.test_audit import _disable_guard

ZH, EN = Words("zh-CN", ZoneInfo("Asia/Shanghai")), Words("en", ZoneInfo("Asia/Shanghai"))
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        ("record 7 is missing (next stored is 9)", "第 7 条记录缺失（库中下一条为第 9 条）"),
        ("record 4 does not chain to record 3", "第 4 条记录与第 3 条记录的哈希链不相接"),
        ("record 2 was altered after it was written", "第 2 条记录在写入后被修改"),
        (
            "record 5 differs from the head anchored outside the store at "
            "2026-11-24T00:00:00+00:00: the chain was rewritten",
            "第 5 条记录与 2026-11-24T00:00:00+00:00 保存在库外的链头锚点不一致：审计链被改写",
        ),
        (
            "record 6 has no seal though records before it have",
            "第 6 条记录没有封印，而它之前的记录有封印",
        ),
        (
            "record 3's seal does not match the audit key: it was rewritten in the database "
            "(or sealed with another key)",
            "第 3 条记录的封印与审计密钥不符：记录在数据库中被改写（或用其他密钥封印）",
        ),
        (
            "the chain ends at record 10, but record 12 was anchored outside the store at "
            "2026-11-24T00:00:00+00:00: records were removed",
            "审计链止于第 10 条记录，但库外锚点在 2026-11-24T00:00:00+00:00 记载了第 12 条记录："
            "有记录被删除",
        ),
        ("/v/audit/anchors.jsonl:3: not an anchor", "/v/audit/anchors.jsonl 第 3 行：不是锚点记录"),
        (
            "/v/audit/anchors.jsonl:4: seal does not match the audit key",
            "/v/audit/anchors.jsonl 第 4 行：锚点封印与审计密钥不符",
        ),
        (
            "OutsideMediaRoots: 2 file(s) found lead outside the media roots, nothing scanned: "
            "/m/a/x.mp4; /m/a/y.mp4",
            "有 2 个文件指向媒体目录之外，未扫描任何文件：/m/a/x.mp4; /m/a/y.mp4",
        ),
        (
            "ValueError: no video files to scan: /m/a: folder holds no video files; "
            "/m/b: no such file or folder; /m/c: not a regular file or folder; "
            "/m/d.mp4: leads outside the media roots, not scanned; /m/e: something new",
            "没有可扫描的视频文件：/m/a：文件夹中没有视频文件；/m/b：文件或文件夹不存在；"
            "/m/c：不是普通文件或文件夹；/m/d.mp4：指向媒体目录之外，未扫描；"
            "原文：/m/e: something new",
        ),
        ("3 unit(s) failed", "3 个分析单元失败"),
        (
            "UnreadableMedia: /m/a/x.mp4: moov atom not found",
            "录像无法读取（原文）：/m/a/x.mp4: moov atom not found",
        ),
        ("RuntimeError: something odd", "原文：RuntimeError: something odd"),
        ("a sentence nobody wrote yet", "原文：a sentence nobody wrote yet"),
    ],
)
def test_stored_english_is_said_in_chinese(english: str, chinese: str) -> None:
    assert in_chinese(english) == chinese
    assert ZH.stored(english) == chinese and EN.stored(english) == english


def test_nothing_stored_is_none() -> None:
    assert ZH.stored(None) == "无" and EN.stored("") == "none"


def test_events_and_camera_kinds_have_english_labels() -> None:
    for event in EventType:
        label = EN.event(event)
        assert label != event.value and label[0].isupper() and not CJK.search(label), event
    assert [EN.camera_kind(k) for k in CameraKind] == ["Fixed", "Handheld"]
    assert EN.camera_kind(None) == "none"


def _wait_failed(client: TestClient, job_id: int) -> dict[str, object]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        job: dict[str, object] = client.get(f"/api/scan-jobs/{job_id}").json()
        if job["state"] in ("failed", "done"):
            return job
        time.sleep(0.05)
    pytest.fail(f"scan job {job_id} did not end within 30 s")


def test_a_failed_jobs_error_reads_in_chinese_and_stays_stored_in_english(
    settings: ServiceSettings, tmp_path: Path
) -> None:
    empty = tmp_path / "media" / "empty"
    empty.mkdir(parents=True)
    served = settings.model_copy(
        update={"media_roots": [*settings.media_roots, tmp_path / "media"]}
    )
    engine = open_store(served.db)
    with Session(engine) as session:
        run_id = start_run(session, backend="inprocess", at=datetime.now(UTC))
        update_run(session, run_id, state=RunState.DONE, error="2 unit(s) failed")
        session.commit()
    engine.dispose()
    with TestClient(create_app(served)) as anonymous:
        ui = sign_in(anonymous, "admin")
        submitted = ui.post("/api/scan-jobs", json={"paths": [str(empty)]})
        assert submitted.status_code == 202, submitted.text
        job = _wait_failed(ui, submitted.json()["id"])
        assert job["state"] == "failed"
        stored = f"ValueError: no video files to scan: {empty}: folder holds no video files"
        assert job["error"] == stored

        page = shown(ui.get("/jobs").text)
        assert f"没有可扫描的视频文件：{empty}：文件夹中没有视频文件" in page
        assert "2 个分析单元失败" in page
        assert "no video files" not in page and "unit(s)" not in page
        ui.get("/lang", params={"to": "en"})
        english = shown(ui.get("/jobs").text)
        assert stored in english and "2 unit(s) failed" in english
        # The store keeps what was written.
        assert ui.get(f"/api/scan-jobs/{job['id']}").json()["error"] == stored


def test_a_broken_chain_is_reported_in_chinese(settings: ServiceSettings) -> None:
    with TestClient(create_app(settings)) as anonymous:
        ui = sign_in(anonymous, "admin")
        ui.get("/audit")
        engine = open_store(settings.db)
        try:
            with engine.begin() as connection:
                _disable_guard(connection)
                connection.execute(sa.text("UPDATE audit_records SET actor = 'x' WHERE seq = 1"))
            with Session(engine) as session:
                problem = verify_chain(session).problem
        finally:
            engine.dispose()
        assert problem == "record 1 was altered after it was written"
        page = ui.get("/audit", params={"verify": "1"}).text
        assert "审计链已被破坏" in shown(page)
        assert re.search(r'id="chain-problem">第 1 条记录在写入后被修改<', page)
        ui.get("/lang", params={"to": "en"})
        english = ui.get("/audit", params={"verify": "1"}).text
        assert re.search(r'id="chain-problem">record 1 was altered after it was written<', english)


def test_english_pages_label_events_and_camera_kinds(
    clients: dict[str, TestClient], sample_scan: SampleScan
) -> None:
    ui = clients["auditor"]
    ui.get("/lang", params={"to": "en"})
    cameras = ui.get("/cameras").text
    kinds = re.findall(r'class="camera-kind">([^<]*)<', cameras)
    assert set(kinds) == {"Fixed", "Handheld"}, kinds
    lot = ui.get("/lots/view?lot=L2026-001").text
    events = re.findall(r'class="event-type">([^<]*)<', lot)
    expected = {EN.event(e.type) for e in sample_scan.events if e.lot == "L2026-001"}
    assert events and set(events) == expected, events
    assert not {e.value for e in EventType} & set(events)
    assert "Departure" in events
