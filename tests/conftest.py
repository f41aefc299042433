"""Shared fixtures: a small organisation with one account per role, in scope and out of scope.

    township (root)
    ├── office_a   people: a1 (reviewer, account "reviewer_a"), a2 (staff, account "staff_a")
    └── office_b   people: b1 (staff, account "staff_b")

Accounts: office, inspector, leader hold their role over the whole township; reviewer_a and
staff_a over office_a; staff_b (the outsider for office_a) over office_b.
"""

from dataclasses import dataclass
from datetime import date

import pytest

PASSWORD = "correct-horse-battery"


@dataclass
class Org:
    root: object
    unit_a: object
    unit_b: object
    a1: object
    a2: object
    b1: object
    users: dict


def make_unit(code, name, kind="department", parent=None):
    from kaohe.org.models import Unit

    return Unit.objects.create(code=code, name=name, kind=kind, parent=parent)


def make_person(staff_no, name, unit, **extra):
    from kaohe.org.models import Person

    values = {
        "identity": "general",
        "staffing": "established",
        "post_type": "management",
        "post_level": "junior",
        "start_date": date(2020, 1, 1),
    }
    values.update(extra)
    return Person.objects.create(staff_no=staff_no, name=name, unit=unit, **values)


def make_user(username, role=None, unit=None, person=None, superuser=False):
    from django.contrib.auth import get_user_model

    from kaohe.accounts.models import RoleGrant

    user = get_user_model().objects.create_user(username=username, password=PASSWORD, is_superuser=superuser)
    if role:
        RoleGrant.objects.create(user=user, role=role, unit=unit)
    if person is not None:
        person.user = user
        person.save(update_fields=["user"])
    return user


def build_org() -> Org:
    """The layout described at the top of this module (the caller provides the database)."""
    root = make_unit("T", "示范镇", kind="township")
    unit_a = make_unit("A", "党政办", parent=root)
    unit_b = make_unit("B", "财政所", kind="station", parent=root)
    a1 = make_person("A001", "张一", unit_a, identity="middle")
    a2 = make_person("A002", "李二", unit_a, reviewer=a1)
    b1 = make_person("B001", "王三", unit_b)
    users = {
        "office": make_user("office", "office", root),
        "inspector": make_user("inspector", "inspector", root),
        "leader": make_user("leader", "leader", root),
        "reviewer": make_user("reviewer_a", "reviewer", unit_a, person=a1),
        "staff": make_user("staff_a", "staff", unit_a, person=a2),
        "outsider": make_user("staff_b", "staff", unit_b, person=b1),
    }
    return Org(root, unit_a, unit_b, a1, a2, b1, users)


@pytest.fixture
def org(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast tests
    return build_org()
