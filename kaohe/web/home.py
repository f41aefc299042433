"""What the home page shows: one section per role the user holds, each read with a few queries."""

from django.db.models import Count

from kaohe.accounts.models import Role
from kaohe.accounts.scope import people_for_user, scope_for, units_for_user
from kaohe.appraisal.home import home_sections as appraisal_sections
from kaohe.audit.models import Event
from kaohe.ballot.selectors import open_ballots_for_user
from kaohe.org.choices import IdentityCategory
from kaohe.org.models import Person
from kaohe.worklog.home import home_sections as worklog_sections


def _counts(user, role: str) -> dict:
    return {
        "units": units_for_user(user, [role]).count(),
        "people": people_for_user(user, [role]).filter(active=True).count(),
    }


def home_sections(user) -> dict:
    """The context of the home page for ``user``: a key per role section they are entitled to."""
    scope = scope_for(user)
    sections: dict = {"roles": scope.roles}
    sections["me"] = (
        Person.objects.select_related("unit", "position", "reviewer").filter(user=user).first()
        if user.is_authenticated
        else None
    )
    if sections["me"] is not None:
        sections["open_ballots"] = open_ballots_for_user(user)

    sections |= worklog_sections(user)

    sections |= appraisal_sections(user)
    if scope.has_role(Role.REVIEWER):
        sections["reviewees"] = list(
            people_for_user(user, [Role.REVIEWER])
            .filter(reviewer__user=user, active=True)
            .select_related("unit", "position")
            .order_by("unit__path", "staff_no")[:200]
        )
    if scope.has_role(Role.OFFICE):
        sections["office"] = _counts(user, Role.OFFICE)
    if scope.has_role(Role.INSPECTOR):
        sections["inspector"] = _counts(user, Role.INSPECTOR) | {
            "unsealed": Event.objects.filter(seq__isnull=True).count()
        }
    if scope.has_role(Role.LEADER):
        by_identity = dict(
            people_for_user(user, [Role.LEADER])
            .filter(active=True)
            .values_list("identity")
            .annotate(n=Count("id"))
            .values_list("identity", "n")
        )
        sections["leader"] = _counts(user, Role.LEADER) | {
            "by_identity": [(label, by_identity.get(value, 0)) for value, label in IdentityCategory.choices]
        }
    return sections
