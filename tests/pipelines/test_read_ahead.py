"""The read-ahead thread: items in order, the producer's error raised where it happened, and
a consumer that stops early stops the producer and closes its generator."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from pipelines.read_ahead import read_ahead


def test_items_arrive_in_order_and_all_of_them():
    assert list(read_ahead(lambda: iter(range(1000)), depth=3)) == list(range(1000))


def test_the_producer_runs_in_its_own_thread():
    seen: list[str] = []

    def names() -> Iterator[int]:
        seen.append(threading.current_thread().name)
        yield 1

    assert list(read_ahead(names, depth=2)) == [1]
    assert seen == ["read-ahead"]


def test_an_error_is_raised_after_the_items_before_it():
    def failing() -> Iterator[int]:
        yield 1
        yield 2
        raise ValueError("damaged file")

    got: list[int] = []
    with pytest.raises(ValueError, match="damaged file"):
        for item in read_ahead(failing, depth=8):
            got.append(item)
    assert got == [1, 2]


def test_stopping_early_closes_the_producer_and_leaves_no_thread():
    produced: list[int] = []
    closed = threading.Event()

    def endless() -> Iterator[int]:
        try:
            n = 0
            while True:
                produced.append(n)
                yield n
                n += 1
        finally:
            closed.set()

    items = read_ahead(endless, depth=2)
    assert [next(items) for _ in range(5)] == [0, 1, 2, 3, 4]
    items.close()
    assert closed.is_set()
    # at most the queue's depth and the one being handed over were made ahead
    assert len(produced) <= 5 + 2 + 2
    assert not any(t.name == "read-ahead" for t in threading.enumerate())
