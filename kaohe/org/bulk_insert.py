"""Inserting many new rows at once, for the imports of large files."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connections, models, router

BATCH = 1000


def _statement(model: type[models.Model], columns: Sequence[str], conflict) -> tuple[str, object]:
    connection = connections[router.db_for_write(model)]
    qn = connection.ops.quote_name
    sql = (
        f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(c) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    if conflict is not None:
        unique, update = conflict
        sql += f" ON CONFLICT ({', '.join(qn(c) for c in unique)}) DO UPDATE SET " + ", ".join(
            f"{qn(c)} = EXCLUDED.{qn(c)}" for c in update
        )
    return sql, connection


def insert_many(objs: list, *, conflict: tuple[list[str], list[str]] | None = None) -> None:
    """Insert new rows of one model with one prepared statement run over every row (``executemany``):
    the values as ``save`` would send them, without the ORM compiling a statement per batch (which
    was most of the import's time). ``conflict`` (unique columns, columns to update): an upsert."""
    if not objs:
        return
    meta = type(objs[0])._meta
    fields = [f for f in meta.local_concrete_fields if f is not meta.auto_field]
    sql, connection = _statement(type(objs[0]), [f.column for f in fields], conflict)
    with connection.cursor() as cursor:  # type: ignore[attr-defined]
        for i in range(0, len(objs), BATCH):
            rows = [
                [f.get_db_prep_save(f.pre_save(o, True), connection) for f in fields]
                for o in objs[i : i + BATCH]
            ]
            cursor.executemany(sql, rows)


def insert_values(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    conflict: tuple[list[str], list[str]] | None = None,
) -> None:
    """Insert plain values (ints and text that need no conversion) into ``columns`` of ``model``'s
    table, ``BATCH`` rows a statement run; ``conflict`` as for :func:`insert_many`."""
    if not rows:
        return
    sql, connection = _statement(model, columns, conflict)
    with connection.cursor() as cursor:  # type: ignore[attr-defined]
        for i in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[i : i + BATCH])
