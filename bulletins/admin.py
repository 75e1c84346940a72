"""Notices and the help page in the admin, cut to the bureau's region like the other admins.
Publishing and withdrawing go through the services (actions); attachments are uploaded on the
bureau's notice page, where their content is checked."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from bulletins import services
from bulletins.models import FaqEntry, Notice, NoticeAttachment
from core.errors import DomainError
from organisations.bureau_admin import BureauInline, BureauModelAdmin, admin_actor, is_city_or_province_bureau


class AttachmentInline(BureauInline, admin.TabularInline):
    model = NoticeAttachment
    extra = 0
    fields = ["original_name", "content_type", "size", "uploaded_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notice)
class NoticeAdmin(BureauModelAdmin):
    region_field = "region"
    list_display = ["title", "state", "region", "is_public", "pinned", "published_at", "bureau"]
    list_filter = ["state", "pinned", "is_public", "region"]
    search_fields = ["title", "document_number"]
    list_select_related = ["region", "bureau"]
    readonly_fields = ["state", "published_at", "withdrawn_at", "created_by", "created_at", "updated_at"]
    inlines = [AttachmentInline]
    actions = ["publish_selected", "withdraw_selected"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields.append("bureau")  # always the bureau of whoever writes it
        return fields

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
            if not request.user.is_superuser:
                obj.bureau = admin_actor(request).organisation
        super().save_model(request, obj, form, change)

    def _each(self, request, queryset, change, done):
        actor = admin_actor(request)
        count = 0
        for notice in queryset:
            try:
                change(actor, notice_id=notice.pk)
            except DomainError as exc:
                self.message_user(request, f"{notice.title}：{exc.detail}", messages.WARNING)
            else:
                count += 1
        self.message_user(request, done % {"n": count})

    @admin.action(description=_("发布所选通知"))
    def publish_selected(self, request, queryset):
        self._each(request, queryset, services.publish_notice, _("已发布 %(n)s 条通知。"))

    @admin.action(description=_("撤回所选通知"))
    def withdraw_selected(self, request, queryset):
        self._each(request, queryset, services.withdraw_notice, _("已撤回 %(n)s 条通知。"))


@admin.register(FaqEntry)
class FaqEntryAdmin(BureauModelAdmin):
    """City (or province) bureaus edit the help page; county bureaus read it."""

    list_display = ["question", "audience", "position", "is_published", "updated_at"]
    list_filter = ["audience", "is_published"]
    search_fields = ["question", "answer"]

    def has_add_permission(self, request):
        return is_city_or_province_bureau(request)

    def has_change_permission(self, request, obj=None):
        return is_city_or_province_bureau(request)
