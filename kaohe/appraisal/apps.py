from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppraisalConfig(AppConfig):
    name = "kaohe.appraisal"
    label = "appraisal"
    verbose_name = _("Appraisal")

    def ready(self) -> None:
        # local import: models are loaded only once the app registry is ready
        from kaohe.org.attributes import register_spec_source

        # local import: models are loaded only once the app registry is ready
        from .attribute_specs import attached_specs

        register_spec_source(attached_specs)
