"""Running an iterator a few items ahead of its consumer, in a thread of its own.

Decoding a picture (PyAV, FFmpeg) and analysing it (NumPy, ONNX Runtime) both release the
GIL, so on two cores the decoder can work on the next frames while the scan measures this
one. A keyframe-only pass over a noisy 1080p camera spends about as long decoding as
analysing, but the two share the memory bandwidth: the overlap took 7 % off such a scan on
the development machine's two cores, more where memory is not the limit.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

# How long the consumer waits for the producer to notice it stopped, between two drains of
# the queue (the producer only looks after handing over an item).
_DRAIN_EVERY_S = 0.05


@dataclass(frozen=True)
class _Failed:
    error: BaseException


class _Done:
    pass


_DONE = _Done()


class _Item(Generic[T]):
    __slots__ = ("value",)

    def __init__(self, value: T) -> None:
        self.value = value


def read_ahead(make: Callable[[], Iterator[T]], depth: int) -> Generator[T]:
    """The items of `make()`, produced in a background thread at most `depth` ahead.

    The iterator is made, run and closed in that thread (a generator holding an open file
    opens and closes it there). Its exception is raised here, at the item where it stopped.
    Closing this generator early stops the producer at its next item and waits for it, so
    nothing keeps decoding after the consumer has gone.
    """
    handed: queue.Queue[_Item[T] | _Failed | _Done] = queue.Queue(maxsize=max(1, depth))
    stop = threading.Event()

    def produce() -> None:
        items = None
        try:
            items = make()
            for item in items:
                handed.put(_Item(item))
                if stop.is_set():
                    return
            handed.put(_DONE)
        except BaseException as exc:  # handed to the consumer, which raises it
            handed.put(_Failed(exc))
        finally:
            if isinstance(items, Generator):
                items.close()

    producer = threading.Thread(target=produce, name="read-ahead", daemon=True)
    producer.start()
    try:
        while True:
            got = handed.get()
            if isinstance(got, _Done):
                return
            if isinstance(got, _Failed):
                raise got.error
            yield got.value
    finally:
        stop.set()
        # The producer may be blocked handing over an item: take them until it has seen
        # the stop and ended.
        while producer.is_alive():
            try:
                handed.get(timeout=_DRAIN_EVERY_S)
            except queue.Empty:
                pass
        producer.join()
