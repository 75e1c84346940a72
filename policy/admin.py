from django.contrib import admin

from organisations.bureau_admin import BureauInline, BureauModelAdmin, admin_actor
from policy.models import (
    CalendarDay,
    CalendarYear,
    PolicyYear,
    Profession,
    RegionalFigures,
    Requirement,
    RequirementProfile,
)
from policy.selectors import may_edit_policy
from policy.services import notify_calendar_changed, policy_year_edited


class PolicyEditorAdmin(BureauModelAdmin):
    """The bureau of the installation's region (a city install: the city; a province install:
    the province) sets the year's rules; the other bureaus read them."""

    def _may_edit(self, request) -> bool:
        return request.user.is_superuser or may_edit_policy(admin_actor(request))

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
        "reporting_deadline",
        "notice_reference",
        "awaiting_confirmation",
    ]
    readonly_fields = ["carried_forward_from", "confirmed_at", "confirmed_by"]
    inlines = [RequirementInline]

    @admin.display(boolean=True, description="沿用上年，待确认")
    def awaiting_confirmation(self, obj):
        return obj.awaiting_confirmation

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and form.changed_data:
            policy_year_edited(admin_actor(request), year=obj.year, changed=list(form.changed_data))

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if change and formset.has_changed():
            policy_year_edited(admin_actor(request), year=form.instance.year, changed=["requirements"])


@admin.register(RegionalFigures)
class RegionalFiguresAdmin(BureauModelAdmin):
    """Read only, cut to the bureau's region: a city sets its figures on its page (年度政策 →
    各市数字), where what the province allows is checked and the change audited."""

    list_display = ["policy_year", "region", "plan_filing_deadline", "review_sla_working_days", "updated_at"]
    list_filter = ["policy_year"]
    region_field = "region"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


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
