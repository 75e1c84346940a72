"""The bureau reads certificates, their printouts and the yearly credentials of its region,
read-only: numbers and credentials are only made by the services."""

from django.contrib import admin

from certificates.models import Certificate, CertificatePrint, YearCredential
from organisations.bureau_admin import BureauModelAdmin


class ReadOnly(BureauModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Certificate)
class CertificateAdmin(ReadOnly):
    region_field = "issuing_region"
    list_display = ["number", "person", "issuing_bureau_name", "issuing_level", "issued_at"]
    search_fields = ["number"]


@admin.register(CertificatePrint)
class CertificatePrintAdmin(ReadOnly):
    region_field = "certificate__issuing_region"
    list_display = ["code", "certificate", "printed_at", "printed_role"]
    search_fields = ["code", "certificate__number"]
    exclude = ["snapshot"]


@admin.register(YearCredential)
class YearCredentialAdmin(ReadOnly):
    region_field = "person__certificate__issuing_region"
    list_display = ["credential_id", "person", "year", "compliant", "issued_at", "revoked_at"]
    list_filter = ["year", "compliant"]
    exclude = ["salt", "record_ids"]
