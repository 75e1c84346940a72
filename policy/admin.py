from django.contrib import admin

from core.admin import BureauInline, BureauModelAdmin, is_city_or_province_bureau
from policy.models import CalendarDay, CalendarYear, PolicyYear, Profession, Requirement, RequirementProfile
from policy.services import notify_calendar_changed


class PolicyEditorAdmin(BureauModelAdmin):
    """City (or province) bureaus set the year's rules; county bureaus read them."""

    def _may_edit(self, request) -> bool:
        return is_city_or_province_bureau(request)

    def has_add_permission(self, request):
        return self._may_edit(request)

    def has_change_permission(self, request, obj=None):
        return self._may_edit(request)


class RequirementInline(BureauInline, admin.TabularInline):
    model = Requirement
    extra = 0


@admin.register(PolicyYear)
class PolicyYearAdmin(PolicyEditorAdmin):
    list_display = [
        "year",
        "declaration_deadline",
        "plan_filing_deadline",
        "review_sla_working_days",
        "notice_reference",
    ]
    inlines = [RequirementInline]


@admin.register(RequirementProfile)
class RequirementProfileAdmin(PolicyEditorAdmin):
    list_display = ["code", "name", "is_default"]


@admin.register(Profession)
class ProfessionAdmin(PolicyEditorAdmin):
    list_display = ["name", "code", "profile", "sort_order"]
    list_filter = ["profile"]


@admin.register(CalendarYear)
class CalendarYearAdmin(PolicyEditorAdmin):
    list_display = ["year", "source", "entered_at", "note"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        notify_calendar_changed(obj.year)


@admin.register(CalendarDay)
class CalendarDayAdmin(PolicyEditorAdmin):
    list_display = ["date", "is_working_day", "name"]
    list_filter = ["is_working_day"]
    date_hierarchy = "date"
    bureau_can_delete = True

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        notify_calendar_changed(obj.date.year)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        notify_calendar_changed(obj.date.year)
