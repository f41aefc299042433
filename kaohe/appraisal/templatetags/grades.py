"""``{{ row.grade|or_status:row.status }}``: the grade, or the label of why there is none."""

from django import template

from kaohe.appraisal.choices import grade_or_status

register = template.Library()


@register.filter
def or_status(grade: str, status: str) -> str:
    return grade_or_status(grade, status)
