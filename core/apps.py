from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    default = True
    name = "core"
    verbose_name = "公共组件"

    def ready(self):
        from core import lookups  # noqa: F401  (registers field__any_of)


class BureauAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with a site that only bureau staff may enter."""

    default = False
    default_site = "core.admin.BureauAdminSite"
