"""Filings in the bureau admin: read-only views cut to the bureau's region. Every change goes
through the filings pages/API (services: validated, audited), never through the admin."""

from django.contrib import admin
from django.db.models import Q

from filings.models import (
    AttendanceUpload,
    FilingException,
    PlanItem,
    PlatformCredential,
    PlatformFiling,
    TrainingPlan,
)
from organisations.bureau_admin import BureauModelAdmin, bureau_role


class ReadOnlyMixin:
    """Nothing is added or changed here (model admins and inlines alike)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyMixin, BureauModelAdmin):
    pass


class AddressedFilingAdmin(ReadOnlyAdmin):
    """Rows of the filings of the bureau's region and of those filed with it (the provincial
    bases'); `filing` is the lookup from the row to its filing ("" for a filing itself)."""

    region_field = None  # cut here, not by BureauModelAdmin
    filing = ""

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        role = bureau_role(request)
        if role is None:
            return qs.none()
        regions = role.organisation.region.descendant_ids()
        return qs.filter(
            Q(**{f"{self.filing}filer__region_id__in": regions})
            | Q(**{f"{self.filing}bureau": role.organisation})
        )


class PlanItemInline(ReadOnlyMixin, admin.TabularInline):
    model = PlanItem
    extra = 0
    can_delete = False
    fields = ["seq", "project", "audience", "starts_on", "hours", "mode", "venue", "category"]
    readonly_fields = fields


@admin.register(TrainingPlan)
class TrainingPlanAdmin(AddressedFilingAdmin):
    list_display = [
        "year",
        "filer",
        "bureau",
        "state",
        "declared_on",
        "submitted_at",
        "late_exception",
        "decided_at",
    ]
    list_filter = ["year", "state"]
    search_fields = ["filer__name"]
    list_select_related = ["filer", "late_exception"]
    inlines = [PlanItemInline]


@admin.register(PlatformFiling)
class PlatformFilingAdmin(AddressedFilingAdmin):
    list_display = [
        "year",
        "site_name",
        "filer",
        "bureau",
        "domain",
        "offers_public",
        "offers_professional",
        "state",
    ]
    list_filter = ["year", "state", "offers_public", "offers_professional"]
    search_fields = ["site_name", "domain", "filer__name"]
    list_select_related = ["filer"]


@admin.register(PlatformCredential)
class PlatformCredentialAdmin(AddressedFilingAdmin):
    filing = "filing__"
    list_display = ["platform", "year", "key_prefix", "created_at", "revoked_at"]
    list_filter = ["year"]
    exclude = ["key_hash"]
    list_select_related = ["platform"]


@admin.register(FilingException)
class FilingExceptionAdmin(ReadOnlyAdmin):
    region_field = "organisation__region"
    list_display = ["organisation", "year", "kind", "reason", "granted_by", "granted_at"]
    list_filter = ["year", "kind"]
    search_fields = ["organisation__name", "reason"]


@admin.register(AttendanceUpload)
class AttendanceUploadAdmin(AddressedFilingAdmin):
    filing = "plan_item__plan__"
    list_display = [
        "plan_item",
        "file_name",
        "row_count",
        "credited",
        "duplicates",
        "uploaded_by",
        "uploaded_at",
    ]
    list_select_related = ["plan_item", "uploaded_by"]
