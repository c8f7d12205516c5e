from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "jiayuan.quality"
    verbose_name = "品质与指标"
