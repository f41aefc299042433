"""Database helpers for the few statements that run on every API request.

On PostgreSQL, planning a statement can cost more than running it: the token read (a join of four
tables under a data-modifying ``WITH``) took 0.5 ms to plan and 0.06 ms to run, the log write 0.1 ms
and 0.5 ms. :func:`prepared_cursor` gives a Django cursor whose statements are prepared on first use
and kept for the life of the database connection (psycopg's prepared-statement cache), so that each
is parsed and planned once per connection instead of once per request. Everything else about the
cursor is Django's: error translation, query logging in tests and DEBUG, execute wrappers.

Only hand-written statements whose SQL is fixed per process belong here (the cache is keyed by the
text and holds 100 statements). The rest of the application keeps Django's client-side binding,
which is what connection poolers in transaction mode need: with PgBouncer, prepared statements need
version 1.21 or later with ``max_prepared_statements`` set, or ``KAOHE_DB_PREPARE=0`` to turn this off
(see docs/operator.md, §4). psycopg prepares nothing while the connection's ``prepare_threshold`` is
None (Django's default), so the settings give it one too high for any ORM statement to reach.
"""

import psycopg
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.postgresql.psycopg_any import register_tzloader
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from psycopg.pq import Format

TIMESTAMPTZ_OID = psycopg.postgres.types["timestamptz"].oid


class _Preparing(psycopg.Cursor):
    """A server-side-binding cursor that prepares every statement it executes."""

    def execute(self, query, params=None, *, prepare=None, binary=None):  # type: ignore[override]
        return super().execute(query, params, prepare=True, binary=binary)


def prepared_cursor(connection: BaseDatabaseWrapper) -> CursorWrapper:
    """``connection.cursor()``, except that on PostgreSQL every statement it executes is a prepared
    statement with server-side parameters."""
    if (
        connection.vendor != "postgresql"
        or connection.settings_dict["OPTIONS"].get("prepare_threshold") is None
    ):
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        raw = connection.connection
        cursor = _Preparing(raw)
        # as Django's create_cursor: timestamps are read in the connection's time zone
        loader = raw.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
        if connection.timezone != getattr(loader, "timezone", None):
            register_tzloader(connection.timezone, cursor)
    connection.validate_thread_sharing()  # then wrapped as Django wraps its own cursors
    wrapper = CursorDebugWrapper if connection.queries_logged else CursorWrapper
    return wrapper(cursor, connection)
