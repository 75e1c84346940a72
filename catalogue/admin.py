from django.contrib import admin

from catalogue.models import ActivityType, EvidenceSlot, ItemLevel
from organisations.bureau_admin import BureauInline
from policy.admin import PolicyEditorAdmin


class EvidenceSlotInline(BureauInline, admin.TabularInline):
    model = EvidenceSlot
    extra = 0


class ItemLevelInline(BureauInline, admin.TabularInline):
    model = ItemLevel
    extra = 0


@admin.register(ActivityType)
class ActivityTypeAdmin(PolicyEditorAdmin):
    """City (or province) bureaus keep the year's catalogue; county bureaus read it. A change
    applies to declarations submitted after it (each keeps the terms it was submitted under)."""

    list_display = ["policy_year", "number", "name", "code", "method", "hour_rule", "yearly_cap", "active"]
    list_filter = ["policy_year", "method", "hour_rule", "active"]
    search_fields = ["name", "code"]
    inlines = [EvidenceSlotInline, ItemLevelInline]
