"""The roles a grant gives over a unit subtree, and the groups of roles that pages and endpoints admit.

One definition per group: a page that shows people or results to "everyone who browses a subtree"
names :data:`BROWSE`, never its own tuple of roles."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STAFF = "staff", _("Staff")  # 干部 / 工作人员
    REVIEWER = "reviewer", _("Reviewer")  # 分管领导 / 科室负责人
    OFFICE = "office", _("Appraisal office")  # 考核办
    INSPECTOR = "inspector", _("Inspector")  # 纪委
    LEADER = "leader", _("Leader")  # 党委 / 主要领导


# Read a subtree's people, rates and results: everyone but staff (staff read their own).
BROWSE = (Role.OFFICE, Role.INSPECTOR, Role.LEADER, Role.REVIEWER)
# Oversee a subtree: the office runs it, the inspector supervises it, the leader reads its dashboards.
OVERSEE = (Role.OFFICE, Role.INSPECTOR, Role.LEADER)
# Sit on the claims and appeals committee.
COMMITTEE = (Role.OFFICE, Role.INSPECTOR)
# Declare on behalf of others (monthly achievement records, notices): the reviewer and the office.
DECLARE = (Role.REVIEWER, Role.OFFICE)
