"""Reading the activity catalogue of a year (created on first use, like the year's rules)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from catalogue.models import ActivityType
from catalogue.services import ensure_catalogue
from core.actors import Actor, Role
from core.errors import Forbidden
from policy import selectors as policy_selectors
from policy.years import policy_year


def types_of_year(year: int, include_inactive: bool = False):
    """The year's kinds with their slots and levels, in the catalogue's order; empty for a
    year without rules."""
    if policy_year(year) is not None:
        ensure_catalogue(year)
    qs = ActivityType.objects.filter(policy_year_id=year).prefetch_related("slots", "levels")
    return qs if include_inactive else qs.filter(active=True)


def activity_type(year: int, code: str) -> ActivityType | None:
    """The kind `code` in the catalogue of `year` (active only), or None."""
    return types_of_year(year).filter(code=code).first()


def codes_of_year(year: int) -> list[str]:
    return list(types_of_year(year).values_list("code", flat=True))


def require_catalogue_reader(actor: Actor | None) -> None:
    """The bureau pages: every bureau reads the catalogue; only city (province) bureaus edit."""
    if actor is None or not actor.is_role(Role.BUREAU):
        raise Forbidden(_("继续教育方式目录的维护页面只对人社局开放。"))


def may_edit(actor: Actor | None) -> bool:
    return policy_selectors.may_edit_policy(actor)
