from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "jiayuan.standards"
    verbose_name = "服务标准"
