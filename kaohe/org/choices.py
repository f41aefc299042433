"""Choices of the organisation domain. Stored values are English code names (GLOSSARY.md); the
interface shows the Chinese term through the translation catalogue."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    PARTY_GOVERNMENT = "party_government", _("Party committee and government")  # 党委政府
    DEPARTMENT = "department", _("Department")  # 机关部门
    STATION = "station", _("Station")  # 站所
    TOWNSHIP = "township", _("Township")  # 乡镇
    VILLAGE = "village", _("Village or community")  # 村/社区
    INSTITUTION = "institution", _("Public institution")  # 事业单位
    WINDOW = "window", _("Service window")  # 窗口


class IdentityCategory(models.TextChoices):
    LEADERSHIP = "leadership", _("Leadership team member")  # 班子成员
    MIDDLE = "middle", _("Middle-level cadre")  # 中层干部
    GENERAL = "general", _("General cadre")  # 一般干部


class StaffingCategory(models.TextChoices):
    ESTABLISHED = "established", _("On establishment")  # 在编
    INSTRUCTOR = "instructor", _("Community instructor")  # 社区指导员
    NON_ESTABLISHED = "non_established", _("Off establishment")  # 不在编


class PostType(models.TextChoices):
    MANAGEMENT = "management", _("Management post")  # 管理岗
    TECHNICAL = "technical", _("Professional-technical post")  # 专业技术岗
    SERVICE = "service", _("Service post")  # 工勤岗


class PostLevel(models.TextChoices):
    JUNIOR = "junior", _("Junior")  # 初级
    INTERMEDIATE = "intermediate", _("Intermediate")  # 中级
    SENIOR = "senior", _("Senior")  # 高级


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class LeaveKind(models.TextChoices):
    SICK = "sick", _("Sick leave")  # 病假
    PERSONAL = "personal", _("Personal leave")  # 事假
    MATERNITY = "maternity", _("Maternity leave")  # 产假
    ANNUAL = "annual", _("Annual leave")  # 年休假
    OTHER = "other", _("Other leave")


class RecordKind(models.TextChoices):
    """Dated records that the scheme's rules read (sanctions, probation, investigations, vetoes)."""

    SANCTION = "sanction", _("Sanction")  # 处分 / 组织处理
    PROBATION = "probation", _("Probation")  # 试用期
    INVESTIGATION = "investigation", _("Under investigation")  # 立案审查
    VETO = "veto", _("Veto or negative-list item")  # 一票否决 / 负面清单


# The kinds the inspector (纪委) may enter: discipline. The office enters every kind.
DISCIPLINE_KINDS = (RecordKind.SANCTION, RecordKind.INVESTIGATION, RecordKind.VETO)
# The one item of the kinds whose item the scheme does not name.
FIXED_ITEMS: dict[str, str] = {RecordKind.PROBATION: "试用期", RecordKind.INVESTIGATION: "立案审查"}
# The built-in fields in the words a scheme reads them by (appraisal's gather, the attribute pages):
# the defaults of the attributes of the same name where no per-year value is stored.
IDENTITY_WORDS = {"leadership": "班子成员", "middle": "中层干部", "general": "一般干部"}
STAFFING_WORDS = {"established": "在编", "instructor": "社区指导员", "non_established": "不在编"}
POST_TYPE_WORDS = {"management": "管理", "technical": "专业技术", "service": "工勤"}
POST_LEVEL_WORDS = {"junior": "初级", "intermediate": "中级", "senior": "高级"}
BUILTIN_WORDS = {
    "identity": IDENTITY_WORDS,
    "staffing": STAFFING_WORDS,
    "post_type": POST_TYPE_WORDS,
    "post_level": POST_LEVEL_WORDS,
}
