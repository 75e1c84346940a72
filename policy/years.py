"""The year's rules exist from 1 January: carrying a year forward, on the beat or on first use."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from audit import actions
from audit.services import record, snapshot
from core.actors import SYSTEM, Actor
from core.dates import this_year
from core.errors import Invalid
from policy.models import PolicyYear, RegionalFigures, Requirement


@transaction.atomic
def ensure_policy_year(actor: Actor, *, year: int) -> PolicyYear:
    """Create `year` by carrying the latest earlier year forward (same figures, the same days
    of the year, the same cities' own figures and what cities may set), marked 沿用上年，待确认
    until the bureau that sets the rules confirms or edits it."""
    existing = PolicyYear.objects.filter(year=year).first()
    if existing:
        return existing
    previous = PolicyYear.objects.filter(year__lt=year).order_by("-year").first()
    if previous is None:
        raise Invalid.field("year", _("没有可沿用的上一年度政策。"))
    policy = PolicyYear.objects.create(
        year=year,
        declaration_deadline=_same_day_in(previous.declaration_deadline, year),
        plan_filing_deadline=_same_day_in(previous.plan_filing_deadline, year),
        reporting_deadline=_same_day_in(previous.reporting_deadline, year + 1),
        review_sla_working_days=previous.review_sla_working_days,
        max_daily_hours=previous.max_daily_hours,
        cities_set_plan_filing_deadline=previous.cities_set_plan_filing_deadline,
        cities_set_review_sla=previous.cities_set_review_sla,
        notice_reference=_("沿用 %(year)s 年度") % {"year": previous.year},
        carried_forward_from=previous.year,
    )
    Requirement.objects.bulk_create(
        [
            Requirement(
                policy_year=policy,
                profile_id=r.profile_id,
                total_hours=r.total_hours,
                public_hours=r.public_hours,
                professional_hours=r.professional_hours,
            )
            for r in previous.requirements.all()
        ]
    )
    RegionalFigures.objects.bulk_create(
        [
            RegionalFigures(
                policy_year=policy,
                region_id=r.region_id,
                plan_filing_deadline=r.plan_filing_deadline and _same_day_in(r.plan_filing_deadline, year),
                review_sla_working_days=r.review_sla_working_days,
            )
            for r in previous.regional_figures.all()
        ]
    )
    record(actor, actions.POLICY_YEAR_CARRIED_FORWARD, policy, after=snapshot(policy, AUDITED_FIELDS))
    return policy


AUDITED_FIELDS = [
    "year",
    "declaration_deadline",
    "plan_filing_deadline",
    "reporting_deadline",
    "review_sla_working_days",
    "max_daily_hours",
    "cities_set_plan_filing_deadline",
    "cities_set_review_sla",
    "carried_forward_from",
]


def policy_year(year: int) -> PolicyYear | None:
    """The rules of `year`, or None for a year that has none (before the first policy, or in
    the future). A year up to the current one (Shanghai) always exists: the beat opens it at
    00:00 on 1 January, and if the beat was down the first use carries it forward here, so
    nothing is refused because a bureau has not acted yet."""
    policy = PolicyYear.objects.filter(year=year).first()
    if policy is not None or year > this_year():
        return policy
    if not PolicyYear.objects.filter(year__lt=year).exists():
        return None
    return _carry_forward_once(year)


def open_current_year(now: dt.datetime | None = None) -> PolicyYear | None:
    """The 1 January roll-over (Celery beat, 00:00 Asia/Shanghai): the year that has begun
    gets its rules from the year before, awaiting the bureau's confirmation."""
    return policy_year(this_year(now))


def _carry_forward_once(year: int) -> PolicyYear:
    """Carry forward inside a savepoint: when two first uses race (a push and a page at 00:00),
    the second one's insert waits for the first and fails on the key; it then reads the row."""
    try:
        with transaction.atomic():
            return ensure_policy_year(SYSTEM, year=year)
    except IntegrityError:
        return PolicyYear.objects.get(year=year)


def _same_day_in(day: dt.date, year: int) -> dt.date:
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return day.replace(year=year, day=28)
