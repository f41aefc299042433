"""The migrations that moved follow-ups into appraisal and made results store code names keep every
row: run backwards to the stored labels and forwards again on whichever database the suite uses."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from kaohe.appraisal.models import FollowUp, PersonResult
from tests.integration.appraisal import helpers
from tests.integration.appraisal.test_outputs import NEWCOMER_SCHEME

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE_CODES = ("appraisal", "0002_followup")
BEFORE_FOLLOW_UPS = ("appraisal", "0001_initial")


def _migrate(target) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    return MigrationExecutor(connection)  # a fresh loader: the graph as it now stands


def _latest():
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def _newcomer_period(org):
    from datetime import date

    from kaohe.appraisal.services.schemes import import_scheme
    from tests.conftest import make_person

    new = make_person("N001", "钱新", org.unit_b, start_date=date(2025, 6, 25))
    sch = import_scheme(actor=None, text=NEWCOMER_SCHEME.format(version="mig"))
    p, rs = helpers.computed(
        org.root, {org.a1: (60, 40), org.a2: (30, 20), org.b1: (50, 30), new: (1, 1)}, sch
    )
    return p, rs, new


def test_results_go_back_to_labels_and_joined_text_and_forward_to_codes_and_lists(org):
    p, rs, new = _newcomer_period(org)
    PersonResult.objects.filter(result_set=rs, person=org.a2).update(
        tail=["谈话提醒", "岗位调整"], outcomes=["诫勉"]
    )
    before = sorted(rs.rows.values_list("person_id", "status", "tail", "outcomes"))
    try:
        old = _migrate(BEFORE_CODES).loader.project_state([BEFORE_CODES]).apps
        OldResult = old.get_model("appraisal", "PersonResult")
        stored = {
            r.person_id: (r.status, r.tail, r.outcomes) for r in OldResult.objects.filter(result_set_id=rs.pk)
        }
        assert stored[new.pk][0] == "不定等次"
        assert stored[org.a2.pk][1:] == ("谈话提醒；岗位调整", "诫勉")
        assert stored[org.a1.pk] == ("", "", "")
    finally:
        _latest()
    assert sorted(rs.rows.values_list("person_id", "status", "tail", "outcomes")) == before


def test_a_follow_up_table_of_the_former_outcome_app_is_adopted_with_its_rows_and_content_type(org):
    p, rs = helpers.published(org.root, {org.a1: (60, 40), org.a2: (30, 20), org.b1: (50, 30)})
    item = FollowUp.objects.get(period=p)
    granted = ContentType.objects.get_for_model(FollowUp)
    try:
        _migrate(BEFORE_FOLLOW_UPS)
        # as the outcome app left it: its table with the rows, its content type
        assert "outcome_followup" in connection.introspection.table_names()
        ContentType.objects.filter(pk=granted.pk).update(app_label="outcome")
    finally:
        _latest()
    ContentType.objects.clear_cache()
    assert FollowUp.objects.get(pk=item.pk).action == "谈话提醒"
    assert ContentType.objects.get_for_model(FollowUp).pk == granted.pk  # permissions granted on it stay
