"""Task results (任务完成率): a person's completion rate of each task leaf indicator, entered or
imported by the office until tasks are tracked in Kaohe. Typed as a percentage, stored as 0–1."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from kaohe.audit.services import record

from ..inputs import people_of
from ..models import Period, TaskResult
from ..selectors_inputs import task_leaves
from .entries import Problems, Where, by_entry, check_editable, percent, text


def _leaf_of(name: str, keys: list[str]) -> list[str]:
    """The keys a typed indicator names: the whole key, or its last parts ("重点任务/招商引资")."""
    return [k for k in keys if k == name or k.endswith("/" + name)]


@transaction.atomic
def set_task_results(*, actor, period: Period, rows: list[dict], where: Where = by_entry) -> int:
    """Set task results from rows {person (staff no), indicator (a task leaf, or its last parts),
    rate (a percentage: 74 or "74%"; empty: remove)}; one bad row refuses them all."""
    check_editable(period)
    keys = task_leaves(period)
    staff = dict(people_of(period).values_list("staff_no", "id"))
    problems = Problems(where)
    if not keys:
        problems.add(0, "indicator", _("this period's scheme has no task indicator."))
    keep: list[tuple[int, str, float | None]] = []
    for i, row in enumerate(rows):
        pid = staff.get(text(row.get("person")))
        if pid is None:
            problems.add(
                i, "person", _("no person %(no)s in this period's unit.") % {"no": text(row.get("person"))}
            )
        found = _leaf_of(text(row.get("indicator")), keys)
        if keys and len(found) != 1:
            problems.add(
                i,
                "indicator",
                _("expected one task indicator among %(names)s, found %(found)s.")
                % {"names": "、".join(keys), "found": text(row.get("indicator"))},
            )
        rate = percent(row.get("rate"), problems, i, "rate")
        if pid is not None and len(found) == 1:
            keep.append((pid, found[0], rate))
    problems.refuse()
    drop = [(p, k) for p, k, r in keep if r is None]
    for pid, key in drop:
        TaskResult.objects.filter(period=period, person_id=pid, indicator=key).delete()
    TaskResult.objects.bulk_create(
        [TaskResult(period=period, person_id=p, indicator=k, rate=r) for p, k, r in keep if r is not None],
        update_conflicts=True,
        unique_fields=["period", "person", "indicator"],
        update_fields=["rate"],
    )
    record(
        actor=actor, action="appraisal.tasks.set", obj=period, after={"rows": len(keep), "cleared": len(drop)}
    )
    return len(keep)
