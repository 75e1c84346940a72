"""The admin is for bureau staff only, and what they see is cut to their region."""

from django.contrib import admin
from django.forms.models import model_to_dict

from audit.services import record
from core.actors import Actor, Role


def bureau_role(request):
    """The bureau role assignment of the requesting user, or None."""
    user = request.user
    if not (user.is_active and user.is_staff):
        return None
    return next(
        (r for r in user.role_assignments.select_related("organisation__region") if r.role == Role.BUREAU),
        None,
    )


def admin_actor(request) -> Actor:
    role = bureau_role(request)
    return Actor(user=request.user, role=Role.BUREAU, organisation=role.organisation if role else None)


class BureauAdminSite(admin.AdminSite):
    site_header = "专业技术人员继续教育管理平台 · 管理后台"
    site_title = "继续教育管理后台"
    index_title = "人社局管理"

    def has_permission(self, request):
        user = request.user
        return user.is_active and user.is_staff and (user.is_superuser or bureau_role(request) is not None)


class BureauModelAdmin(admin.ModelAdmin):
    """Bureau staff may work on these models; every save and delete is audited."""

    region_field: str | None = None  # lookup to a Region FK, to cut the list to the bureau's region
    bureau_can_delete = False

    def _allowed(self, request) -> bool:
        return request.user.is_superuser or bureau_role(request) is not None

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return self.bureau_can_delete and self._allowed(request)

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser or not self.region_field:
            return qs
        role = bureau_role(request)
        if role is None:
            return qs.none()
        return qs.filter(**{f"{self.region_field}__in": role.organisation.region.descendant_ids()})

    def save_model(self, request, obj, form, change):
        before = model_to_dict(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else None
        super().save_model(request, obj, form, change)
        action = f"admin.{obj._meta.model_name}.{'changed' if change else 'added'}"
        record(admin_actor(request), action, obj, before=before, after=model_to_dict(obj))

    def delete_model(self, request, obj):
        record(admin_actor(request), f"admin.{obj._meta.model_name}.deleted", obj, before=model_to_dict(obj))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
