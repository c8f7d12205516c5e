from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "jiayuan.org"
    verbose_name = "组织"

    def ready(self) -> None:
        # R10.1 indicators 22 and 23, shown on the quality board (core.indicators contract).
        from jiayuan.org.indicators import register_sources

        register_sources()
