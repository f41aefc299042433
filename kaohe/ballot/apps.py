from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BallotConfig(AppConfig):
    name = "kaohe.ballot"
    label = "ballot"
    verbose_name = _("Democratic evaluation")
