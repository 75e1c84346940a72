from django.contrib import admin

from core.admin import BureauModelAdmin
from organisations.models import Organisation, Region


@admin.register(Region)
class RegionAdmin(BureauModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["name", "code"]

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Organisation)
class OrganisationAdmin(BureauModelAdmin):
    region_field = "region"
    list_display = [
        "name",
        "kind",
        "base_level",
        "registry_no",
        "region",
        "supervisor",
        "contact_name",
        "contact_phone",
        "is_active",
    ]
    list_filter = ["kind", "base_level", "is_active", "region"]
    search_fields = ["name", "contact_name", "credit_code"]
    autocomplete_fields = ["supervisor"]
    list_select_related = ["region", "supervisor"]
