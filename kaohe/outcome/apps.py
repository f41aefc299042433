from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutcomeConfig(AppConfig):
    name = "kaohe.outcome"
    label = "outcome"
    verbose_name = _("Outcomes")
