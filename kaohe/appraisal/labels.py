"""Words for the engine's code values on the scheme page. The engine and the scheme files keep their
English code names (GLOSSARY.md); the page shows these translated labels instead."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

SOURCES = {  # where a leaf indicator's score comes from
    "assessor": _("assessors' scores"),
    "kpi": _("KPI completion"),
    "worklog": _("work-log rates"),
    "task": _("task completion"),
    "personal": _("personal indicators"),
    "ballot": _("democratic evaluation"),
}
ADJUSTMENT_KINDS = {"bonus": _("bonus"), "deduction": _("deduction")}
ADJUSTMENT_SOURCES = {"claims": _("claims"), "worklog_misses": _("missed work logs")}
ROUNDING = {
    "down": pgettext_lazy("rounding", "down"),
    "up": pgettext_lazy("rounding", "up"),
    "half_up": pgettext_lazy("rounding", "half up"),
}
ATTRIBUTES = {  # people's attributes that group quotas or break ties
    "track": _("track"),
    "unit": _("unit"),
    "unit_kind": _("unit kind"),
    "identity": _("identity category"),
    "staffing": _("staffing category"),
    "post_type": _("post type"),
    "post_level": _("post level"),
    "total": _("total"),
    "base": _("base score"),
    "bonus": _("bonus"),
    "deduction": _("deduction"),
    "person": _("staff number"),
    "staff_no": _("staff number"),
}
DIRECTIONS = {"desc": _("descending"), "asc": _("ascending")}


def label(table: dict, value) -> str:
    """The label of ``value``, or the value itself when the table does not know it (a scheme's own
    words, such as a component or attribute name, are shown as they are)."""
    return str(table.get(value, value))


def tie_break_key(key: str) -> str:
    """ "total desc" → "总分 降序"; a component name keeps its name."""
    parts = key.split()
    if len(parts) != 2:
        return key
    return pgettext("tie-break", "%(key)s %(direction)s") % {
        "key": label(ATTRIBUTES, parts[0]),
        "direction": label(DIRECTIONS, parts[1]),
    }
