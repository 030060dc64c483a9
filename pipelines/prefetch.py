"""Run an iterator in a background thread so that producing and consuming overlap.

Decoding (FFmpeg) and detection (ONNX Runtime) both release the GIL, so a decoder thread that
stays a few frames ahead of the analysis keeps both cores of a small machine busy.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import TypeVar

T = TypeVar("T")

_DONE = object()


class _Failure:
    __slots__ = ("error",)

    def __init__(self, error: BaseException) -> None:
        self.error = error


def prefetched(items: Iterator[T], depth: int = 8) -> Iterator[T]:
    """Yield what `items` yields, produced by a thread at most `depth` items ahead.

    An exception in the producer is raised here, at the point it occurred in the sequence.
    Closing the returned generator early (break, an exception in the consumer) stops the
    producer and waits for it, so the source (an open file) is closed before this returns.
    """
    if depth < 1:
        raise ValueError(f"depth must be >= 1, got {depth}")
    buffer: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def offer(item: object) -> bool:
        while not stop.is_set():
            try:
                buffer.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not offer(item):
                    break
            else:
                offer(_DONE)
        except BaseException as exc:  # handed to the consumer and raised there
            offer(_Failure(exc))
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()

    worker = threading.Thread(target=produce, name="prefetch", daemon=True)
    worker.start()
    try:
        while True:
            item = buffer.get()
            if item is _DONE:
                return
            if isinstance(item, _Failure):
                raise item.error
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        worker.join()
