"""Releasing several threads at once against a real database (PostgreSQL) to test exactly-once writes."""

import threading
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import translation

THREADS = 8

# The marks of a module of races: real transactions, and only on PostgreSQL.
RACE_MARKS = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrent transactions need PostgreSQL; SQLite serialises writers (set DATABASE_URL)",
    ),
]


def race(action: Callable[[], object], threads: int = THREADS) -> list[str]:
    """Run ``action`` in ``threads`` threads released together; each outcome is "ok" or the refusal.

    The language is per thread and lazy messages render when read, so both happen in English here.
    """
    barrier = threading.Barrier(threads)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run() -> None:
        with translation.override("en"):
            try:
                barrier.wait()
                action()
                result = "ok"
            except ValidationError as exc:
                result = " ".join(exc.messages)
            finally:
                connections.close_all()
        with lock:
            outcomes.append(result)

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join(timeout=60)
    return outcomes
