"""Where units run: behind one interface, in this process (the embedded default: no
services) or on Celery workers (`pipelines.nightly.celery_app`)."""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Protocol

from pipelines.nightly.analyse import analyse_unit
from pipelines.nightly.context import RunConfig, worker_context
from pipelines.nightly.units import AnalysisUnit

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class UnitFailure:
    unit: AnalysisUnit
    reason: str


class Executor(Protocol):
    """Runs every unit (each at least once; running one twice is harmless) and returns the
    ones that failed after their retries. `done` is told of each unit finished."""

    @property
    def name(self) -> str: ...

    def run(
        self, units: Sequence[AnalysisUnit], config: RunConfig, done: Callable[[], None]
    ) -> list[UnitFailure]: ...


def run_unit(message: dict[str, object], config: RunConfig) -> bool:
    """The work of one unit in any process: what pool workers and Celery tasks call."""
    context = worker_context(config)
    return analyse_unit(context.engine, context.options, AnalysisUnit.from_message(message))


@dataclass(frozen=True)
class InProcessExecutor:
    """Units on this machine: in this process (`workers` 1) or a pool of processes."""

    workers: int = 1
    name: str = "inprocess"

    def run(
        self, units: Sequence[AnalysisUnit], config: RunConfig, done: Callable[[], None]
    ) -> list[UnitFailure]:
        failures = []
        if self.workers == 1:
            for unit in units:
                try:
                    run_unit(unit.to_message(), config)
                except Exception as exc:  # one bad file must not stop the night
                    failures.append(UnitFailure(unit, _reason(exc)))
                done()
            return failures
        # Spawned, not forked: the parent holds store connections, the run lock and the
        # detector runtime's threads, none of which survive a fork intact.
        spawn = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=self.workers, mp_context=spawn) as pool:
            futures = {pool.submit(run_unit, u.to_message(), config): u for u in units}
            for future in as_completed(futures):
                error = future.exception()
                if error is not None:
                    failures.append(
                        UnitFailure(futures[future], f"{type(error).__name__}: {error}")
                    )
                done()
        return failures


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}".splitlines()[0][:500]
