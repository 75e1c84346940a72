"""Declarations in the actor's scope, one with its evidence and reviews."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from core.actors import Actor, Role
from core.errors import Invalid, NotFound
from credits.models import Declaration, DeclarationState, Evidence, HourRecord, Review
from credits.selectors.records import with_explanations

OPEN_STATES = (DeclarationState.PENDING_UNIT, DeclarationState.PENDING_AUTHORITY)


def declarations_in_scope(actor: Actor) -> QuerySet[Declaration]:
    """A person: their own (drafts included). A unit: what was submitted to it. An authority:
    what its units received (to supervise them) and what reached it. A bureau: submissions in
    its region. Staff never see their own declarations (no one reviews themself)."""
    qs = Declaration.objects.all()
    if actor.user is None:
        return qs.none()
    if actor.is_role(Role.PERSON):
        return qs.filter(person__user_id=actor.user.pk)
    submitted = qs.exclude(state=DeclarationState.DRAFT).exclude(person__user_id=actor.user.pk)
    if actor.organisation is None:
        return qs.none()
    if actor.is_role(Role.UNIT):
        return submitted.filter(unit_id=actor.organisation.pk)
    if actor.is_role(Role.AUTHORITY):
        return submitted.filter(
            Q(authority_id=actor.organisation.pk) | Q(unit__supervisor_id=actor.organisation.pk)
        )
    if actor.is_role(Role.BUREAU):
        return submitted.filter(unit__region_id__in=actor.organisation.region.descendant_ids())
    return qs.none()


def declarations(actor: Actor, year: int | None = None, state: str | None = None) -> QuerySet[Declaration]:
    qs = declarations_in_scope(actor).select_related("person", "unit", "authority", "plan_item")
    if year:
        qs = qs.filter(year=year)
    if state:
        if state not in DeclarationState.values:
            raise Invalid.field("state", _("状态：取值不正确。"))
        qs = qs.filter(state=state)
    return qs.order_by("-created_at", "-id")


def declaration_for(actor: Actor, declaration_id: int) -> Declaration:
    """One declaration with its evidence and reviews, or NotFound outside the actor's scope."""
    declaration = (
        declarations_in_scope(actor)
        .select_related("person", "unit", "authority", "plan_item", "plan_item__plan", "activity_type")
        .prefetch_related(
            "evidence", "reviews__organisation", "activity_type__slots", "activity_type__levels"
        )
        .filter(pk=declaration_id)
        .first()
    )
    if declaration is None:
        raise NotFound()
    return declaration


def open_review(declaration: Declaration) -> Review | None:
    """The level the declaration is waiting at (None when nobody has to act)."""
    return next((r for r in declaration.reviews.all() if r.decided_at is None), None)


def declaration_record(declaration: Declaration) -> HourRecord | None:
    record = HourRecord.objects.filter(declaration=declaration).first()
    if record is not None:
        with_explanations([record])
    return record


def evidence_for(actor: Actor, declaration_id: int, evidence_id: int) -> Evidence:
    declaration = declaration_for(actor, declaration_id)
    evidence = next((e for e in declaration.evidence.all() if e.pk == evidence_id), None)
    if evidence is None:
        raise NotFound()
    return evidence
