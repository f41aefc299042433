"""What the appraisal pages share: refusals as messages, breadcrumbs, the workbook response."""

from __future__ import annotations

from django.contrib import messages
from django.urls import reverse
from django.utils.translation import gettext as _

from kaohe.accounts.models import Role
from kaohe.platform.errors import Refusal

from ..models import Period, Scheme

OFFICE = (Role.OFFICE,)


def posted(request) -> dict:
    """A form's data and files when the request is a POST (the form is bound even if they are
    empty), nothing otherwise."""
    if request.method != "POST":
        return {"data": None, "files": None}
    return {"data": request.POST, "files": request.FILES}


def fail(request, exc: Refusal) -> None:
    """Each line of a refusal as an error message."""
    for line in str(exc).splitlines() or [str(exc)]:
        messages.error(request, line)


def _trail(root: tuple[str, str], obj, url: str, last: tuple[str, ...]) -> list[tuple[str, str]]:
    if not last:
        return [root, (str(obj), "")]
    return [root, (str(obj), url), (last[0], "")]


def period_crumbs(period: Period, *last: str) -> list[tuple[str, str]]:
    """Breadcrumbs from the periods list through ``period`` (to the page titled ``last``)."""
    root = (_("Appraisal periods"), reverse("appraisal:periods"))
    return _trail(root, period, reverse("appraisal:period", args=[period.pk]), last)


def scheme_crumbs(scheme: Scheme, *last: str) -> list[tuple[str, str]]:
    """Breadcrumbs from the schemes list through ``scheme`` (to the page titled ``last``)."""
    root = (_("Schemes"), reverse("appraisal:schemes"))
    return _trail(root, scheme, reverse("appraisal:scheme", args=[scheme.pk]), last)
