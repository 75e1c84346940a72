from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = "统计监管"

    def ready(self):
        from supervision import receivers  # noqa: F401
