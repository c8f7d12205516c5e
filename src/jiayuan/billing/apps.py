from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "jiayuan.billing"
    verbose_name = "收费与账务"

    def ready(self) -> None:
        # The collection-rate indicators of R10.1, shown on the quality board (core.indicators contract).
        from jiayuan.billing.indicators import register_sources

        register_sources()
        from jiayuan.billing import jobs

        jobs.register()
