"""The year-end reminders the notice asks for: everyone still short is told what they miss,
on the reminder days before the declaration deadline, and a unit may remind its own staff."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from audit import actions
from audit.services import record
from core.actors import Actor, Role
from core.errors import Conflict, DomainError, Forbidden, Invalid
from credits import forecast
from credits.rules import compliance
from credits.selectors import staff_compliance
from notifications.models import Notification, ReminderRun
from organisations.models import Organisation
from policy import selectors as policy_selectors

# Days before the declaration deadline on which everyone still short is reminded.
REMINDER_DAYS = (30, 14, 7, 3, 1)


def shortfall_message(row, year: int, days_left: int) -> str:
    """What one person still misses, in words ('还差公需科目 6 学时、专业科目 20 学时')."""
    return _("%(year)s 年度继续教育还差%(what)s，距截止还有 %(days)s 天；当年学时不得结转或顺延。") % {
        "year": year,
        "what": compliance.shortfall_of_row(row).in_words(),
        "days": days_left,
    }


def reminder_body(row, year: int, days_left: int, window) -> str:
    """What the person misses and, in the forecast season, where their pace leads."""
    body = shortfall_message(row, year, days_left)
    if window.shown and (outlook := forecast.explain(forecast.outlook_of(row, window), row, window)):
        body += outlook
    return body


def _remind(scope: Actor, year: int, today: dt.date, unit_id: int | None = None) -> int:
    policy = policy_selectors.get_policy_year(year)
    days_left = (policy.declaration_deadline - today).days
    window = forecast.window(year, today)
    title = _("继续教育学时提醒（%(year)s 年度）") % {"year": year}
    sent = 0
    batch: list[Notification] = []
    rows = staff_compliance(scope, year, unit_id=unit_id, only_short=True)
    for row in rows.iterator(chunk_size=2000):
        batch.append(
            Notification(
                user_id=row.person.user_id,
                title=title,
                body=reminder_body(row, year, days_left, window),
                link="/dashboard/",
            )
        )
        if len(batch) >= 2000:
            sent += len(Notification.objects.bulk_create(batch))
            batch = []
    sent += len(Notification.objects.bulk_create(batch))
    return sent


@transaction.atomic
def remind_unit_staff(actor: Actor, year: int | None = None) -> int:
    """A unit reminds its confirmed members who are still short (at most once a day)."""
    if not actor.is_role(Role.UNIT):
        raise Forbidden(_("只有用人单位可以提醒本单位人员。"))
    today = policy_selectors.today()
    year = year or today.year
    if policy_selectors.is_past(policy_selectors.get_policy_year(year).declaration_deadline):
        raise Invalid.field("year", _("年度：%(year)s 年度已截止，不能再提醒。") % {"year": year})
    key = f"unit:{actor.organisation.pk}:{year}:{today.isoformat()}"
    try:
        with transaction.atomic():
            run = ReminderRun.objects.create(key=key)
    except IntegrityError:
        raise Conflict(_("今天已经提醒过本单位人员，请明天再试。")) from None
    run.recipients = _remind(actor, year, today, unit_id=actor.organisation.pk)
    run.save(update_fields=["recipients"])
    record(actor, actions.REMINDER_UNIT_STAFF, run, after={"year": year, "recipients": run.recipients})
    return run.recipients


def send_year_end_reminders(today: dt.date | None = None) -> int:
    """Daily: on the reminder days before the deadline, remind everyone still short, region by
    region from the top-level bureaus (each person once per reminder day)."""
    today = today or policy_selectors.today()
    year = today.year
    try:
        policy = policy_selectors.get_policy_year(year)
    except DomainError:
        return 0
    days_left = (policy.declaration_deadline - today).days
    if days_left not in REMINDER_DAYS:
        return 0
    key = f"year-end:{year}:{days_left}"
    with transaction.atomic():
        run, created = ReminderRun.objects.get_or_create(key=key)
        if not created:
            return 0
        top_bureaus = Organisation.objects.filter(kind=Organisation.Kind.BUREAU, region__parent__isnull=True)
        for bureau in top_bureaus:
            scope = Actor(user=None, role=Role.BUREAU, organisation=bureau)
            run.recipients += _remind(scope, year, today)
        run.save(update_fields=["recipients"])
    return run.recipients
