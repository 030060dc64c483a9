"""Celery: analysis units as tasks on workers of many machines, with Redis as the broker.

    VAULTWATCH_BROKER=redis://queue-host:6379/0 vaultwatch worker --concurrency 2   # each machine
    VAULTWATCH_BROKER=... vaultwatch nightly --site site.yaml --backend celery       # coordinator

Tasks are acknowledged after they ran (`acks_late`): a worker killed in the middle leaves its
task to be delivered again (at once when only the pool process died, after the broker's
visibility timeout when the whole worker did). Delivering a unit twice is harmless (see
`pipelines.nightly.analyse`). Failures are retried with exponential backoff. The store is the
shared PostgreSQL; the site file must be at the same path on every machine.

Beat: with `VAULTWATCH_NIGHTLY_SITE` (and `VAULTWATCH_NIGHTLY_AT`, default 01:30, in
`VAULTWATCH_TZ`, else UTC) set, `vaultwatch worker --beat` also starts the schedule, which
sends the coordinator itself as a task to the `vaultwatch.coordinator` queue: give it a
worker of its own (`vaultwatch worker --queues vaultwatch.coordinator --concurrency 1`),
since it waits for the analysis tasks.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from celery import Celery, group
from celery.result import allow_join_result
from celery.schedules import crontab

from pipelines.nightly.context import RunConfig
from pipelines.nightly.executors import UnitFailure, run_unit
from pipelines.nightly.units import AnalysisUnit

log = logging.getLogger(__name__)

DEFAULT_BROKER = "redis://127.0.0.1:6379/0"
ANALYSIS_QUEUE = "vaultwatch.analysis"
COORDINATOR_QUEUE = "vaultwatch.coordinator"


def broker_url() -> str:
    return os.environ.get("VAULTWATCH_BROKER", DEFAULT_BROKER)


def _transport_options(visibility_timeout_s: int) -> dict[str, int]:
    """How long a task taken by a worker that vanished waits before it is given to another,
    and how often workers look for such tasks (Redis keeps them aside until then; kombu's
    default sweep, every 100 s, would dominate a short timeout)."""
    sweep_s = max(1, min(10, visibility_timeout_s // 2))
    return {
        "visibility_timeout": visibility_timeout_s,
        "unacked_restore_interval": sweep_s,
        "unacked_restore_throttle": 1,
    }


app = Celery("vaultwatch")
app.conf.update(
    broker_url=broker_url(),
    result_backend=os.environ.get("VAULTWATCH_RESULTS", broker_url()),
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    # One unit at a time per process: a unit is minutes of decoding, and a prefetched one
    # would wait behind it instead of going to an idle machine.
    worker_prefetch_multiplier=1,
    task_default_queue=ANALYSIS_QUEUE,
    task_routes={"vaultwatch.nightly": {"queue": COORDINATOR_QUEUE}},
    broker_connection_retry_on_startup=True,
    broker_transport_options=_transport_options(
        int(os.environ.get("VAULTWATCH_VISIBILITY_TIMEOUT", "3600"))
    ),
    result_expires=7 * 86400,
    worker_hijack_root_logger=False,
    timezone=os.environ.get("VAULTWATCH_TZ", "UTC"),
)


# Celery ships no type hints: its decorators leave the tasks untyped.
@app.task(  # type: ignore[untyped-decorator]
    name="vaultwatch.analyse",
    autoretry_for=(Exception,),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=3,
)
def analyse_task(unit: dict[str, object], config: dict[str, str | None]) -> bool:
    """Analyse one unit; True when it was done now, False when it was stored already."""
    return run_unit(unit, _config(config))


@app.task(name="vaultwatch.nightly")  # type: ignore[untyped-decorator]
def nightly_task(config: dict[str, str | None]) -> dict[str, Any]:
    """The whole nightly run, started by the beat schedule (see the module docstring)."""
    from pipelines.nightly.run import run_nightly

    with allow_join_result():
        outcome = run_nightly(_config(config), CeleryExecutor())
    return {"run": outcome.run_id, "analysed": outcome.units, "failed": len(outcome.failures)}


def _config(message: dict[str, str | None]) -> RunConfig:
    return RunConfig(
        db_url=str(message["db_url"]), site_path=str(message["site_path"]), tz=message.get("tz")
    )


@dataclass(frozen=True)
class CeleryExecutor:
    """Sends every unit as a task and waits until all have run (or `timeout_s` passed:
    then the run fails, and the next run takes up what is still missing)."""

    timeout_s: float | None = None
    poll_s: float = 0.5
    name: str = "celery"

    def run(
        self, units: Sequence[AnalysisUnit], config: RunConfig, done: Callable[[], None]
    ) -> list[UnitFailure]:
        if not units:
            return []
        message = config.to_message()
        result = group(analyse_task.s(u.to_message(), message) for u in units).apply_async()
        started = time.monotonic()
        reported = 0
        while True:
            finished = sum(1 for r in result.results if r.ready())
            for _ in range(finished - reported):
                done()
            reported = finished
            if finished == len(units):
                break
            if self.timeout_s is not None and time.monotonic() - started > self.timeout_s:
                raise TimeoutError(
                    f"{len(units) - finished} of {len(units)} analysis tasks not done after "
                    f"{self.timeout_s:.0f} s; run nightly again to take them up"
                )
            time.sleep(self.poll_s)
        return [
            UnitFailure(unit, str(r.result)) for unit, r in zip(units, result.results, strict=True)
            if r.failed()
        ]  # fmt: skip


def _beat_schedule() -> dict[str, Any]:
    site = os.environ.get("VAULTWATCH_NIGHTLY_SITE")
    if not site:
        return {}
    hour, minute = os.environ.get("VAULTWATCH_NIGHTLY_AT", "01:30").split(":")
    config = RunConfig(
        db_url=os.environ.get("VAULTWATCH_DB", ""), site_path=site,
        tz=os.environ.get("VAULTWATCH_TZ"),
    )  # fmt: skip
    return {
        "vaultwatch-nightly": {
            "task": "vaultwatch.nightly",
            "schedule": crontab(hour=int(hour), minute=int(minute)),
            "args": (config.to_message(),),
        }
    }


app.conf.beat_schedule = _beat_schedule()
