"""The decoder thread: order, errors and early stops."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from pipelines.prefetch import prefetched


def test_items_arrive_in_order_from_another_thread():
    threads = set()

    def source() -> Iterator[int]:
        for i in range(100):
            threads.add(threading.get_ident())
            yield i

    assert list(prefetched(source(), depth=3)) == list(range(100))
    assert threads and threading.get_ident() not in threads


def test_an_error_is_raised_after_the_items_before_it():
    def source() -> Iterator[int]:
        yield 1
        yield 2
        raise OSError("disk gone")

    got = []
    with pytest.raises(OSError, match="disk gone"):
        for item in prefetched(source(), depth=8):
            got.append(item)
    assert got == [1, 2]


def test_stopping_early_closes_the_source_and_ends_the_thread():
    closed = threading.Event()

    def source() -> Iterator[int]:
        try:
            i = 0
            while True:
                yield i
                i += 1
        finally:
            closed.set()

    before = threading.active_count()
    for item in prefetched(source(), depth=2):
        if item == 5:
            break
    assert closed.is_set()
    assert threading.active_count() == before


def test_depth_must_be_positive():
    with pytest.raises(ValueError, match="depth"):
        list(prefetched(iter([1]), depth=0))
