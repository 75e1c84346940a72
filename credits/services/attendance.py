"""Base attendance (基地报送出勤): the hours of one class credited to the people who attended."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import Person
from audit import actions
from audit.services import record_many
from core.actors import Actor, Role
from core.errors import Forbidden, Invalid, NotFound
from credits import ledger, rules
from credits.integrity import check_credited, raise_flag
from credits.models import COUNTING_STATES, HourRecord, IntegrityFlag, RecordState, Source
from credits.rules import plausibility, recognition
from filings import selectors as filing_selectors
from filings.models import PlanItem, TrainingPlan
from policy import selectors as policy_selectors
from policy.models import Method


@dataclass
class AttendanceResult:
    """`credited`: people whose hours were credited now; `duplicates`: people this class was
    already credited to (reported before, or declared and approved) — not counted again."""

    credited: list[Person] = field(default_factory=list)
    duplicates: list[Person] = field(default_factory=list)
    records: list[HourRecord] = field(default_factory=list)


def _require_attendance_reporter(actor: Actor, plan: TrainingPlan) -> None:
    """The plan's filer reports its classes. A bureau may for a plan addressed to a bureau in
    its region — the one that decides on the plan (`filings.selectors.may_decide`); a plan it
    cannot see is a 404, one it only reads (a county bureau) a 403."""
    if actor.organisation is not None and actor.organisation.pk == plan.filer_id:
        return
    if actor.is_role(Role.BUREAU) and actor.organisation is not None:
        if not filing_selectors.plans_in_scope(actor).filter(pk=plan.pk).exists():
            raise NotFound()
        if filing_selectors.may_decide(actor, plan):
            return
        raise Forbidden(_("只有受理该培训计划备案的人社局可以代为报送出勤。"))
    raise Forbidden(_("只有培训计划的申报单位（基地）可以报送该班次的出勤。"))


@transaction.atomic
def credit_attendance(
    actor: Actor,
    *,
    plan_item_id: int,
    rows: Iterable[tuple[Person | int, Decimal]],
    completed_on: dt.date | None = None,
) -> AttendanceResult:
    """Credit the attendance of one class (a plan item of an accepted plan).

    `rows` are (person, hours) pairs. Each person is credited once per plan item, ever: a
    person reported again (in this call or an earlier one, or whose declaration of this class
    was already approved) is a duplicate and counts nothing; a unique index backs this.
    Records are `credited`, source `attendance`, method `training`, category of the plan item,
    dated `completed_on` (default: the class's start date); their year is
    the year of that date. The date may not be in the future and its year must be open.
    Hours must be positive, with at most one decimal, and not above the plan item's hours.
    The date must lie in the plan's year, not before the class starts (hours are never carried
    into another year). The actor must be the plan's filer, or a bureau whose region holds the
    filer (another region's plan: NotFound). Nothing is written when any row is bad: the
    DomainError names each bad row as `rows.<index>.hours`."""
    plan_item = PlanItem.objects.select_related("plan", "plan__filer").get(pk=plan_item_id)
    plan = plan_item.plan
    _require_attendance_reporter(actor, plan)
    if recognition.filed_plan_item(plan_item.pk) is None:
        raise Invalid.field("plan_item", _("培训计划项目：所属培训计划尚未备案，不能报送出勤学时。"))
    day = completed_on or plan_item.starts_on
    if day > policy_selectors.today():
        raise Invalid.field("completed_on", _("完成日期：不能晚于今天。"))
    if day.year != plan.year:
        raise Invalid.field(
            "completed_on",
            _(
                "完成日期：应在培训计划的年度（%(plan)s 年）内。学时属于学习发生的年度，"
                "不得结转或顺延至其他年度。"
            )
            % {"plan": plan.year},
        )
    if day < plan_item.starts_on:
        raise Invalid.field(
            "completed_on",
            _("完成日期：不能早于培训班的开班时间（%(day)s）。") % {"day": plan_item.starts_on.isoformat()},
        )
    policy = rules.require_reporting_open(day.year, "completed_on")
    errors = []
    prepared: list[tuple[int, Decimal]] = []
    for index, (who, hours) in enumerate(rows):
        person_id = who.pk if isinstance(who, Person) else int(who)
        problem = rules.hours_problem(hours, 1, None, ceiling=plan_item.hours)
        if problem:
            errors.append(
                {"field": f"rows.{index}.hours", "message": _("第 %(n)s 行 ") % {"n": index + 1} + problem}
            )
            continue
        prepared.append((person_id, rules.parse_hours(hours)))
    if errors:
        raise Invalid(errors[0]["message"], errors)
    # Only the keys: a 100,000-row sheet should not hold 100,000 whole people (names, ciphertexts).
    people = {p.pk: p for p in Person.objects.only("pk").filter(pk__any_of=[p for p, _h in prepared])}
    missing = [p for p, _h in prepared if p not in people]
    if missing:
        raise Invalid.field("rows", _("人员不存在：%(ids)s") % {"ids": ", ".join(map(str, missing))})
    result = AttendanceResult()
    seen: set[int] = set()
    candidates = []
    for person_id, hours in prepared:
        if person_id in seen:
            result.duplicates.append(people[person_id])
            continue
        seen.add(person_id)
        candidates.append(
            HourRecord(
                person_id=person_id,
                year=day.year,
                category=plan_item.category,
                method=Method.TRAINING,
                hours=hours,
                source=Source.ATTENDANCE,
                state=RecordState.CREDITED,
                title=plan_item.project[:200],
                organizer=plan.filer.name[:120],
                started_on=plan_item.starts_on,
                completed_on=day,
                plan_item=plan_item,
            )
        )
    # Fast path: people this class already counts for are known before inserting.
    done = set(
        HourRecord.objects.filter(plan_item=plan_item, person_id__any_of=list(seen))
        .filter(Q(source=Source.ATTENDANCE) | Q(state=RecordState.CREDITED))
        .values_list("person_id", flat=True)
    )
    fresh = [r for r in sorted(candidates, key=lambda r: r.person_id) if r.person_id not in done]
    result.duplicates += [people[r.person_id] for r in candidates if r.person_id in done]
    created, refused = ledger.add_records_once(fresh)  # a concurrent report loses here, not twice
    result.records = created
    result.credited = [people[r.person_id] for r in created]
    result.duplicates += [people[r.person_id] for r in refused]
    if created:
        record_many(
            actor, actions.HOUR_RECORD_CREDITED_ATTENDANCE, created, after={"plan_item": plan_item.pk}
        )
        _flag_over_daily_limit(plan_item, created, policy.max_daily_hours)
        check_credited(created)
    return result


def _flag_over_daily_limit(plan_item: PlanItem, records: list[HourRecord], daily: Decimal) -> None:
    """A base's attendance is credited (the class happened); where it puts a person over the
    daily limit beside their other records, the bureau's integrity list gets the case."""
    others: dict[int, list] = {}
    # The class's attendance records are the ones just written (one per person, ever); left
    # out by what they are, not by a list of 100,000 ids every row would be compared with.
    rows = HourRecord.objects.filter(
        person_id__any_of=[r.person_id for r in records], year=records[0].year, state__in=COUNTING_STATES
    ).exclude(plan_item=plan_item, source=Source.ATTENDANCE)
    for r in rows:
        span = plausibility.record_span(r.source, r.hours, r.started_on, r.completed_on, r.pk)
        others.setdefault(r.person_id, []).append(span)
    for hour_record in records:
        own = plausibility.record_span(
            hour_record.source, hour_record.hours, hour_record.started_on, hour_record.completed_on
        )
        verdict = plausibility.judge(own, others.get(hour_record.person_id, []), daily)
        if not verdict.possible:
            raise_flag(hour_record, IntegrityFlag.Kind.OVER_DAILY_LIMIT, verdict)
