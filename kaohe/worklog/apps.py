from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorklogConfig(AppConfig):
    name = "kaohe.worklog"
    label = "worklog"
    verbose_name = _("Work logs")

    def ready(self) -> None:
        # local import: models load only once the app registry is ready
        from django.db.models.signals import post_delete, post_save

        # local import: models load only once the app registry is ready
        from kaohe.org.models import Unit
        from kaohe.platform.models import CalendarDay

        # local import: models load only once the app registry is ready
        from .models import LogSettings
        from .selectors import settings_changed

        for model in (CalendarDay, LogSettings, Unit):  # a unit's move changes whose overrides apply
            post_save.connect(
                settings_changed, sender=model, dispatch_uid=f"worklog-settings-{model.__name__}"
            )
            post_delete.connect(
                settings_changed, sender=model, dispatch_uid=f"worklog-settings-d-{model.__name__}"
            )
