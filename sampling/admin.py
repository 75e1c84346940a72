"""Audit samples in the bureau admin: read-only. Draws and outcomes go through the services,
which notify, audit and move hours through the ledger."""

from django.contrib import admin

from organisations.bureau_admin import BureauModelAdmin
from sampling.models import AuditSample, SampledDeclaration


class ItemInline(admin.TabularInline):
    model = SampledDeclaration
    extra = 0
    can_delete = False
    fields = ["rank", "declaration", "weight", "risks", "hours", "outcome", "reason", "decided_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(AuditSample)
class AuditSampleAdmin(BureauModelAdmin):
    region_field = "organisation__region"
    list_display = ["id", "organisation", "year", "seed", "share", "requested", "population", "drawn_at"]
    list_filter = ["year", "role"]
    list_select_related = ["organisation"]
    inlines = [ItemInline]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
