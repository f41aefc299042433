"""Choices of the work-log domain. Stored values are English code names (GLOSSARY.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LogStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for review")  # 待审阅
    RETURNED = "returned", _("Returned")  # 退回
    APPROVED = "approved", _("Approved")  # 批复


class LogTag(models.TextChoices):
    KEY_TASK = "key_task", _("Key task")  # 重点工作
    EMERGENCY = "emergency", _("Emergency task")  # 应急任务
    VILLAGE_VISIT = "village_visit", _("Village visit")  # 进村入户
    MEETING = "meeting", _("Meeting")  # 会议
    PETITION = "petition", _("Petition")  # 信访接待
    ASSIGNED = "assigned", _("Assigned by a leader")  # 临时交办


class StatPeriod(models.TextChoices):
    WEEK = "week", _("Week")
    MONTH = "month", _("Month")


class WebhookKind(models.TextChoices):
    NONE = "", _("None")
    DINGTALK = "dingtalk", _("DingTalk")  # 钉钉
    WECOM = "wecom", _("WeCom")  # 企业微信
    FEISHU = "feishu", _("Feishu")  # 飞书
    GENERIC = "generic", _("Generic JSON (SMS gateway)")


class AchievementSection(models.TextChoices):
    POST_WORK = "post_work", _("Post work")  # 岗位工作
    KEY_WORK = "key_work", _("Key work")  # 重点工作
    HARD_PROBLEM = "hard_problem", _("Solving hard problems")  # 破解难题
    EXCELLENCE = "excellence", _("Striving for excellence")  # 争先进位
    ASSIGNED = "assigned", _("Temporary assignments")  # 临时交办


class AchievementStatus(models.TextChoices):
    DECLARED = "declared", _("Declared")  # 已申报
    ACCEPTED = "accepted", _("Accepted")  # 审核通过
    REJECTED = "rejected", _("Rejected")  # 不予认定
