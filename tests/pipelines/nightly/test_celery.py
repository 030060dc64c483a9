"""Nightly runs on real Celery workers (separate processes) through the real Redis, into the
shared PostgreSQL: the same findings as the in-process backend, and the same again when a
worker is killed with `kill -9` at a random moment and the run is finished afterwards."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa

from pipelines.nightly.context import RunConfig
from pipelines.nightly.executors import InProcessExecutor
from pipelines.nightly.run import run_nightly
from tests.conftest import pg_schema_url
from tests.pipelines.nightly.conftest import comparable, make_site, stored_findings

pytestmark = [pytest.mark.video, pytest.mark.postgres, pytest.mark.redis]

REDIS_DB = 9  # a database of its own, emptied before and after
BROKER = f"redis://127.0.0.1:6379/{REDIS_DB}"
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def broker() -> Iterator[str]:
    client = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)
    try:
        client.ping()
    except redis.ConnectionError as error:
        if os.environ.get("CI"):
            pytest.fail(f"Redis not reachable at 127.0.0.1:6379: {error}")
        pytest.skip(f"Redis not reachable at 127.0.0.1:6379: {error}")
    client.flushdb()
    yield BROKER
    client.flushdb()
    client.close()


@pytest.fixture
def pg_url(pg_admin: sa.Engine) -> Iterator[str]:
    yield from pg_schema_url(pg_admin)


def service_env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "VAULTWATCH_BROKER": BROKER,
        "VAULTWATCH_HOME": str(tmp_path / "home"),
        # A task held by a worker that vanished is given to another after 3 s.
        "VAULTWATCH_VISIBILITY_TIMEOUT": "3",
        "PYTHONPATH": str(ROOT),
    }


def vaultwatch(*args: str) -> list[str]:
    return [sys.executable, "-m", "pipelines.cli", *args]


class Workers:
    """`vaultwatch worker` processes, each in its own process group (killed whole)."""

    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.env, self.log_dir = env, log_dir
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self) -> subprocess.Popen[bytes]:
        # The child keeps its own copy of the descriptor.
        with (self.log_dir / f"worker-{len(self.processes)}.log").open("wb") as log:
            process = subprocess.Popen(
                vaultwatch("worker", "--concurrency", "1"),
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes.append(process)
        return process

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@pytest.fixture
def workers(broker: str, tmp_path: Path) -> Iterator[Workers]:
    pool = Workers(service_env(tmp_path), tmp_path)
    yield pool
    pool.stop_all()


def nightly(site, db_url: str, env: dict[str, str], timeout_s: float = 90):  # type: ignore[no-untyped-def]
    return subprocess.Popen(
        vaultwatch("nightly", "--site", str(site.site), "--db", db_url, "--backend", "celery",
                   "--timeout", str(timeout_s), "--reports", "none"),
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip


def reference_findings(segments: Path, tmp_path: Path) -> list[tuple[object, ...]]:
    reference = make_site(tmp_path / "ref", segments, f"sqlite:///{tmp_path / 'ref.db'}")
    run_nightly(RunConfig(reference.db_url, str(reference.site)), InProcessExecutor())
    return comparable(stored_findings(reference.db_url))


def counts(db_url: str) -> dict[str, int]:
    engine = sa.create_engine(db_url)
    with engine.connect() as connection:
        found = {
            table: int(connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one())
            for table in ("findings", "recordings", "count_timelines", "recording_analyses")
        }
    engine.dispose()
    return found


def wait_for_analyses(db_url: str, at_least: int, timeout_s: float = 120) -> int:
    engine = sa.create_engine(db_url)
    deadline = time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline:
            with engine.connect() as connection:
                try:
                    done = connection.execute(
                        sa.text("SELECT count(*) FROM recording_analyses")
                    ).scalar_one()
                except sa.exc.ProgrammingError:  # the coordinator has not made the tables yet
                    done = 0
            if done >= at_least:
                return int(done)
            time.sleep(0.01)
    finally:
        engine.dispose()
    raise AssertionError(f"fewer than {at_least} recordings analysed after {timeout_s} s")


def test_two_celery_workers_find_what_the_in_process_backend_finds(
    segments: Path, tmp_path: Path, pg_url: str, workers: Workers
) -> None:
    workers.start()
    workers.start()
    site = make_site(tmp_path / "celery", segments, pg_url)
    run = nightly(site, pg_url, workers.env)
    output, _ = run.communicate(timeout=180)
    assert run.returncode == 0, output.decode()
    assert "6 analysed, 0 failed" in output.decode()
    assert comparable(stored_findings(pg_url)) == reference_findings(segments, tmp_path)
    assert counts(pg_url) == {
        "findings": len(reference_findings(segments, tmp_path / "again")),
        "recordings": 6,
        "count_timelines": 6,
        "recording_analyses": 6,
    }
    # Both workers took part.
    logs = [(tmp_path / f"worker-{i}.log").read_text(errors="replace") for i in range(2)]
    assert all("vaultwatch.analyse" in log and "succeeded" in log for log in logs), logs


@pytest.mark.parametrize("seed", [11, 22, 33])
def test_a_worker_killed_mid_scan_changes_nothing(
    segments: Path, tmp_path: Path, pg_url: str, workers: Workers, seed: int
) -> None:
    expected = reference_findings(segments, tmp_path)
    site = make_site(tmp_path / "celery", segments, pg_url)
    victim = workers.start()
    workers.start()
    run = nightly(site, pg_url, workers.env, timeout_s=15)
    # Killed once a random number of recordings is stored: both workers are then busy (one
    # task each, acknowledged only when done), so the victim dies in the middle of one.
    after = random.Random(seed).randint(1, 4)
    stored_when_killed = wait_for_analyses(pg_url, after)
    workers.kill(victim)
    assert stored_when_killed < 6, "the scan ended before the worker could be killed"
    workers.start()  # the machine comes back
    output, _ = run.communicate(timeout=180)
    print(f"kill after {stored_when_killed} analyses; first run exit {run.returncode}")
    if run.returncode != 0:
        # The coordinator gave up waiting for the lost task: the next run finishes the night.
        again = nightly(site, pg_url, workers.env)
        more, _ = again.communicate(timeout=180)
        assert again.returncode == 0, more.decode()
    assert comparable(stored_findings(pg_url)) == expected, output.decode()
    assert counts(pg_url) == {
        "findings": len(expected),
        "recordings": 6,
        "count_timelines": 6,
        "recording_analyses": 6,
    }


def test_a_coordinator_killed_mid_scan_is_finished_by_the_next_run(
    segments: Path, tmp_path: Path, pg_url: str, workers: Workers
) -> None:
    expected = reference_findings(segments, tmp_path)
    site = make_site(tmp_path / "celery", segments, pg_url)
    workers.start()
    run = nightly(site, pg_url, workers.env)
    wait_for_analyses(pg_url, 2)
    run.kill()  # SIGKILL: no cleanup, its lock dies with its connection
    run.communicate()
    again = nightly(site, pg_url, workers.env)
    output, _ = again.communicate(timeout=180)
    assert again.returncode == 0, output.decode()
    assert comparable(stored_findings(pg_url)) == expected
    assert counts(pg_url)["recording_analyses"] == 6
    assert counts(pg_url)["findings"] == len(expected)
