"""Training plans (培训计划申报表): drafts, their rows, submission.

Each public function is one transaction and leaves an audit entry for every state change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from audit import actions
from audit.services import record, snapshot
from core.actors import Actor
from core.dates import local_day
from core.errors import Invalid
from filings import rules
from filings.models import AttendanceUpload, FilingException, PlanItem, TrainingPlan
from filings.services import common
from filings.signals import plan_items_removing

PLAN_FIELDS = ["year", "contact_name", "contact_phone", "filer_opinion"]
ITEM_FIELDS = [
    "project",
    "audience",
    "starts_on",
    "hours",
    "teachers",
    "mode",
    "venue",
    "funding",
    "remark",
    "category",
]


@dataclass(frozen=True)
class PlanItemInput:
    """One row of the plan form as the filer typed it; `rules.clean_plan_item` checks it."""

    project: str = ""
    audience: str = ""
    starts_on: dt.date | str | None = None
    hours: Decimal | float | int | str | None = None
    teachers: str = ""
    mode: str = ""
    venue: str = ""
    funding: str = ""
    remark: str = ""
    category: str = ""


@dataclass(frozen=True)
class PlanInput:
    year: int
    contact_name: str = ""
    contact_phone: str = ""
    filer_opinion: str = ""
    items: tuple[PlanItemInput, ...] = ()


@dataclass(frozen=True)
class PlanChange:
    """A change of a draft or returned plan: None keeps a value; `items` replaces every row."""

    year: int | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    filer_opinion: str | None = None
    items: tuple[PlanItemInput, ...] | None = None


def _clean_items(rows, year: int) -> list[dict]:
    if len(rows) > rules.MAX_ITEMS:
        raise Invalid.field("items", _("培训项目：最多 %(n)s 行。") % {"n": rules.MAX_ITEMS})
    cleaned_rows, errors = [], []
    for index, row in enumerate(rows, start=1):
        cleaned, row_errors = rules.clean_plan_item(asdict(row), year, prefix=f"items.{index}.")
        errors += [{**e, "message": _("第%(n)s行 ") % {"n": index} + e["message"]} for e in row_errors]
        cleaned_rows.append(cleaned)
    if errors:
        raise Invalid(errors[0]["message"], errors)
    return cleaned_rows


def _clean_header(contact_name, contact_phone, filer_opinion) -> dict:
    cleaned = {
        "contact_name": (contact_name or "").strip(),
        "contact_phone": (contact_phone or "").strip(),
        "filer_opinion": (filer_opinion or "").strip(),
    }
    errors = rules.plan_header_errors(**cleaned)
    if errors:
        raise Invalid(errors[0]["message"], errors)
    return cleaned


def write_items(plan: TrainingPlan, rows: list[dict]) -> list[PlanItem]:
    """Make the plan's rows `rows` (序号 1…n), keeping item ids stable: the row of each 序号 is
    updated in place, new ones are added, and a row beyond the new last one is deleted unless
    something names it. Declarations name items (also drafts, also other organisations'
    people), hours are recorded against them: a row that a submitted declaration, an hour
    record or an attendance report names cannot be deleted (the change is refused, naming the
    rows); a row only draft declarations name is kept, so a draft never freezes the plan.
    What other apps' records name is asked through `plan_items_removing`. Returns the rows kept
    that way."""
    existing = {item.seq: item for item in plan.items.all()}
    for seq, row in enumerate(rows, start=1):
        item = existing.get(seq)
        if item is None:
            continue
        changed = [name for name, value in row.items() if getattr(item, name) != value]
        if changed:
            for name in changed:
                setattr(item, name, row[name])
            item.save(update_fields=changed)
    PlanItem.objects.bulk_create(
        [PlanItem(plan=plan, seq=seq, **row) for seq, row in enumerate(rows, start=1) if seq not in existing]
    )
    removed = {item.pk: item for seq, item in existing.items() if seq > len(rows)}
    if not removed:
        return []
    answers = [
        answer for _receiver, answer in plan_items_removing.send(sender=PlanItem, item_ids=list(removed))
    ]
    fixed = set(
        AttendanceUpload.objects.filter(plan_item_id__in=removed).values_list("plan_item_id", flat=True)
    )
    kept_ids: set[int] = set()
    for answer in answers:
        fixed |= answer.fixed
        kept_ids |= answer.kept
    if fixed:
        seqs = "、".join(str(removed[pk].seq) for pk in sorted(fixed, key=lambda pk: removed[pk].seq))
        raise Invalid.field(
            "items",
            _(
                "培训项目：第%(seqs)s行已有提交的学时申报或学时记录引用，不能删除；"
                "可以修改这些行的内容，或保留这些行。"
            )
            % {"seqs": seqs},
        )
    PlanItem.objects.filter(pk__in=[pk for pk in removed if pk not in kept_ids]).delete()
    return sorted((removed[pk] for pk in kept_ids), key=lambda item: item.seq)


def _items_snapshot(plan: TrainingPlan) -> list[dict]:
    return [snapshot(item, ["seq", *ITEM_FIELDS]) for item in plan.items.all()]


def kept_note(kept: list[PlanItem]) -> str:
    if not kept:
        return ""
    return _("第%(seqs)s行有学时申报草稿引用，予以保留") % {"seqs": "、".join(str(i.seq) for i in kept)}


@transaction.atomic
def create_plan(actor: Actor, *, plan: PlanInput) -> TrainingPlan:
    """A draft plan of the actor's organisation for `plan.year`."""
    filer = common.require_filer_role(actor, rules.PLAN_FILERS, _("培训计划"))
    policy = common.policy(plan.year)
    cleaned = _clean_header(plan.contact_name, plan.contact_phone, plan.filer_opinion)
    rows = _clean_items(plan.items, policy.year)
    created = TrainingPlan.objects.create(
        filer=filer, bureau=common.addressed_bureau(filer), year=policy.year, created_by=actor.user, **cleaned
    )
    write_items(created, rows)
    record(
        actor,
        actions.TRAINING_PLAN_CREATED,
        created,
        after={**snapshot(created, [*PLAN_FIELDS, "state"]), "items": _items_snapshot(created)},
    )
    return created


@transaction.atomic
def update_plan(actor: Actor, *, plan_id: int, change: PlanChange) -> TrainingPlan:
    """Change a draft or returned plan; `change.items=None` keeps the rows, a tuple replaces them."""
    plan = common.lock(TrainingPlan, actor, plan_id)
    common.require_editable(actor, plan)
    before = {**snapshot(plan, PLAN_FIELDS), "items": _items_snapshot(plan)}
    policy = common.policy(plan.year if change.year is None else change.year)

    def keep(value, current):
        return current if value is None else value

    cleaned = _clean_header(
        keep(change.contact_name, plan.contact_name),
        keep(change.contact_phone, plan.contact_phone),
        keep(change.filer_opinion, plan.filer_opinion),
    )
    for key, value in cleaned.items():
        setattr(plan, key, value)
    plan.year = policy.year
    kept = write_items(plan, _clean_items(change.items, policy.year)) if change.items is not None else []
    if plan.items.exclude(starts_on__year=policy.year).exists():
        raise Invalid.field("year", _("年度：已有培训项目的开班时间不在 %(y)s 年度内。") % {"y": policy.year})
    plan.save()
    record(
        actor,
        actions.TRAINING_PLAN_CHANGED,
        plan,
        before=before,
        after={**snapshot(plan, PLAN_FIELDS), "items": _items_snapshot(plan)},
        note=kept_note(kept),
    )
    plan.kept_items = kept
    return plan


def write_plan_import(actor: Actor, plan_id: int, rows: list[dict], file_name: str) -> dict:
    """The write of a plan import (inside the job's transaction): rows already read and clean."""
    plan = common.lock(TrainingPlan, actor, plan_id)
    common.require_editable(actor, plan)
    before = {"items": _items_snapshot(plan)}
    kept = write_items(plan, rows)
    record(
        actor,
        actions.TRAINING_PLAN_ITEMS_IMPORTED,
        plan,
        before=before,
        after={"items": _items_snapshot(plan)},
        note=" ".join(filter(None, [file_name[:150], kept_note(kept)]))[:200],
    )
    return {"items": plan.items.count(), "kept": [i.seq for i in kept]}


@transaction.atomic
def submit_plan(actor: Actor, *, plan_id: int, now: dt.datetime | None = None) -> TrainingPlan:
    now = common.now(now)
    plan = common.lock(TrainingPlan, actor, plan_id)
    common.require_editable(actor, plan)
    errors = rules.plan_submission_errors(plan)
    if errors:
        raise Invalid(errors[0]["message"], errors)
    common.policy(plan.year)
    exception = rules.check_filing_deadline(plan, FilingException.Kind.PLAN, now)
    before = common.state_of(plan)
    plan.late_exception = exception
    plan.submitted_at = now
    plan.first_submitted_at = plan.first_submitted_at or now
    plan.declared_on = local_day(now)
    common.route_to_opinion(actor, plan, now, plan.filer_opinion)
    plan.save()
    record(
        actor,
        actions.TRAINING_PLAN_SUBMITTED,
        plan,
        before=before,
        after={**common.state_of(plan), "late_exception": exception.pk if exception else None},
    )
    return plan
