from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "jiayuan.billing"
    verbose_name = "收费与账务"
