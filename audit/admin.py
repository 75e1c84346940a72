from django.contrib import admin

from audit.models import AuditEntry
from core.admin import BureauModelAdmin, is_city_or_province_bureau


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
