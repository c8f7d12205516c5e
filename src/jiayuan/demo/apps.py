from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo estate generator and the ``demo`` / ``load_demo`` commands: the top layer, above every app."""

    name = "jiayuan.demo"
    verbose_name = "演示数据"
