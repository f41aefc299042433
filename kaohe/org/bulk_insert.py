"""Inserting many new rows at once, for the imports of large files."""

from __future__ import annotations

from django.db import connections, router

BATCH = 1000


def insert_many(objs: list, *, conflict: tuple[list[str], list[str]] | None = None) -> None:
    """Insert new rows of one model with one prepared statement run over every row (``executemany``):
    the values as ``save`` would send them, without the ORM compiling a statement per batch (which
    was most of the import's time). ``conflict`` (unique columns, columns to update): an upsert."""
    if not objs:
        return
    model = type(objs[0])
    meta = model._meta
    connection = connections[router.db_for_write(model)]
    qn = connection.ops.quote_name
    fields = [f for f in meta.local_concrete_fields if f is not meta.auto_field]
    sql = (
        f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    if conflict is not None:
        unique, update = conflict
        sql += f" ON CONFLICT ({', '.join(qn(c) for c in unique)}) DO UPDATE SET " + ", ".join(
            f"{qn(c)} = EXCLUDED.{qn(c)}" for c in update
        )
    with connection.cursor() as cursor:
        for i in range(0, len(objs), BATCH):
            cursor.executemany(
                sql,
                [
                    [f.get_db_prep_save(f.pre_save(o, True), connection) for f in fields]
                    for o in objs[i : i + BATCH]
                ],
            )
