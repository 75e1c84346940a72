from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Q

from accounts.models import ApiToken, Membership, Person, RoleAssignment, User
from audit import actions
from audit.services import record
from core.actors import Role
from organisations.bureau_admin import BureauInline, BureauModelAdmin, admin_actor, region_ids


class RoleAssignmentInline(BureauInline, admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["organisation"]

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role" and not request.user.is_superuser:
            # Bureau accounts are created by the system administrator, not by a bureau.
            kwargs["choices"] = [c for c in Role.choices if c[0] != Role.BUREAU]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


@admin.register(User)
class UserAdmin(BureauModelAdmin, DjangoUserAdmin):
    """Bureau staff manage the accounts of their region's people and reviewers; never another
    bureau's, a staff account or a superuser. Password changes here are audited and end the
    user's API tokens."""

    list_display = ["username", "first_name", "is_active", "is_staff", "last_login"]
    search_fields = ["username", "first_name"]
    inlines = [RoleAssignmentInline]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("基本信息", {"fields": ("first_name", "is_active", "is_staff", "must_change_password")}),
        ("登录记录", {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ["last_login", "date_joined"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields if request.user.is_superuser else [*fields, "is_staff"]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        allowed = region_ids(request)
        if allowed is None:
            return qs
        # An account just added here holds no role yet and no data: the bureau must see it to
        # grant its first role.
        in_region = (
            Q(role_assignments__organisation__region_id__in=allowed)
            | Q(person__memberships__unit__region_id__in=allowed)
            | Q(role_assignments__isnull=True)
        )
        return (
            qs.filter(in_region, is_superuser=False, is_staff=False)
            .exclude(role_assignments__role=Role.BUREAU)
            .distinct()
        )

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, id)
            ApiToken.objects.filter(user=user).delete()
            record(admin_actor(request), actions.USER_PASSWORD_SET_BY_ADMIN, user)
        return response


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
