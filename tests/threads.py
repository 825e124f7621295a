"""Races on PostgreSQL: many calls released at the same instant, each on its own connection."""

import threading
from collections.abc import Callable
from typing import TypeVar

from django.db import connection

from tests.conftest import need_postgres

T = TypeVar("T")


def at_once(count: int, call: Callable[[], T], *, timeout: float = 60) -> list[T]:
    """Run `call` in `count` threads released together by a barrier; their results."""
    need_postgres("row locks across connections")
    start = threading.Barrier(count)
    results: list[T] = []

    def run() -> None:
        start.wait()
        try:
            results.append(call())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results
