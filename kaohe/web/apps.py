from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "kaohe.web"
    label = "web"
    verbose_name = "Web"
