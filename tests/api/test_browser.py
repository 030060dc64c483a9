"""The review UI in real headless Chromium (Debian's `chromium` and `chromedriver`): sign in,
open a finding of the sample videos' scan, watch its clip start at the flagged second, dismiss
it with a comment, and find the decision in the audit trail. A screenshot of the finding page
is kept in `test-artifacts/` for the reviewer of the run. A second test checks the picture
the player opens on: the first black one of a black-video finding.

Nothing is downloaded: the driver's path is given, so selenium-manager is never asked. Without
the browser the test is skipped, except under CI, which installs it.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pytest
import uvicorn
from PIL import Image
from selenium import webdriver
from selenium.common.exceptions import (
    NoSuchElementException,
    StaleElementReferenceException,
    TimeoutException,
)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy.orm import Session

from api.app import create_app
from api.settings import ServiceSettings
from pipelines.store import open_store
from pipelines.store.audit import load_audit, verify_chain
from pipelines.store.labels import LabelFilter, load_labelled_frames
from tests.api.conftest import PASSWORD, REPO, SAMPLES, SampleScan, fill_store

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
WINDOW = (1280, 1000)
ARTIFACTS = REPO / "test-artifacts"
# Seeking an H.264 stream lands on a picture, and pictures are 0.1 s apart in the samples.
SEEK_TOLERANCE_S = 0.5
# Records, before any of the page's scripts run, what every <video> reports at each media
# event (capture phase: media events do not bubble), so the seek is seen however early it is,
# with the brightness of the picture it landed on.
MEDIA_EVENTS_HOOK = """
window.__media = [];
function meanLuma(video) {
  // The picture below the burned-in clock, 64 x 28 samples of green.
  const canvas = document.createElement("canvas");
  canvas.width = 64; canvas.height = 36;
  const g = canvas.getContext("2d");
  g.drawImage(video, 0, 0, 64, 36);
  const px = g.getImageData(0, 8, 64, 28).data;
  let sum = 0;
  for (let i = 1; i < px.length; i += 4) { sum += px[i]; }
  return sum / (px.length / 4);
}
for (const type of ["loadedmetadata", "seeked", "playing", "error"]) {
  document.addEventListener(type, function (event) {
    const v = event.target;
    if (!(v instanceof HTMLMediaElement)) { return; }
    window.__media.push({
      type: type, t: v.currentTime, at: performance.now(),
      luma: type === "seeked" ? meanLuma(v) : null,
    });
  }, true);
}
"""
VIDEO_STATE = """
const v = document.getElementById("player");
return {
  currentTime: v.currentTime, paused: v.paused, readyState: v.readyState,
  networkState: v.networkState, duration: v.duration, seeking: v.seeking,
  error: v.error && {code: v.error.code, message: v.error.message},
  played: Array.from({length: v.played.length}, (_, i) => [v.played.start(i), v.played.end(i)]),
  videoWidth: v.videoWidth, videoHeight: v.videoHeight,
  decodedFrames: v.getVideoPlaybackQuality().totalVideoFrames,
  events: window.__media,
};
"""

T = TypeVar("T")


@dataclass(frozen=True)
class RunningService:
    url: str
    db: str


# Session-scoped, so that it runs before the (session-scoped) scan of the sample videos.
@pytest.fixture(scope="session")
def browser_binaries() -> None:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        message = f"{', '.join(missing)} missing: apt-get install chromium chromium-driver"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture
def service(sample_scan: SampleScan, tmp_path: Path) -> Iterator[RunningService]:
    """The review service under uvicorn on a free local port, in a thread of this process."""
    db = f"sqlite:///{tmp_path / 'vw.db'}"
    fill_store(db, sample_scan)
    settings = ServiceSettings(
        db=db, media_roots=[SAMPLES], site=SAMPLES / "site.yaml", cache_dir=tmp_path / "cache"
    )
    # The socket is bound here and handed over, so no other process can take the port between
    # choosing it and serving on it.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        create_app(settings), log_level="warning", ws="none", lifespan="on", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            assert thread.is_alive(), "the service stopped while starting (see its log above)"
            assert time.monotonic() < deadline, "the service did not start within 10 s"
            time.sleep(0.02)
        yield RunningService(url=f"http://127.0.0.1:{port}", db=db)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        assert not thread.is_alive(), "the service did not stop within 10 s"


@pytest.fixture
def driver(browser_binaries: None) -> Iterator[WebDriver]:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",  # the tests run as root in a container
        "--disable-dev-shm-usage",
        "--autoplay-policy=no-user-gesture-required",
        f"--window-size={WINDOW[0]},{WINDOW[1]}",
        "--force-device-scale-factor=1",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    browser = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    try:
        browser.execute_cdp_cmd(
            "Page.addScriptToEvaluateOnNewDocument", {"source": MEDIA_EVENTS_HOOK}
        )
        yield browser
    finally:
        browser.quit()


def wait_for(
    driver: WebDriver, what: str, check: Callable[[WebDriver], T], timeout: float = 10
) -> T:
    """`check`'s first truthy result; on timeout a failure naming `what`, the page and the
    browser's console. Elements gone or not there yet (a page being replaced) are a no."""
    waiting = WebDriverWait(
        driver,
        timeout,
        poll_frequency=0.05,
        ignored_exceptions=(NoSuchElementException, StaleElementReferenceException),
    )
    try:
        return waiting.until(check)
    except TimeoutException:
        pytest.fail(f"timed out waiting for {what} on {driver.current_url}\n{console(driver)}")


def console(driver: WebDriver) -> str:
    lines = [f"{e['level']} {e['message']}" for e in driver.get_log("browser")]
    return "browser console:\n" + ("\n".join(lines) or "(empty)")


def video_state(driver: WebDriver) -> dict[str, Any]:
    state: dict[str, Any] = driver.execute_script(VIDEO_STATE)
    return state


def text_of(driver: WebDriver, css: str) -> str:
    return str(driver.find_element(By.CSS_SELECTOR, css).text)


def sign_in(driver: WebDriver, service: RunningService, name: str) -> None:
    """Ask for the findings, sign in on the login page the service sends the browser to, and
    land on the findings."""
    driver.get(service.url + "/findings")
    wait_for(driver, "the login page", lambda d: "/login" in d.current_url)
    driver.find_element(By.ID, "username").send_keys(name)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "sign-in").click()
    wait_for(driver, "the findings list", lambda d: d.find_elements(By.CSS_SELECTOR, "#findings"))
    assert driver.current_url == service.url + "/findings"


def open_finding(driver: WebDriver, kind: str, camera: str) -> str:
    """Follow the list's link to the first finding of `kind` on `camera`; its id."""
    rows = [
        row
        for row in driver.find_elements(By.CSS_SELECTOR, "#findings tbody tr")
        if row.find_elements(By.CSS_SELECTOR, f'a.finding-link[data-kind="{kind}"]')
        and camera in row.text
    ]
    assert rows, f"no {kind} finding of {camera} on the list"
    link = rows[0].find_element(By.CSS_SELECTOR, "a.finding-link")
    finding_id = str(link.get_attribute("href")).rsplit("/", 1)[-1]
    link.click()
    wait_for(driver, "the player", lambda d: d.find_elements(By.ID, "player"))
    return finding_id


def wait_playing(driver: WebDriver) -> dict[str, Any]:
    """The player's state once it plays (the page seeks, then plays); fails at once, with
    the browser's console, if the video cannot be played."""

    def playing(d: WebDriver) -> dict[str, Any] | None:
        state = video_state(d)
        if state["error"] is not None:
            pytest.fail(f"the video failed: {json.dumps(state)}\n{console(d)}")
        ok = state["readyState"] >= 2 and not state["paused"] and not state["seeking"]
        return state if ok and state["played"] else None

    return wait_for(driver, "the video to play", playing)


def test_review_a_finding_in_chromium(driver: WebDriver, service: RunningService) -> None:
    sign_in(driver, service, "inspector")
    # The frozen stretch of vault-a: its clip shows a real picture (a black one would not show
    # in the screenshot whether the video is drawn).
    finding_id = open_finding(driver, "frozen_video", "vault-a")
    video = driver.find_element(By.ID, "player")
    flagged = float(video.get_attribute("data-flagged"))
    assert video.get_attribute("src") == f"{service.url}/api/findings/{finding_id}/clip"

    first = wait_playing(driver)
    diagnosis = f"{json.dumps(first)}\n{console(driver)}"
    assert first["videoWidth"] == 640 and first["videoHeight"] == 360, diagnosis
    assert first["duration"] > flagged, diagnosis
    # Right after the seek, and where playing began: the flagged second. (Chromium may also
    # count the clip's lead-in before its first picture, [0, 0.2], as played.)
    seeked = [e["t"] for e in first["events"] if e["type"] == "seeked"]
    assert seeked, f"the page never sought: {diagnosis}"
    assert abs(seeked[0] - flagged) <= SEEK_TOLERANCE_S, diagnosis
    began_at = [a for a, b in first["played"] if a <= first["currentTime"] <= b]
    assert began_at and abs(began_at[0] - flagged) <= SEEK_TOLERANCE_S, diagnosis
    time.sleep(1.0)
    second = video_state(driver)
    diagnosis = f"{json.dumps(first)}\n{json.dumps(second)}\n{console(driver)}"
    assert not second["paused"] and second["error"] is None, diagnosis
    assert 0.5 <= second["currentTime"] - first["currentTime"] <= 2.0, diagnosis
    assert second["decodedFrames"] > first["decodedFrames"], diagnosis

    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / "finding-page.png"
    assert driver.save_screenshot(str(screenshot))
    viewport = driver.execute_script(
        "return [window.innerWidth * devicePixelRatio, window.innerHeight * devicePixelRatio]"
    )
    box = driver.execute_script(
        "const r = document.getElementById('player').getBoundingClientRect();"
        "return [r.left, r.top, r.right, r.bottom].map(Math.round)"
    )
    with Image.open(screenshot) as image:
        assert image.format == "PNG"
        assert list(image.size) == [round(v) for v in viewport]
        assert 0 <= box[0] < box[2] <= image.width and 0 <= box[1] < box[3] <= image.height
        # The clip's picture is drawn, not a black or empty box.
        picture = image.convert("L").crop(tuple(box))
        low, high = picture.getextrema()
        assert high - low > 50, f"the player shows a flat picture ({low}..{high}) in {screenshot}"

    # Chinese by default.
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-CN"
    assert text_of(driver, "#review-state") == "待复核"
    assert "审查记录" in driver.page_source
    comment = "画面冻结系录像机重启所致，已核实（浏览器测试）"
    driver.find_element(By.ID, "comment").send_keys(comment)
    driver.find_element(By.ID, "dismiss").click()
    wait_for(
        driver,
        "the dismissed state",
        lambda d: "state-dismissed" in d.find_element(By.ID, "review-state").get_attribute("class"),
    )
    assert driver.current_url == f"{service.url}/findings/{finding_id}"
    assert text_of(driver, "#review-state") == "已排除"
    reviews = text_of(driver, "ul.reviews")
    assert "已排除 · inspector" in reviews and comment in reviews
    assert not driver.find_elements(By.ID, "dismiss")  # decided: no second decision offered
    finding_audit = text_of(driver, "#finding-audit")
    assert "复核发现" in finding_audit and "查看片段" in finding_audit
    # Leaving the page reports what its player played; settle that first, so the audit log
    # read below is the same in both languages.
    stop_and_wait_for_report(driver, service, finding_id)

    driver.find_element(By.CSS_SELECTOR, 'nav a[href="/audit"]').click()
    wait_for(driver, "the audit log", lambda d: d.find_elements(By.ID, "audit-log"))
    assert text_of(driver, "h1").startswith("审计日志")

    def audit_rows(d: WebDriver) -> list[tuple[str, str, str]]:
        cells = d.execute_script(
            "return Array.from(document.querySelectorAll('#audit-log tbody tr'),"
            " r => Array.from(r.cells, c => c.dataset.raw || c.textContent.trim()))"
        )
        # actor, action, object ("finding <first 16 of the id>"): the trail's own words, which
        # the cells keep in `data-raw` under their names in the page's language
        return [(row[2], row[4], row[5]) for row in cells]

    shown = audit_rows(driver)
    about = f"finding {finding_id[:16]}"
    assert ("inspector", "finding.review", about) in shown, shown
    assert ("inspector", "clip.view", about) in shown, shown
    assert ("inspector", "clip.played", about) in shown, shown
    assert ("inspector", "login", "user inspector") in shown, shown

    # English at a click, and the same records.
    driver.find_element(By.ID, "language").click()
    wait_for(
        driver,
        "the English page",
        lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en",
    )
    assert driver.current_url == service.url + "/audit"
    assert text_of(driver, "h1").startswith("Audit log")
    assert text_of(driver, "#language") == "中文"
    assert audit_rows(driver) == shown

    engine = open_store(service.db)
    try:
        with Session(engine) as session:
            chain = verify_chain(session)
            records = load_audit(session, object_type="finding", object_id=finding_id)
    finally:
        engine.dispose()
    assert chain.intact, chain.problem
    reviews_stored = [r.entry for r in records if r.entry.action == "finding.review"]
    assert len(reviews_stored) == 1
    assert reviews_stored[0].actor == "inspector"
    assert reviews_stored[0].detail["from"] == "open"
    assert reviews_stored[0].detail["to"] == "dismissed"
    assert reviews_stored[0].detail["comment"] == comment
    views = [r.entry for r in records if r.entry.action == "clip.view"]
    assert views and views[0].detail["derived"] is False


def test_the_player_opens_on_the_flagged_picture(
    driver: WebDriver, service: RunningService
) -> None:
    """A black picture from 08:00:36 on vault-a: the picture the page's seek lands on is black,
    the one a frame (0.1 s) before it is not."""
    sign_in(driver, service, "auditor")
    open_finding(driver, "black_video", "vault-a")
    flagged = float(driver.find_element(By.ID, "player").get_attribute("data-flagged"))
    state = wait_playing(driver)
    seeks = [e for e in state["events"] if e["type"] == "seeked"]
    # Playing starts with the seek, so the time read at `seeked` may be a little past it, but
    # not past the flagged picture (pictures are 0.1 s apart).
    assert seeks and flagged - 1e-3 <= seeks[0]["t"] < flagged + 0.1, state
    before: list[float] = driver.execute_async_script(
        """
        const [t, done] = arguments;
        const v = document.getElementById("player");
        v.pause();
        v.addEventListener("seeked", () => done([v.currentTime, meanLuma(v)]), {once: true});
        v.currentTime = t;
        """,
        flagged - 0.1,
    )
    assert before[1] > 60, f"the picture a frame before the flagged second is not live: {before}"
    assert seeks[0]["luma"] < 10, f"the picture at the flagged second is not black: {state}"


def _canvas_state(driver: WebDriver) -> tuple[list[list[float]], int, float]:
    """The editor's boxes (pixels of the picture), the selected one, and picture pixels per
    screen pixel."""
    state = driver.execute_script(
        "const c = document.getElementById('label-canvas');"
        "return [c.dataset.boxes, c.dataset.selected, c.clientWidth];"
    )
    width = int(driver.find_element(By.ID, "label-image").get_attribute("naturalWidth"))
    return json.loads(state[0]), int(state[1]), width / float(state[2])


def _drag(
    driver: WebDriver, canvas: Any, start: tuple[float, float], end: tuple[float, float]
) -> None:
    """Press at `start`, move in steps, release at `end` (screen pixels from the canvas's
    top left)."""
    size = canvas.size
    actions = ActionChains(driver, duration=20)
    actions.move_to_element_with_offset(
        canvas, round(start[0] - size["width"] / 2), round(start[1] - size["height"] / 2)
    )
    actions.click_and_hold()
    steps = 5
    moved = (0, 0)
    for k in range(1, steps + 1):
        target = (round((end[0] - start[0]) * k / steps), round((end[1] - start[1]) * k / steps))
        actions.move_by_offset(target[0] - moved[0], target[1] - moved[1])
        moved = target
    actions.release()
    actions.perform()


def _free_spot(
    taken: list[list[float]], scale: float, size: tuple[int, int]
) -> tuple[float, float]:
    """Top left (screen pixels) of an 80 x 60 spot that overlaps none of `taken` (picture
    pixels) with a margin for moving it."""
    for top in range(10, size[1] - 100, 20):
        for left in range(10, size[0] - 140, 20):
            spot = (left - 40, top - 30, left + 120, top + 90)
            clear = all(
                spot[2] < b[0] / scale
                or spot[0] > b[2] / scale
                or spot[3] < b[1] / scale
                or spot[1] > b[3] / scale
                for b in taken
            )
            if clear:
                return float(left), float(top)
    raise AssertionError(f"no free spot on the picture next to {taken}")


def test_label_bundles_on_a_findings_picture(driver: WebDriver, service: RunningService) -> None:
    """Draw two boxes, move one, delete one with the Delete key and a third with the button;
    save; the store holds exactly the boxes left on the screen (with the model's, if it boxed
    any), and the page opens on them again."""
    sign_in(driver, service, "inspector")
    finding_id = open_finding(driver, "bundle_count_mismatch", "vault-b")
    wait_for(
        driver,
        "the label editor's picture",
        lambda d: d.find_element(By.ID, "labelling").get_attribute("data-ready") == "1",
        timeout=30,
    )
    counted = text_of(driver, "#bundles-counted-by")
    assert counted.startswith("bundle_yolo@"), counted
    source = text_of(driver, "#label-source")
    assert counted in source and "检测结果" in source, source
    canvas = driver.find_element(By.ID, "label-canvas")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", canvas)
    detected, _, scale = _canvas_state(driver)
    size = (canvas.size["width"], canvas.size["height"])

    first = _free_spot(detected, scale, size)
    _drag(driver, canvas, first, (first[0] + 80, first[1] + 60))
    boxes, selected, _ = _canvas_state(driver)
    assert len(boxes) == len(detected) + 1 and selected == len(detected)
    second = _free_spot(boxes, scale, size)
    _drag(driver, canvas, second, (second[0] + 50, second[1] + 40))
    boxes, selected, _ = _canvas_state(driver)
    assert len(boxes) == len(detected) + 2 and selected == len(detected) + 1
    drawn_first = boxes[len(detected)]
    np.testing.assert_allclose(
        drawn_first, [v * scale for v in (*first, first[0] + 80, first[1] + 60)], atol=2 * scale
    )

    # Move the first drawn box 30 px right and 20 px down by dragging its middle.
    middle = (first[0] + 40, first[1] + 30)
    _drag(driver, canvas, middle, (middle[0] + 30, middle[1] + 20))
    boxes, selected, _ = _canvas_state(driver)
    assert selected == len(detected)
    moved = boxes[len(detected)]
    np.testing.assert_allclose(
        moved,
        [
            drawn_first[0] + 30 * scale,
            drawn_first[1] + 20 * scale,
            drawn_first[2] + 30 * scale,
            drawn_first[3] + 20 * scale,
        ],
        atol=2 * scale,
    )

    # Select the second drawn box and delete it with the Delete key.
    ActionChains(driver).move_to_element_with_offset(
        canvas, round(second[0] + 25 - size[0] / 2), round(second[1] + 20 - size[1] / 2)
    ).click().perform()
    assert _canvas_state(driver)[1] == len(detected) + 1
    ActionChains(driver).send_keys(Keys.DELETE).perform()
    boxes, selected, _ = _canvas_state(driver)
    assert selected == -1 and len(boxes) == len(detected) + 1
    # A third box, drawn, then removed with the button while it is selected.
    third = _free_spot(boxes, scale, size)
    _drag(driver, canvas, third, (third[0] + 40, third[1] + 40))
    assert _canvas_state(driver)[1] == len(detected) + 1
    driver.find_element(By.ID, "label-delete").click()
    expected = [*detected, moved]
    boxes, _, _ = _canvas_state(driver)
    np.testing.assert_allclose(boxes, expected, atol=1e-6)

    driver.find_element(By.ID, "label-save").click()
    wait_for(
        driver,
        "the labels to be saved",
        lambda d: "saved" in d.find_element(By.ID, "label-status").get_attribute("class"),
    )
    assert text_of(driver, "#label-status") == "标注已保存"
    assert "inspector" in text_of(driver, "#label-source") and counted in text_of(
        driver, "#label-source"
    )
    ARTIFACTS.mkdir(exist_ok=True)
    assert driver.save_screenshot(str(ARTIFACTS / "label-editor.png"))

    engine = open_store(service.db)
    try:
        with Session(engine) as session:
            [stored] = load_labelled_frames(session, LabelFilter())
            records = load_audit(session, object_type="labelled_frame", object_id=str(stored.id))
    finally:
        engine.dispose()
    assert stored.finding_id == finding_id and stored.camera == "vault-b"
    assert stored.labelled_by == "inspector" and stored.started_from == counted
    np.testing.assert_allclose(stored.boxes, np.asarray(expected).reshape(-1, 4), atol=0.01)
    assert [r.entry.action for r in records] == ["label.save"]

    # Opened again, the page starts from the saved boxes.
    driver.refresh()
    wait_for(
        driver,
        "the label editor again",
        lambda d: d.find_element(By.ID, "labelling").get_attribute("data-ready") == "1",
        timeout=30,
    )
    np.testing.assert_allclose(_canvas_state(driver)[0], stored.boxes.reshape(-1, 4), atol=0.01)
    assert "inspector" in text_of(driver, "#label-source")

    # In English too.
    driver.find_element(By.ID, "language").click()
    wait_for(
        driver,
        "the English editor",
        lambda d: (
            d.find_element(By.ID, "labelling").get_attribute("data-ready") == "1"
            and d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
        ),
        timeout=30,
    )
    assert text_of(driver, "#labelling h2") == "Label bundles"
    assert text_of(driver, "#label-save") == "Save labels"
    english = text_of(driver, "#label-source")
    assert english.startswith("Saved by inspector at ") and english.endswith(
        f"corrected from the boxes of {counted}"
    ), english


def _played_records(service: RunningService, finding_id: str) -> list[dict[str, Any]]:
    engine = open_store(service.db)
    try:
        with Session(engine) as session:
            records = load_audit(session, object_type="finding", object_id=finding_id)
    finally:
        engine.dispose()
    return [dict(r.entry.detail) for r in records if r.entry.action == "clip.played"]


def stop_and_wait_for_report(driver: WebDriver, service: RunningService, finding_id: str) -> None:
    """Pause the player and wait until the trail holds a report reaching the end of what it
    played (so leaving the page sends nothing more)."""
    driver.execute_script("document.getElementById('player').pause()")
    played = video_state(driver)["played"]
    if not played:
        return
    clip_start = float(driver.find_element(By.ID, "player").get_attribute("data-clip-start"))
    last = clip_start + max(end for _, end in played)

    def reported(_: WebDriver) -> bool:
        ends = [end for r in _played_records(service, finding_id) for _, end in r["played"]]
        return any(abs(end - last) < 1e-3 for end in ends)

    wait_for(driver, "the pause's report in the audit trail", reported)


def test_the_player_reports_what_it_played(driver: WebDriver, service: RunningService) -> None:
    """V12 counts footage as played back only from the player's own report: play, pause, and
    the played range arrives in the audit trail on the wall clock; play on and leave the page,
    and what was played since arrives too, without what was reported before."""
    sign_in(driver, service, "inspector")
    finding_id = open_finding(driver, "frozen_video", "vault-a")
    clip_start = float(driver.find_element(By.ID, "player").get_attribute("data-clip-start"))
    wait_playing(driver)
    time.sleep(1.5)
    driver.execute_script("document.getElementById('player').pause()")
    at_pause = video_state(driver)["played"]
    assert at_pause and sum(b - a for a, b in at_pause) >= 1.0, at_pause

    def records(count: int) -> Callable[[WebDriver], list[dict[str, Any]] | None]:
        def arrived(_: WebDriver) -> list[dict[str, Any]] | None:
            found = _played_records(service, finding_id)
            return found if len(found) >= count else None

        return arrived

    (first,) = wait_for(driver, "the played range in the audit trail", records(1))
    assert first["camera"] == "vault-a"
    diagnosis = f"{first} {at_pause} {clip_start}\n{console(driver)}"
    assert len(first["played"]) == len(at_pause), diagnosis
    for (start, end), (a, b) in zip(first["played"], at_pause, strict=True):
        assert start == pytest.approx(clip_start + a, abs=1e-3), diagnosis
        assert end == pytest.approx(clip_start + b, abs=1e-3), diagnosis

    driver.execute_script("document.getElementById('player').play()")
    time.sleep(1.5)
    before_leaving = video_state(driver)["played"]
    driver.get(service.url + "/findings")  # pagehide
    _, second = wait_for(driver, "the report sent when the page was left", records(2))
    assert second["camera"] == "vault-a"
    reported_end = max(end for _, end in first["played"])
    new = [(start - clip_start, end - clip_start) for start, end in second["played"]]
    diagnosis = f"{second} {before_leaving} {first}"
    # Only what was played after the pause, within what the player says it played.
    assert all(start >= reported_end - clip_start - 1e-3 for start, _ in new), diagnosis
    assert sum(end - start for start, end in new) >= 1.0, diagnosis
    assert max(end for _, end in new) <= max(b for _, b in before_leaving) + 0.5, diagnosis
    engine = open_store(service.db)
    try:
        with Session(engine) as session:
            assert verify_chain(session).intact
    finally:
        engine.dispose()
