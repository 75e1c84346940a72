from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts.models import Membership, Person, RoleAssignment, User
from core.admin import BureauModelAdmin


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(User)
class UserAdmin(BureauModelAdmin, DjangoUserAdmin):
    list_display = ["username", "first_name", "is_active", "is_staff", "last_login"]
    search_fields = ["username", "first_name"]
    inlines = [RoleAssignmentInline]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("基本信息", {"fields": ("first_name", "is_active", "is_staff", "must_change_password")}),
        ("登录记录", {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ["last_login", "date_joined"]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        # Bureau staff never manage superusers.
        return qs.filter(is_superuser=False)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["unit", "state", "requested_at", "decided_at", "reason"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Person)
class PersonAdmin(BureauModelAdmin):
    region_field = "memberships__unit__region"
    list_display = ["name", "id_number_masked", "profession", "created_at"]
    search_fields = ["name"]
    list_filter = ["profession"]
    fields = ["name", "id_number_masked", "phone", "profession", "created_at"]
    readonly_fields = ["id_number_masked", "created_at"]
    inlines = [MembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).distinct()

    def has_add_permission(self, request):
        return False  # people register themselves (管理入口), with a validated ID number


@admin.register(Membership)
class MembershipAdmin(BureauModelAdmin):
    region_field = "unit__region"
    list_display = ["person", "unit", "state", "requested_at", "decided_at"]
    list_filter = ["state"]
    search_fields = ["person__name", "unit__name"]
    readonly_fields = ["person", "unit", "requested_at", "decided_at", "decided_by"]

    def has_add_permission(self, request):
        return False
