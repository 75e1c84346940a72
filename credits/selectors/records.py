"""A person's hour records of a year, each with why it counts or not."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from accounts.models import Person
from core.actors import Actor
from core.text import tidy_punctuation
from credits import rules
from credits.models import HourRecord, RecordState, Review, Source
from credits.rules import review_clock
from credits.selectors._shared import current_year
from credits.selectors.progress import own_person, person_in_scope
from policy import selectors as policy_selectors
from policy.models import PolicyYear

_SOURCE_CREDITED = {
    Source.PLATFORM: "学习入口自动计入（%(org)s），无需申报",
    Source.ATTENDANCE: "继续教育基地报送出勤，已计入（%(org)s）",
    Source.DECLARATION: "经用人单位和行业主管部门审核通过，已计入",
}


_UNREAD = object()


def explain(
    record: HourRecord,
    open_review: Review | None = None,
    today: dt.date | None = None,
    policy: PolicyYear | None = _UNREAD,
) -> str:
    """Why a record counts, or why not (shown on the person's page and in `me/hours`).
    `policy` is the PolicyYear of the record's year (or None when it has none): lists pass it
    read once; when left out it is read here."""
    today = today or policy_selectors.today()
    if record.state == RecordState.CREDITED:
        return _(_SOURCE_CREDITED[record.source]) % {"org": record.organizer}
    if record.state == RecordState.PENDING:
        if open_review is None:
            return _("审核中，尚未计入")
        text = _("审核中，尚未计入：等待%(level)s审核，审核期限 %(due)s") % {
            "level": open_review.get_level_display(),
            "due": open_review.due_on.isoformat(),
        }
        if review_clock.is_overdue(open_review, today):
            text += _("（已超期）")
        return text
    if record.state == RecordState.RETURNED:
        if policy is _UNREAD:
            policy = rules.policy_for(record.year)
        if policy and rules.year_is_closed(policy):
            return tidy_punctuation(
                record.reason
                + "；"
                + _("%(year)s 年度已截止，不能再修改提交，学时不计入") % {"year": record.year}
            )
        deadline = rules.format_day(policy.declaration_deadline) if policy else ""
        then = _("请修改后于 %(deadline)s 前重新提交") % {"deadline": deadline}
        return tidy_punctuation(record.reason + "；" + then)
    return record.reason or record.get_state_display()


def with_explanations(records: list[HourRecord]) -> list[HourRecord]:
    pending = [r.declaration_id for r in records if r.state == RecordState.PENDING and r.declaration_id]
    reviews = {
        r.declaration_id: r
        for r in Review.objects.filter(declaration_id__in=pending, decided_at__isnull=True)
    }
    returned_years = {r.year for r in records if r.state == RecordState.RETURNED}
    policies = PolicyYear.objects.in_bulk(returned_years, field_name="year") if returned_years else {}
    today = policy_selectors.today()
    for record in records:
        record.explanation = explain(
            record, reviews.get(record.declaration_id), today, policies.get(record.year)
        )
    return records


def _records(person: Person, year: int) -> list[HourRecord]:
    records = list(HourRecord.objects.filter(person=person, year=year).order_by("-completed_on", "-id"))
    return with_explanations(records)


def hour_records(actor: Actor, year: int | None = None) -> list[HourRecord]:
    """The acting person's records of `year` (credited, pending and the ones that do not
    count), each with `.explanation` and `.counted`."""
    return _records(own_person(actor), year or current_year())


def person_hour_records(actor: Actor, person_id: int, year: int | None = None) -> list[HourRecord]:
    return _records(person_in_scope(actor, person_id), year or current_year())
