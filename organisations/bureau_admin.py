"""The admin is for bureau staff only: what they see and may choose is cut to their region,
and every change they make there — inline rows included — is audited (secrets left out)."""

from django.contrib import admin
from django.db import models
from django.db.models import Q
from django.forms.models import model_to_dict

from audit import actions
from audit.services import record
from core.actors import Actor, Role
from organisations.models import Organisation, Region

# Never copied into an audit entry.
SECRET_FIELDS = {"password", "id_number_encrypted", "id_number_hash", "key_hash"}


def bureau_role(request):
    """The bureau role assignment of the requesting user, or None."""
    user = request.user
    if not (user.is_active and user.is_staff):
        return None
    return next(
        (r for r in user.role_assignments.select_related("organisation__region") if r.role == Role.BUREAU),
        None,
    )


def is_city_or_province_bureau(request) -> bool:
    """City (or province) bureaus set the rules; county bureaus read them."""
    if request.user.is_superuser:
        return True
    role = bureau_role(request)
    return role is not None and role.organisation.region.level in (Region.Level.CITY, Region.Level.PROVINCE)


def admin_actor(request) -> Actor:
    role = bureau_role(request)
    return Actor(user=request.user, role=Role.BUREAU, organisation=role.organisation if role else None)


def region_ids(request) -> list[int] | None:
    """The regions a bureau user works in (its own and below); None for a superuser."""
    if request.user.is_superuser:
        return None
    role = bureau_role(request)
    return role.organisation.region.descendant_ids() if role else []


def audit_snapshot(obj: models.Model) -> dict:
    names = [f.name for f in obj._meta.concrete_fields if f.name not in SECRET_FIELDS]
    return model_to_dict(obj, fields=names)


class BureauAdminSite(admin.AdminSite):
    site_header = "专业技术人员继续教育管理平台 · 管理后台"
    site_title = "继续教育管理后台"
    index_title = "人社局管理"

    def has_permission(self, request):
        user = request.user
        return user.is_active and user.is_staff and (user.is_superuser or bureau_role(request) is not None)


class RegionScopedChoices:
    """Foreign-key choices limited to the bureau's region: a bureau can never point an object
    at a region, or an organisation, it does not govern."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        allowed = region_ids(request)
        if allowed is not None:
            if db_field.related_model is Region:
                kwargs["queryset"] = Region.objects.filter(pk__in=allowed)
            elif db_field.related_model is Organisation:
                kwargs["queryset"] = self.organisation_choices(request, allowed)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def organisation_choices(self, request, allowed: list[int]):
        return Organisation.objects.filter(region_id__in=allowed).exclude(kind=Organisation.Kind.BUREAU)


class BureauModelAdmin(RegionScopedChoices, admin.ModelAdmin):
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
        allowed = region_ids(request)
        if allowed is None or not self.region_field:
            return qs
        return qs.filter(**{f"{self.region_field}__in": allowed})

    def save_model(self, request, obj, form, change):
        before = audit_snapshot(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else None
        super().save_model(request, obj, form, change)
        action = (actions.ADMIN_CHANGED if change else actions.ADMIN_ADDED).format(model=obj._meta.model_name)
        record(admin_actor(request), action, obj, before=before, after=audit_snapshot(obj))

    def save_formset(self, request, form, formset, change):
        """Inline rows (requirements of a year, roles of a user) are audited one by one."""
        before = {
            f.instance.pk: audit_snapshot(type(f.instance).objects.get(pk=f.instance.pk))
            for f in formset.forms
            if f.instance.pk and f.has_changed()
        }
        super().save_formset(request, form, formset, change)
        actor = admin_actor(request)
        for obj in formset.new_objects:
            record(
                actor, actions.ADMIN_ADDED.format(model=obj._meta.model_name), obj, after=audit_snapshot(obj)
            )
        for obj, _fields in formset.changed_objects:
            record(
                actor,
                actions.ADMIN_CHANGED.format(model=obj._meta.model_name),
                obj,
                before=before.get(obj.pk),
                after=audit_snapshot(obj),
            )
        for obj in formset.deleted_objects:
            record(
                actor,
                actions.ADMIN_DELETED.format(model=obj._meta.model_name),
                obj,
                before=audit_snapshot(obj),
            )

    def delete_model(self, request, obj):
        record(
            admin_actor(request),
            actions.ADMIN_DELETED.format(model=obj._meta.model_name),
            obj,
            before=audit_snapshot(obj),
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class BureauInline(RegionScopedChoices):
    """Inline rows follow the permissions of their parent admin (Django's model permissions
    are not used: bureau staff act through their role)."""

    def _parent_allows(self, request, obj=None) -> bool:
        parent = self.admin_site._registry.get(self.parent_model)
        return parent is not None and parent.has_change_permission(request, obj)

    def has_view_permission(self, request, obj=None):
        parent = self.admin_site._registry.get(self.parent_model)
        return parent is not None and parent.has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._parent_allows(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._parent_allows(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._parent_allows(request, obj)


def authorities_above_or_within(allowed: list[int]) -> Q:
    """Organisations a bureau may name as a supervisor: within its region, or an authority of a
    region above it (a city authority supervises county units)."""
    ancestors = set()
    for region in Region.objects.filter(pk__in=allowed[:1]):
        node = region.parent
        while node is not None:
            ancestors.add(node.pk)
            node = node.parent
    return Q(region_id__in=allowed) | Q(kind=Organisation.Kind.AUTHORITY, region_id__in=ancestors)
