"""Where an import may write, as the checks see it: pure, over unit codes (no database)."""

from kaohe.org.excel.checks import WriteScope

TREE = {"T": None, "A": "T", "B": "A", "X": None}  # code → parent code, after the import


def test_no_roots_means_anywhere():
    anywhere = WriteScope()
    assert not anywhere.outside_after(TREE, "X")
    assert not anywhere.outside_now("X")


def test_a_unit_is_inside_after_the_import_when_an_ancestor_is_a_root():
    scope = WriteScope(roots=frozenset({"A"}), covered=frozenset({"A", "B"}))
    assert not scope.outside_after(TREE, "A")
    assert not scope.outside_after(TREE, "B")
    assert scope.outside_after(TREE, "T")
    assert scope.outside_after(TREE, "X")


def test_a_unit_moved_away_keeps_its_own_grant():
    # Office grants on A and on B below it: moving B under X leaves B inside through its own grant.
    scope = WriteScope(roots=frozenset({"A", "B"}), covered=frozenset({"A", "B"}))
    assert not scope.outside_after({**TREE, "B": "X"}, "B")


def test_today_only_covered_units_are_inside():
    scope = WriteScope(roots=frozenset({"A"}), covered=frozenset({"A", "B"}))
    assert not scope.outside_now("B")
    assert scope.outside_now("T")
