from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = "地区与机构"


class BureauAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with a site that only bureau staff may enter."""

    default = False
    default_site = "organisations.bureau_admin.BureauAdminSite"
