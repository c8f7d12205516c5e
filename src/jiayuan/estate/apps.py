from django.apps import AppConfig


class EstateConfig(AppConfig):
    name = "jiayuan.estate"
    verbose_name = "房产"

    def ready(self) -> None:
        from jiayuan.estate import jobs

        jobs.register()
