"""Moving notifications and calendar overrides from the work-log app to the platform keeps every row:
the tables keep their names, and the content types (so the permissions on them) follow."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("worklog", "0002_fewer_indexes"), ("platform", None)]


def _migrate(targets):
    """Migrate to ``targets``; the models as they were then."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    nodes = [t for t in targets if t[1] is not None]
    apps = {app for app, _name in targets}
    nodes += [n for n in executor.loader.graph.leaf_nodes() if n[0] not in apps]
    return executor.loader.project_state(nodes).apps


@pytest.mark.django_db(transaction=True)
def test_rows_written_before_the_move_are_read_after_it():
    old = _migrate(BEFORE)
    try:
        user = old.get_model("auth", "User").objects.create(username="u1")
        unit = old.get_model("org", "Unit").objects.create(code="T", name="某镇", kind="township")
        unit.path = f"/{unit.pk}/"
        unit.save(update_fields=["path"])
        old.get_model("worklog", "Notification").objects.create(user=user, text="请填写纪实", url="/worklog/")
        old.get_model("worklog", "CalendarDay").objects.create(unit=unit, day="2025-10-11", kind="rest")
        ContentType = old.get_model("contenttypes", "ContentType")
        ContentType.objects.filter(model__in=["notification", "calendarday"]).delete()
        ContentType.objects.create(app_label="worklog", model="notification")
        ContentType.objects.create(app_label="worklog", model="calendarday")
    finally:
        new = _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    notification = new.get_model("platform", "Notification").objects.get()
    assert (notification.user_id, notification.text, notification.read) == (user.pk, "请填写纪实", False)
    day = new.get_model("platform", "CalendarDay").objects.get()
    assert (day.unit_id, str(day.day), day.kind) == (unit.pk, "2025-10-11", "rest")
    labels = set(
        new.get_model("contenttypes", "ContentType")
        .objects.filter(model__in=["notification", "calendarday"])
        .values_list("app_label", "model")
    )
    assert labels == {("platform", "notification"), ("platform", "calendarday")}

    from kaohe.platform.calendar import calendar_for_unit  # local import: after the migrations ran
    from kaohe.platform.models import CalendarDay

    assert CalendarDay.objects.count() == 1
    assert not calendar_for_unit(CalendarDay.objects.get().unit).is_working_day(day.day)  # a Saturday of 调休


@pytest.mark.django_db(transaction=True)
def test_the_move_can_be_undone_without_losing_rows():
    from kaohe.platform.models import Notification  # local import: the model of the current state

    user = MigrationExecutor(connection).loader.project_state().apps.get_model("auth", "User")
    account = user.objects.create(username="u2")
    Notification.objects.create(user_id=account.pk, text="结果已公示")
    try:
        old = _migrate(BEFORE)
        assert old.get_model("worklog", "Notification").objects.get().text == "结果已公示"
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert Notification.objects.get().text == "结果已公示"
