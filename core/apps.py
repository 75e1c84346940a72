from django.apps import AppConfig


class CoreConfig(AppConfig):
    default = True
    name = "core"
    verbose_name = "公共组件"

    def ready(self):
        from core import lookups  # noqa: F401  (registers field__any_of)
