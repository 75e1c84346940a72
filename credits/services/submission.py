"""Submitting a declaration to the person's unit: the evidence it needs, the unit it goes to,
the kind's yearly cap and the daily limit, and whether its training is recognised."""

from __future__ import annotations

from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts import selectors as account_selectors
from accounts.models import Membership, Person
from audit import actions
from audit.services import record
from catalogue.models import ActivityType
from core.actors import Actor
from core.errors import Conflict, DomainError, Invalid
from core.hours import format_hours
from credits import ledger
from credits.integrity import check_declaration, daily_limit_verdict
from credits.models import (
    COUNTING_STATES,
    Declaration,
    DeclarationState,
    HourRecord,
    RecordState,
    Review,
    Source,
)
from credits.rules import recognition as recognition_rules
from credits.services import common, declarations, recognition

NO_EVIDENCE = gettext_noop("证明材料：请至少上传一份证明材料（PDF、JPG 或 PNG）。")


def why_cannot_submit(actor: Actor) -> str:
    """Why the person could not submit a declaration today ("" if they can): told before they
    fill the form, which they may still save as a draft."""
    try:
        _submission_unit(common.person_of(actor))
    except DomainError as exc:
        return exc.detail
    return ""


def _submission_unit(person: Person):
    """The confirmed employer and its supervising authority, or a 422 naming `unit`."""
    membership = account_selectors.current_membership(person)
    if membership is None:
        raise Invalid.field(
            "unit", _("工作单位：您尚未关联工作单位，请先在个人信息中选择单位，经单位确认后再提交。")
        )
    if membership.state != Membership.State.CONFIRMED:
        raise Invalid.field(
            "unit",
            _("工作单位：您与“%(unit)s”的单位关系尚待单位确认，确认后才能提交申报。")
            % {"unit": membership.unit.name},
        )
    unit = membership.unit
    if unit.supervisor_id is None:
        raise Invalid.field(
            "unit",
            _(
                "工作单位：“%(unit)s”尚未设置行业主管部门，申报无法进入主管部门审核。"
                "请单位联系人社局在机构信息中设置其行业主管部门后再提交。"
            )
            % {"unit": unit.name},
        )
    return unit


@transaction.atomic
def submit_declaration(actor: Actor, *, declaration_id: int) -> Declaration:
    """Send a draft (or a corrected, returned declaration) to the person's confirmed unit.

    Training without a plan item of an accepted plan becomes `not_recognised` (kept, counts
    for nothing) and enters review when its plan is accepted. Otherwise → `pending_unit` with a
    fresh clock (due on the n-th working day after today)."""
    declaration = common.own_declaration(actor, declaration_id)
    if not declaration.editable:
        raise Conflict(
            _("当前状态（%(state)s）的申报不能提交。") % {"state": declaration.get_state_display()},
            [{"field": "state", "message": _("只有草稿或退回修改的申报可以提交。")}],
        )
    now = common.now()
    cleaned = declarations.clean({}, base=declarations.declaration_values(declaration), now=now)
    kind = cleaned["activity_type"]
    if kind is not None:
        _require_slots(declaration, kind)
    elif not declaration.evidence.exists():
        raise Invalid.field("evidence", _(NO_EVIDENCE))
    unit = _submission_unit(declaration.person)
    if recognition.already_credited(declaration.person_id, declaration.plan_item_id, declaration.pk):
        raise Invalid.field("plan_item_id", _("培训计划项目：该培训的学时已计入您的学时档案，无需重复申报。"))
    _require_plausible(declaration)
    if kind is not None and kind.yearly_cap is not None:
        _require_within_cap(declaration, kind)
    before = common.snapshot(declaration)
    declaration.unit = unit
    declaration.authority_id = unit.supervisor_id
    declaration.submitted_at = now
    # The figures it is submitted under: a later change of the catalogue does not touch it.
    declaration.terms = (
        {**kind.terms(cleaned["item_level"], cleaned["item_count"]), "taken_at": now.isoformat()}
        if kind is not None
        else {}
    )
    recognised = recognition_rules.is_recognised(kind, declaration.method, declaration.plan_item_id)
    declaration.state = DeclarationState.PENDING_UNIT if recognised else DeclarationState.NOT_RECOGNISED
    declaration.save()
    record_state = RecordState.PENDING if recognised else RecordState.NOT_RECOGNISED
    reason = "" if recognised else recognition_rules.NOT_RECOGNISED_REASON
    fields = {
        "year": cleaned["year"],
        "category": declaration.category,
        "method": declaration.method,
        "hours": declaration.hours,
        "title": declaration.title,
        "organizer": declaration.organizer,
        "started_on": declaration.started_on,
        "completed_on": declaration.ended_on,
        "plan_item_id": declaration.plan_item_id,
    }
    existing = HourRecord.objects.select_for_update().filter(declaration=declaration).first()
    if existing is None:
        ledger.add_records(
            [
                HourRecord(
                    person_id=declaration.person_id,
                    source=Source.DECLARATION,
                    state=record_state,
                    reason=reason,
                    declaration=declaration,
                    **fields,
                )
            ]
        )
    else:
        ledger.move_records([existing], record_state, reason, **fields)
    if recognised:
        common.open_review(declaration, Review.Level.UNIT, unit.pk, now)
    else:
        common.notify_person(
            declaration,
            _("学时申报不予认可：%(title)s") % {"title": declaration.title},
            _(
                "培训未按规定备案（所选培训计划未备案或未选择培训计划项目），学时不予认可。培训计划备案后将自动进入审核。"
            ),
        )
    record(
        actor, actions.DECLARATION_SUBMITTED, declaration, before=before, after=common.snapshot(declaration)
    )
    check_declaration(declaration)
    return declaration


def _require_slots(declaration: Declaration, kind: ActivityType) -> None:
    """Every required evidence item of the kind has a file in its slot; otherwise a 422 naming
    each missing slot (`evidence.<slot>`)."""
    present = set(declaration.evidence.values_list("slot", flat=True))
    errors = [
        {
            "field": f"evidence.{slot.code}",
            "message": _("证明材料“%(slot)s”：“%(type)s”（第 %(n)s 类）须上传此项。")
            % {"slot": slot.name, "type": kind.name, "n": kind.number},
        }
        for slot in kind.slots.all()
        if slot.required and slot.code not in present
    ]
    if errors:
        raise Invalid(errors[0]["message"], errors)


def type_hours_used(person_id: int, year: int, kind: ActivityType, exclude_declaration: int | None = None):
    """The person's credited and pending hours of the kind in the year (what its yearly cap
    counts): their declarations of it, and for a kind bases report, the bases' attendance."""
    of_kind = Q(declaration__activity_type__code=kind.code)
    if kind.base_reported:
        of_kind |= Q(source=Source.ATTENDANCE, plan_item__plan__filer__kind="base")
    qs = HourRecord.objects.filter(person_id=person_id, year=year, state__in=COUNTING_STATES).filter(of_kind)
    if exclude_declaration is not None:
        qs = qs.exclude(declaration_id=exclude_declaration)
    return qs.aggregate(total=Sum("hours"))["total"] or Decimal(0)


def _require_within_cap(declaration: Declaration, kind: ActivityType) -> None:
    """The kind's yearly cap holds with this declaration's hours added to the person's credited
    and pending hours of the kind; otherwise a 422 on `hours` saying how much is left. The
    person's row is locked (not against the key-share locks of concurrent inserts) so that two
    submits at once cannot both pass."""
    Person.objects.select_for_update(no_key=connection.vendor == "postgresql").filter(
        pk=declaration.person_id
    ).first()
    used = type_hours_used(declaration.person_id, declaration.year, kind, declaration.pk)
    if used + declaration.hours > kind.yearly_cap:
        raise Invalid.field(
            "hours",
            _(
                "学时：“%(type)s”每年最多计入 %(cap)s 学时（%(year)s 年度继续教育方式目录）；本年度该方式"
                "已计入及审核中 %(used)s 学时，本次最多还可申报 %(left)s 学时。"
            )
            % {
                "type": kind.name,
                "cap": format_hours(kind.yearly_cap),
                "year": kind.policy_year_id,
                "used": format_hours(used),
                "left": format_hours(max(kind.yearly_cap - used, Decimal(0))),
            },
        )


def _require_plausible(declaration: Declaration) -> None:
    """The declared days must hold the hours beside the person's other records of the year
    (credits.rules.plausibility: the daily limit per person and day across sources); otherwise a 422
    on `hours` saying which days are over the limit, so the person can correct the dates."""
    verdict = daily_limit_verdict(declaration)
    if not verdict.possible:
        raise Invalid.field("hours", verdict.message)
