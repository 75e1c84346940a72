"""Recognising training: a plan accepted (备案) lets its not-recognised declarations into review;
a class counts once per person, whichever way it reached the ledger."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from audit import actions
from audit.services import record
from core.actors import SYSTEM, Actor
from credits import ledger
from credits.integrity import check_daily_limit
from credits.models import Declaration, DeclarationState, HourRecord, RecordState, Review
from credits.rules import recognition as recognition_rules
from credits.services import common
from filings.models import TrainingPlan


def already_credited(person_id: int, plan_item_id: int | None, exclude_declaration: int | None) -> bool:
    if plan_item_id is None:
        return False
    qs = HourRecord.objects.filter(person_id=person_id, plan_item_id=plan_item_id, state=RecordState.CREDITED)
    if exclude_declaration:
        qs = qs.exclude(declaration_id=exclude_declaration)
    return qs.exists()


@transaction.atomic
def recognise_plan(actor: Actor = SYSTEM, *, plan_id: int) -> list[Declaration]:
    """The plan was accepted (备案): its not-recognised training declarations enter review at
    their unit with a fresh clock. Called by the receiver of `filings.signals.plan_accepted`."""
    plan = TrainingPlan.objects.get(pk=plan_id)
    if not recognition_rules.plan_is_filed(plan):
        return []
    now = common.now()
    moved = []
    declarations = (
        Declaration.objects.select_for_update(of=("self",))
        .select_related("person")
        .filter(state=DeclarationState.NOT_RECOGNISED, plan_item__plan_id=plan.pk)
        .order_by("person_id", "pk")  # the ledger's lock order: no deadlock with concurrent writers
    )
    for declaration in declarations:
        if declaration.unit_id is None:
            continue
        before = common.snapshot(declaration)
        declaration.state = DeclarationState.PENDING_UNIT
        declaration.save(update_fields=["state", "updated_at"])
        ledger.move_records(
            HourRecord.objects.select_for_update().filter(declaration=declaration), RecordState.PENDING, ""
        )
        common.open_review(declaration, Review.Level.UNIT, declaration.unit_id, now)
        record(
            actor,
            actions.DECLARATION_RECOGNISED,
            declaration,
            before=before,
            after=common.snapshot(declaration),
        )
        check_daily_limit(declaration)
        common.notify_person(
            declaration,
            _("培训计划已备案，申报进入审核：%(title)s") % {"title": declaration.title},
        )
        moved.append(declaration)
    return moved
