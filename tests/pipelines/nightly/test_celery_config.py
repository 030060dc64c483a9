"""The Celery app's settings: late acknowledgement, one task at a time, the beat schedule from
the environment, lost tasks swept back within the visibility timeout."""

from __future__ import annotations

import pytest
from celery.schedules import crontab

from pipelines.nightly import celery_app


def test_tasks_are_acknowledged_after_they_ran() -> None:
    conf = celery_app.app.conf
    assert conf.task_acks_late and conf.task_reject_on_worker_lost
    assert conf.worker_prefetch_multiplier == 1
    assert celery_app.analyse_task.max_retries == 3 and celery_app.analyse_task.retry_backoff


@pytest.mark.parametrize(("timeout", "sweep"), [(3600, 10), (3, 1), (8, 4)])
def test_lost_tasks_are_looked_for_often_enough(timeout: int, sweep: int) -> None:
    options = celery_app._transport_options(timeout)
    assert options["visibility_timeout"] == timeout
    assert options["unacked_restore_interval"] == sweep
    assert options["unacked_restore_throttle"] == 1


def test_the_beat_schedule_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VAULTWATCH_NIGHTLY_SITE", raising=False)
    assert celery_app._beat_schedule() == {}
    monkeypatch.setenv("VAULTWATCH_NIGHTLY_SITE", "/etc/vaultwatch/site.yaml")
    monkeypatch.setenv("VAULTWATCH_NIGHTLY_AT", "02:15")
    monkeypatch.setenv("VAULTWATCH_DB", "postgresql://vw@db/vaultwatch")
    entry = celery_app._beat_schedule()["vaultwatch-nightly"]
    assert entry["task"] == "vaultwatch.nightly"
    assert entry["schedule"] == crontab(hour=2, minute=15)
    assert entry["args"][0]["site_path"] == "/etc/vaultwatch/site.yaml"
    assert entry["args"][0]["db_url"] == "postgresql://vw@db/vaultwatch"
    # The coordinator waits for the analyses: it has a queue of its own.
    assert (
        celery_app.app.conf.task_routes["vaultwatch.nightly"]["queue"] == "vaultwatch.coordinator"
    )
