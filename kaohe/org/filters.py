"""Reading the organisation for pages and the API: the people filter and the unit tree.

The HTML list, its Excel export and ``GET /api/people`` all filter through :func:`filter_people`, so
the three always agree on what a filter means.
"""

from dataclasses import dataclass, field

from django import forms
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .choices import IdentityCategory, PostType, StaffingCategory
from .models import Person, Unit, in_subtree


def filter_people(
    people: QuerySet[Person],
    *,
    unit: Unit | None = None,
    identity: str = "",
    staffing: str = "",
    post_type: str = "",
    q: str = "",
) -> QuerySet[Person]:
    """``people`` narrowed to a unit's subtree, categories and a name / staff-number search."""
    if unit is not None:
        people = people.filter(in_subtree(unit))
    if identity:
        people = people.filter(identity=identity)
    if staffing:
        people = people.filter(staffing=staffing)
    if post_type:
        people = people.filter(post_type=post_type)
    if q:
        people = people.filter(Q(name__icontains=q) | Q(staff_no__icontains=q))
    return people


def _blank(choices) -> list:
    return [("", _("All"))] + list(choices)


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return "\u3000" * obj.depth + obj.name  # ideographic spaces show the nesting in a <select>


class PeopleFilterForm(forms.Form):
    """The filters above the people list. ``units`` limits the unit choices to the user's scope."""

    unit = UnitChoiceField(
        label=_("Unit (with its sub-units)"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("All"),
    )
    identity = forms.ChoiceField(
        label=_("Identity category"), choices=_blank(IdentityCategory.choices), required=False
    )
    staffing = forms.ChoiceField(
        label=_("Staffing category"), choices=_blank(StaffingCategory.choices), required=False
    )
    post_type = forms.ChoiceField(label=_("Post type"), choices=_blank(PostType.choices), required=False)
    q = forms.CharField(label=_("Name or staff number"), max_length=60, required=False)

    def __init__(self, data, *, units: QuerySet[Unit]):
        super().__init__(data)
        self.fields["unit"].queryset = units.only("id", "name", "path")  # type: ignore[attr-defined]

    def filters(self) -> dict:
        """The valid filters; an invalid field is ignored (and its error shown) rather than failing."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}


@dataclass
class TreeNode:
    unit: Unit
    people: int  # active people directly in the unit
    children: list["TreeNode"] = field(default_factory=list)
    total: int = 0  # active people in the whole subtree


def unit_tree(units: QuerySet[Unit]) -> list[TreeNode]:
    """``units`` as nested nodes with people counts, in one query. A unit whose parent is not in
    ``units`` becomes a root, so a scope below the top shows as its own tree."""
    rows = units.annotate(n=Count("people", filter=Q(people__active=True))).order_by("path")
    nodes: dict[int, TreeNode] = {}
    roots: list[TreeNode] = []
    for unit in rows:
        node = TreeNode(unit=unit, people=unit.n)
        nodes[unit.pk] = node
        parent = nodes.get(unit.parent_id) if unit.parent_id else None
        (parent.children if parent else roots).append(node)

    def finish(node: TreeNode) -> int:
        node.children.sort(key=lambda n: (n.unit.sort_order, n.unit.name))
        node.total = node.people + sum(finish(child) for child in node.children)
        return node.total

    roots.sort(key=lambda n: (n.unit.sort_order, n.unit.name))
    for root in roots:
        finish(root)
    return roots
