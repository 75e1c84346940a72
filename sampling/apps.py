from django.apps import AppConfig


class SamplingConfig(AppConfig):
    name = "sampling"
    verbose_name = "学时抽查"
