"""Choices of the ballot domain (民主测评). Stored values are English code names (GLOSSARY.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")  # 准备中
    OPEN = "open", _("Open")  # 测评中
    CLOSED = "closed", _("Closed")  # 已结束


class WhenGroupMissing(models.TextChoices):
    """What a rater group below the minimum count contributes (docs/schemes.md ``when_group_missing``)."""

    RENORMALISE = "renormalise", _("Spread its weight over the other groups")
    ZERO = "zero", _("Count it as zero")


class Voting(models.TextChoices):
    """How the members of a rater group vote."""

    ACCOUNT = "account", _("With their account")  # 本单位干部，登录后测评
    CODE = "code", _("With one-time codes")  # 外部评议人：村书记、两代表一委员、群众代表


class Relation(models.TextChoices):
    """Whom a rater with an account may rate, by identity category (上评下、下评上、同级互评)."""

    ANY = "any", _("Everyone to be rated")
    DOWN = "down", _("Those below them")
    UP = "up", _("Those above them")
    PEER = "peer", _("Their peers")


# Rank of each identity category, for ``Relation`` (班子成员 > 中层干部 > 一般干部).
IDENTITY_RANK = {"leadership": 3, "middle": 2, "general": 1}
