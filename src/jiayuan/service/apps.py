from django.apps import AppConfig


class ServiceConfig(AppConfig):
    name = "jiayuan.service"
    verbose_name = "客服与维修"

    def ready(self) -> None:
        # The service indicators of R10.1, shown on the quality board (core.indicators contract).
        from jiayuan.service.indicators import register_sources

        register_sources()
        # The monthly repair ledger export (R4.1) as a background job.
        from jiayuan.service import exporting

        exporting.register()
