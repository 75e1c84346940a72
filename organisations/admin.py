from django.contrib import admin

from audit.models import AuditEntry
from organisations.bureau_admin import (
    BureauModelAdmin,
    authorities_above_or_within,
    is_city_or_province_bureau,
)
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
    list_select_related = ["region", "supervisor"]

    def organisation_choices(self, request, allowed):
        """The supervisor: an authority within the region or above it (a city authority)."""
        return Organisation.objects.filter(
            authorities_above_or_within(allowed), kind=Organisation.Kind.AUTHORITY
        )

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return ()
        if obj is not None and obj.kind == Organisation.Kind.BUREAU:
            # A bureau cannot move itself (or another bureau) to widen what it governs.
            return [f.name for f in Organisation._meta.concrete_fields]
        return ("kind",) if obj is not None else ()

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "kind" and not request.user.is_superuser:
            kwargs["choices"] = [c for c in Organisation.Kind.choices if c[0] != Organisation.Kind.BUREAU]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


# The audit trail's admin is here, not in audit: who may read it is a rule about regions, and
# audit sits below organisations (organisations records its changes there).
@admin.register(AuditEntry)
class AuditEntryAdmin(BureauModelAdmin):
    list_display = ["at", "actor", "actor_role", "action", "target_type", "target_id"]
    list_filter = ["action", "target_type", "actor_role"]
    search_fields = ["target_id", "actor__username", "action"]
    date_hierarchy = "at"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def _allowed(self, request) -> bool:
        # Entries span every region and app: the city (or province) bureau and the system
        # administrator read them; county bureaus see their own region's data elsewhere.
        return is_city_or_province_bureau(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
