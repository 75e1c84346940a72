"""Template helpers shared by every page: role navigation, hour figures."""

from decimal import Decimal

from django import template
from django.conf import settings

from core.hours import format_hours
from web import nav

register = template.Library()


@register.inclusion_tag("web/_nav.html", takes_context=True)
def role_nav(context):
    request = context["request"]
    actor = getattr(request, "actor", None)
    return {"items": nav.items_for(actor.role if actor else None, request.path)}


@register.simple_tag
def site_owner():
    return getattr(settings, "SITE_OWNER_NAME", "三门峡市人力资源和社会保障局")


@register.filter
def hours(value):
    """45.0 → 45, 12.5 → 12.5 (core.hours.format_hours, the one formatter of hour figures)."""
    return format_hours(value)


@register.filter
def percent_of(value, total):
    """Width of a progress bar, 0–100."""
    try:
        value, total = Decimal(str(value)), Decimal(str(total))
    except Exception:
        return 0
    if total <= 0:
        return 100
    return int(min(Decimal(100), max(Decimal(0), value * 100 / total)))


@register.filter
def role_label(actor):
    from core.actors import Role

    return Role(actor.role).label if actor else ""


@register.simple_tag(takes_context=True)
def unread_count(context):
    from notifications.models import Notification

    user = getattr(context.get("request"), "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at=None).count()


@register.simple_tag(takes_context=True)
def page_query(context, number):
    """The current query string with another page number (filters are kept)."""
    query = context["request"].GET.copy()
    query["page"] = number
    return "?" + query.urlencode()


@register.simple_tag
def short_of(row):
    """What a staff-compliance row is short of: 公需差 x、专业差 y (or the total)."""
    parts = []
    public = Decimal(str(row.req_public)) - Decimal(str(row.public))
    professional = Decimal(str(row.req_professional)) - Decimal(str(row.professional))
    total = Decimal(str(row.req_total)) - Decimal(str(row.total))
    if public > 0:
        parts.append(f"公需差 {format_hours(public)}")
    if professional > 0:
        parts.append(f"专业差 {format_hours(professional)}")
    if not parts and total > 0:
        parts.append(f"总学时差 {format_hours(total)}")
    return "，".join(parts)


@register.filter
def still_needed(progress):
    """Hours still to earn: surplus public hours never make up for missing professional ones."""
    return max(progress.short_total, progress.short_public + progress.short_professional)
