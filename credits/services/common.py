"""What the credits services share: the clock, the audit snapshot of a declaration, the person
acting and their own declaration, links and notices, and the opening of a review level.
Internal to `credits.services`."""

from __future__ import annotations

import datetime as dt

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Person, RoleAssignment
from core.actors import Actor, Role
from core.errors import Forbidden, NotFound
from credits.models import Declaration, Review
from credits.rules import review_clock
from notifications.services import notify

DECLARATION_FIELDS = ("category", "method", "title", "organizer", "hours", "started_on", "ended_on")
# The catalogue's part of a declaration (继续教育方式目录): the kind, and for hours counted per
# item the item's level and how many.
TYPE_FIELDS = ("activity_type", "item_level", "item_count")
AUDIT_FIELDS = [*DECLARATION_FIELDS, "plan_item_id", "activity_type_id", "item_level", "item_count", "state"]


def now() -> dt.datetime:
    return timezone.now()


def snapshot(declaration: Declaration) -> dict:
    return {f: getattr(declaration, f) for f in AUDIT_FIELDS}


def person_of(actor: Actor) -> Person:
    if not actor.is_role(Role.PERSON) or actor.person is None:
        raise Forbidden(_("只有专业技术人员本人可以申报学时。"))
    return actor.person


def own_declaration(actor: Actor, declaration_id: int, lock: bool = True) -> Declaration:
    """The person's own declaration (locked for the transaction), else 404."""
    person = person_of(actor)
    qs = Declaration.objects.filter(pk=declaration_id, person=person)
    if lock:
        qs = qs.select_for_update()
    declaration = qs.first()
    if declaration is None:
        raise NotFound()
    return declaration


def link(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def declaration_link(declaration_id: int) -> str:
    """The person's page of a declaration (`credits:declaration_detail`), for notifications."""
    return link("credits:declaration_detail", declaration_id)


def notify_person(declaration: Declaration, title: str, body: str = "") -> None:
    notify([declaration.person.user_id], title=title, body=body, link=declaration_link(declaration.pk))


def reviewer_user_ids(organisation_id: int, role: str) -> list[int]:
    return list(
        RoleAssignment.objects.filter(organisation_id=organisation_id, role=role).values_list(
            "user_id", flat=True
        )
    )


def open_review(declaration: Declaration, level: str, organisation_id: int, now: dt.datetime) -> Review:
    due = review_clock.due_date(declaration.year, declaration.unit.region_id, now)
    return Review.objects.create(
        declaration=declaration,
        level=level,
        organisation_id=organisation_id,
        arrived_at=now,
        due_on=due.date,
        due_provisional=due.provisional,
    )
