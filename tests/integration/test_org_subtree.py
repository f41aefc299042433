"""A unit's subtree, the one prefix query over materialised paths (``kaohe.org.models.in_subtree``),
and its index: on PostgreSQL the subtree query uses ``org_unit_path_prefix`` whatever the path
column's collation (a plain index serves ``LIKE 'prefix%'`` only under the C collation)."""

import pytest
from django.db import connection

from kaohe.org.models import LeaveRecord, Person, Unit, in_subtree
from tests.conftest import make_person, make_unit

C_COLLATIONS = {"C", "POSIX", "C.UTF-8", "C.utf8"}


def test_a_subtree_is_the_unit_and_everything_below_it(org):
    deep = make_unit("A1", "综合科", parent=org.unit_a)
    assert set(Unit.objects.subtree(org.unit_a)) == {org.unit_a, deep}
    assert set(Unit.objects.subtree(org.root)) == {org.root, org.unit_a, org.unit_b, deep}
    assert set(Unit.objects.subtree(org.unit_a.path)) == {org.unit_a, deep}  # a path does too


def test_people_and_related_rows_filter_by_a_subtree(org):
    deep = make_unit("A1", "综合科", parent=org.unit_a)
    c1 = make_person("C001", "赵四", deep)
    assert set(Person.objects.in_subtree(org.unit_a)) == {org.a1, org.a2, c1}
    assert set(org.a1.reviewees.in_subtree(org.unit_b)) == set()  # related managers have it too
    assert set(org.a1.reviewees.in_subtree(org.root)) == {org.a2}
    LeaveRecord.objects.create(person=c1, kind="annual", start="2024-01-02", end="2024-01-03")
    LeaveRecord.objects.create(person=org.b1, kind="annual", start="2024-01-02", end="2024-01-03")
    leaves = LeaveRecord.objects.filter(in_subtree(org.unit_a, via="person__unit"))
    assert [leave.person for leave in leaves] == [c1]


def test_a_sibling_whose_id_shares_a_prefix_is_not_in_the_subtree(org):
    # Paths end with "/" so that ".../7001/" does not swallow ".../70012/".
    short = Unit.objects.create(pk=7001, code="S1", name="甲", kind="department", parent=org.root)
    Unit.objects.create(pk=70012, code="S2", name="乙", kind="department", parent=org.root)
    assert list(Unit.objects.subtree(short)) == [short]


def test_an_unsaved_unit_has_no_subtree():
    with pytest.raises(ValueError):
        in_subtree(Unit(code="X", name="未保存", kind="department"))


postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="index plans are PostgreSQL's")


def _path_collation(cursor) -> str:
    """The collation the path column compares with: its own, else the database's."""
    cursor.execute(
        "select collation_name from information_schema.columns "
        "where table_name = 'org_unit' and column_name = 'path'"
    )
    (column,) = cursor.fetchone()
    if column:
        return column
    cursor.execute(
        "select datlocprovider, datcollate, daticulocale from pg_database where datname = current_database()"
    )
    provider, collate, icu = cursor.fetchone()
    return f"{icu}-x-icu" if provider == "i" else collate


@pytest.fixture
def non_c_paths(org):
    """Unit paths compared under a non-C collation, with enough rows that a scan of every unit
    costs more than a prefix lookup. Under a C database the column is given zh-x-icu (the test's
    transaction rolls it back); under a non-C database (scripts/ci-pg-collation.sh) it is as is."""
    with connection.cursor() as cursor:
        if _path_collation(cursor) in C_COLLATIONS:
            cursor.execute("set constraints all immediate")  # no deferred checks pending on the table
            cursor.execute('ALTER TABLE org_unit ALTER COLUMN path TYPE varchar(400) COLLATE "zh-x-icu"')
        assert _path_collation(cursor) not in C_COLLATIONS
        cursor.execute(
            "insert into org_unit (code, name, kind, path, sort_order) "
            "select 'X' || g, '填充', 'department', '/999999/' || g || '/', 0 from generate_series(1, 5000) g"
        )
        cursor.execute("analyze org_unit")
        cursor.execute("set local enable_seqscan = off")
    return org


def _uses_prefix_index(plan: str) -> bool:
    # The pattern operators ~>=~ / ~<~ are how PostgreSQL turns LIKE 'prefix%' into an index range.
    return "org_unit_path_prefix" in plan and "~>=~" in plan


@postgresql
def test_the_subtree_query_uses_the_prefix_index_under_a_non_c_collation(non_c_paths):
    assert _uses_prefix_index(Unit.objects.subtree(non_c_paths.unit_a).explain())
    assert _uses_prefix_index(Person.objects.in_subtree(non_c_paths.unit_a).explain())


@postgresql
def test_without_the_prefix_index_the_plain_index_cannot_serve_the_prefix(non_c_paths):
    # What the prefix index is for: the plain one holds the collation's order, not the bytes'.
    with connection.cursor() as cursor:
        cursor.execute("drop index org_unit_path_prefix")
    plan = Unit.objects.subtree(non_c_paths.unit_a).explain()
    assert "~>=~" not in plan
