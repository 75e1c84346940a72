"""Credit hours in the bureau admin: read-only. Hour records change only through the ledger
(services), so that every change keeps the yearly summaries in step and is audited."""

from django.contrib import admin

from credits.models import Declaration, Evidence, HourRecord, PlatformCompletion, Review, YearSummary
from organisations.bureau_admin import BureauModelAdmin


class ReadOnlyAdmin(BureauModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReviewInline(admin.TabularInline):
    model = Review
    extra = 0
    can_delete = False
    fields = [
        "level",
        "organisation",
        "arrived_at",
        "due_on",
        "due_provisional",
        "decided_at",
        "decision",
        "comment",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    can_delete = False
    fields = ["original_name", "content_type", "size", "uploaded_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Declaration)
class DeclarationAdmin(ReadOnlyAdmin):
    region_field = "unit__region"
    list_display = ["title", "person", "year", "category", "method", "hours", "state", "unit", "submitted_at"]
    list_filter = ["state", "year", "category", "method"]
    search_fields = ["title", "person__name", "unit__name"]
    list_select_related = ["person", "unit"]
    inlines = [ReviewInline, EvidenceInline]


@admin.register(HourRecord)
class HourRecordAdmin(ReadOnlyAdmin):
    region_field = "person__memberships__unit__region"
    list_display = [
        "title",
        "person",
        "year",
        "category",
        "method",
        "source",
        "hours",
        "state",
        "completed_on",
    ]
    list_filter = ["state", "source", "year", "category"]
    search_fields = ["title", "person__name"]
    list_select_related = ["person"]

    def get_queryset(self, request):
        return super().get_queryset(request).distinct()


@admin.register(YearSummary)
class YearSummaryAdmin(ReadOnlyAdmin):
    region_field = "person__memberships__unit__region"
    list_display = ["person", "year", "public_hours", "professional_hours", "pending_hours", "updated_at"]
    list_filter = ["year"]
    search_fields = ["person__name"]
    list_select_related = ["person"]

    def get_queryset(self, request):
        return super().get_queryset(request).distinct()


@admin.register(PlatformCompletion)
class PlatformCompletionAdmin(ReadOnlyAdmin):
    region_field = "person__memberships__unit__region"
    list_display = [
        "external_id",
        "platform",
        "name",
        "id_number_masked",
        "course",
        "category",
        "hours",
        "completed_on",
        "state",
        "hold_reason",
        "received_at",
    ]
    list_filter = ["state", "hold_reason", "category", "platform"]
    search_fields = ["external_id", "course", "name"]
    list_select_related = ["platform", "person"]

    def get_queryset(self, request):
        return super().get_queryset(request).distinct()
