from django.apps import AppConfig


class ServiceConfig(AppConfig):
    name = "jiayuan.service"
    verbose_name = "客服与维修"
