"""The unit a page shows: the chosen one in scope, else the first unit of the scope by path."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from kaohe.accounts.models import Role
from kaohe.accounts.scope import unit_or_first_for_user
from tests.conftest import make_user


def test_without_a_choice_it_is_the_first_unit_of_the_scope(org):
    assert unit_or_first_for_user(org.users["office"], None, [Role.OFFICE]) == org.root
    assert unit_or_first_for_user(org.users["outsider"], "", [Role.STAFF]) == org.unit_b


def test_a_chosen_unit_in_scope_is_that_unit(org):
    assert unit_or_first_for_user(org.users["office"], org.unit_b.pk, [Role.OFFICE]) == org.unit_b


def test_a_chosen_unit_outside_the_scope_is_not_found(org):
    with pytest.raises(Http404):
        unit_or_first_for_user(org.users["outsider"], org.unit_a.pk, [Role.STAFF])


def test_an_empty_scope_is_refused(org):
    nobody = make_user("nobody")
    with pytest.raises(PermissionDenied):
        unit_or_first_for_user(nobody, None, [Role.OFFICE])
