"""Template helpers shared by every page: role navigation, hour figures, days."""

import datetime as dt
from decimal import Decimal

from django import template
from django.conf import settings

from core.dates import format_day, local_day
from core.hours import format_hours
from credits.rules import compliance
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
def day(value):
    """2025年12月31日 (core.dates.format_day); an instant gives its day in Shanghai, nothing gives ""."""
    if value in (None, ""):
        return ""
    return format_day(local_day(value) if isinstance(value, dt.datetime) else value)


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
    """What a staff-compliance row is short of: 公需差 x，专业差 y (or the total)."""
    return compliance.shortfall_of_row(row).in_short()


@register.filter
def still_needed(progress):
    """Hours still to earn (credits.rules.compliance)."""
    return progress.shortfall.still_needed
