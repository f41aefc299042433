"""Scope folding is pure: no database needed."""

from kaohe.accounts.scope import Scope


def test_nested_roots_fold_into_their_ancestor():
    scope = Scope(user_id=1, grants=(("office", "/1/"), ("office", "/1/4/"), ("staff", "/2/")))
    assert scope.paths() == ["/1/", "/2/"]


def test_paths_filter_by_role():
    scope = Scope(user_id=1, grants=(("office", "/1/4/"), ("staff", "/2/")))
    assert scope.paths(["staff"]) == ["/2/"]
    assert scope.paths(["inspector"]) == []


def test_sibling_prefix_is_not_a_parent():
    # "/1/" must not swallow "/12/": paths end with a slash for this reason.
    scope = Scope(user_id=1, grants=(("office", "/1/"), ("office", "/12/")))
    assert scope.paths() == ["/1/", "/12/"]


def test_superuser_holds_every_role():
    assert Scope(user_id=1, grants=(), superuser=True).has_role("inspector")
    assert not Scope(user_id=1, grants=(("staff", "/1/"),)).has_role("office")
