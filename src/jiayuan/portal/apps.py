from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "jiayuan.portal"
    verbose_name = "业主门户"
