from django.apps import AppConfig


class FilingsConfig(AppConfig):
    name = "filings"
    verbose_name = "培训计划与平台备案"
