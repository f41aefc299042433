"""Renaming the work-log ``Rules`` to ``LogSettings`` (worklog 0004) keeps every row, both ways; on
PostgreSQL the constraint and sequence names follow the table's new name."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("worklog", "0003_notification_calendarday_to_platform")
AFTER = ("worklog", "0004_rename_rules_to_logsettings")


def _migrate(target):
    """Migrate the work-log app to ``target``; the models as they are then."""
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    executor.loader.build_graph()
    nodes = [target, *(n for n in executor.loader.graph.leaf_nodes() if n[0] != "worklog")]
    return executor.loader.project_state(nodes).apps


def _latest():
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def _names(table: str) -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, table))


def test_settings_saved_as_rules_are_read_as_log_settings_and_back():
    try:
        old = _migrate(BEFORE)
        unit = old.get_model("org", "Unit").objects.create(code="T", name="某镇", kind="township")
        old.get_model("worklog", "Rules").objects.create(
            unit=unit, miss_threshold=4, deduction_points=Decimal("1.50"), webhook_url="https://x.test/h"
        )
        new = _migrate(AFTER)
        settings = new.get_model("org", "Unit").objects.get(pk=unit.pk).log_settings
        kept = (settings.miss_threshold, settings.deduction_points, settings.webhook_url)
        assert kept == (4, Decimal("1.50"), "https://x.test/h")
        assert new.get_model("worklog", "LogSettings")._meta.db_table == "worklog_logsettings"
        if connection.vendor == "postgresql":
            assert not {n for n in _names("worklog_logsettings") if "worklog_rules" in n}
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_get_serial_sequence('worklog_logsettings', 'id')")
                assert cursor.fetchone()[0].endswith("worklog_logsettings_id_seq")
        new.get_model("worklog", "LogSettings").objects.create(
            unit=new.get_model("org", "Unit").objects.create(code="U", name="某村", kind="village"),
            miss_threshold=3,
        )  # the id sequence still serves new rows

        back = _migrate(BEFORE)
        thresholds = back.get_model("worklog", "Rules").objects.values_list("miss_threshold", flat=True)
        assert sorted(thresholds) == [3, 4]
        if connection.vendor == "postgresql":
            assert not {n for n in _names("worklog_rules") if "worklog_logsettings" in n}
    finally:
        _latest()
