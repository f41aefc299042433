"""The 人员 sheet's columns for the person attributes the schemes name (考核属性), one per attribute
of the schemes attached in the importing (or exporting) office's tree for the file's year.

A column's header is the attribute's label with the marker ``（考核属性）`` (so 身份类别 of a scheme
does not clash with the built-in 身份类别 column); its drop-down list is the allowed values. The
cell is the value for the year; an empty cell removes the stored value (the built-in field's word, or
nothing, applies again), like every optional column of the template.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from kaohe.accounts.scope import scope_for
from kaohe.engine.attributes import AttributeSpec
from kaohe.platform.roles import Role

from ..attributes import specs_for_paths
from ..models import Person, PersonAttribute, Unit
from ..services_attributes import clear, upsert
from .issues import Collector
from .reader import Row, SheetRows
from .template import PEOPLE_SHEET, Column

MARKER = "（考核属性）"
FIELD_PREFIX = "attr:"
CHUNK = 500  # people per DELETE … IN (…), within every database's limit on parameters


def attribute_columns(specs: dict[str, AttributeSpec]) -> list[Column]:
    """One optional column per attribute: a choice of the allowed values, or free text."""
    out = []
    for name, spec in specs.items():
        labels = {v: v for v in spec.values} if spec.values is not None else None
        allowed = "、".join(spec.values) if spec.values is not None else "文字"
        out.append(
            Column(
                spec.label + MARKER,
                FIELD_PREFIX + name,
                "choice" if labels else "text",
                optional_header=True,
                labels=labels,
                max_length=100,
                width=max(12, len(spec.label) * 2 + 8),
                help=f"方案规定的人员属性（{name}），按年度保存；允许的值：{allowed}。留空表示不保存（使用内置字段或缺失）。",
            )
        )
    return out


def specs_for_actor(actor, year: int) -> dict[str, AttributeSpec]:
    """The attributes of the schemes attached in the actor's office tree for ``year`` (everywhere for
    the system or a superuser)."""
    scope = scope_for(actor) if actor is not None else None
    if scope is None or scope.superuser:
        paths = list(Unit.objects.filter(parent=None).values_list("path", flat=True))
    else:
        paths = scope.paths([Role.OFFICE])
    return specs_for_paths(paths, year)


def attribute_rows(people: QuerySet[Person], year: int, names: list[str]) -> dict[int, list[str]]:
    """person id → the stored values of ``names`` for ``year`` (in that order; "" where none) of the
    people of ``people``, in one query (a subquery, however many people)."""
    stored: dict[int, dict[str, str]] = {}
    rows = PersonAttribute.objects.filter(year=year, name__in=names, person__in=people.values("pk"))
    for pid, name, value in rows.values_list("person_id", "name", "value"):
        stored.setdefault(pid, {})[name] = value
    return {pid: [values.get(n, "") for n in names] for pid, values in stored.items()}


def check_attribute_headers(people: SheetRows, columns: list[Column], year: int, out: Collector) -> None:
    """A header marked as an attribute that no scheme of ``year`` names in the tree is an error at
    its column (a typo, or a file made for another year), so that no value is silently dropped."""
    known = {c.header for c in columns}
    for header in people.headers:
        if header.endswith(MARKER) and header not in known:
            out.add(
                PEOPLE_SHEET,
                1,
                header,
                _("No scheme attached for %(year)s names this attribute; known: %(known)s.")
                % {"year": year, "known": "、".join(sorted(known)) or "—"},
            )


def write_attributes(rows: list[Row], ids: dict[str, int], year: int) -> tuple[int, int]:
    """Store the attribute cells of the written people rows for ``year`` in bulk: a value replaces the
    stored one, an empty cell removes it. Returns (values stored, values removed)."""
    upserts: list[tuple[int, int, str, str]] = []
    clears: dict[str, list[int]] = {}
    for row in rows:
        pid = ids.get(row.values["staff_no"])
        if pid is None:
            continue
        for key, value in row.values.items():
            if not key.startswith(FIELD_PREFIX):
                continue
            name = key.removeprefix(FIELD_PREFIX)
            if value:
                upserts.append((pid, year, name, value))
            else:
                clears.setdefault(name, []).append(pid)
    upsert(upserts)
    removed = 0
    for name, pids in clears.items():
        for i in range(0, len(pids), CHUNK):
            removed += clear(pids[i : i + CHUNK], year, name)
    return len(upserts), removed
