"""Inserting many new rows at once, for the imports of large files."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connections, models, router

BATCH = 1000


def _run(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[object]], conflict
) -> None:
    """One multi-row ``INSERT … VALUES (…), (…)`` per batch (as many rows as the database takes
    parameters), so that the server parses and plans one statement for a thousand rows."""
    connection = connections[router.db_for_write(model)]
    qn = connection.ops.quote_name
    head = f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(c) for c in columns)}) VALUES "
    tail = ""
    if conflict is not None:
        unique, update = conflict
        tail = f" ON CONFLICT ({', '.join(qn(c) for c in unique)}) DO UPDATE SET " + ", ".join(
            f"{qn(c)} = EXCLUDED.{qn(c)}" for c in update
        )
    limit = connection.features.max_query_params or 999 * len(columns)
    size = max(1, min(BATCH, limit // len(columns)))
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        for i in range(0, len(rows), size):
            chunk = rows[i : i + size]
            params: list[Any] = [value for row in chunk for value in row]
            cursor.execute(head + ", ".join([one] * len(chunk)) + tail, params)


def insert_many(objs: list, *, conflict: tuple[list[str], list[str]] | None = None) -> None:
    """Insert new rows of one model with one prepared statement run over every row  (multi-row statements):
    the values as ``save`` would send them, without the ORM compiling a statement per batch (which
    was most of the import's time). ``conflict`` (unique columns, columns to update): an upsert."""
    if not objs:
        return
    model = type(objs[0])
    meta = model._meta
    connection = connections[router.db_for_write(model)]
    fields = [f for f in meta.local_concrete_fields if f is not meta.auto_field]
    rows = [[f.get_db_prep_save(f.pre_save(o, True), connection) for f in fields] for o in objs]
    _run(model, [f.column for f in fields], rows, conflict)


def insert_values(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    conflict: tuple[list[str], list[str]] | None = None,
) -> None:
    """Insert plain values (ints and text that need no conversion) into ``columns`` of ``model``'s
    table, ``BATCH`` rows a statement run; ``conflict`` as for :func:`insert_many`."""
    if rows:
        _run(model, columns, rows, conflict)
