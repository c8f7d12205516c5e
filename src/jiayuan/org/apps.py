from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "jiayuan.org"
    verbose_name = "组织"
