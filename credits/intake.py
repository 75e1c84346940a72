"""Learning-platform intake (学习入口 → 自动计入): every pushed item gets a fate, and no earned
hour is lost.

An item is judged on its own (a bad one never touches the others) and ends:
- credited — an hour record in the person's file, at once (no declaration);
- held — it cannot be credited yet but may become right: the person is not registered, the
  name differs from the registered one, or the platform's filing for that year and category is
  not accepted yet. It is credited by itself, exactly once and audited, when the reason goes
  away (`release_held`: on registration, a name correction, the filing's acceptance, or a
  re-send with corrected data), and expires with a reason at the year's reporting deadline;
- rejected — it can never be right as sent (bad number, future date, impossible hours, the
  reporting deadline of its year has passed); a corrected re-send under the same external_id
  is judged again;
- a duplicate answer — its external_id was received before with a final fate (credited,
  expired): the push is idempotent.

Exactly once per (platform, external_id): new items are written with INSERT … ON CONFLICT DO
NOTHING RETURNING, so of concurrent copies the database lets one in; a held or rejected item is
moved by a conditional UPDATE (… WHERE state = its old state), so a release racing a re-send,
or a release running twice, credits it once.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import Person
from audit import actions
from audit.services import record, record_many
from core import crypto, dates, idnumber
from core.actors import SYSTEM, Actor
from core.errors import Invalid
from core.text import has_forbidden_characters
from credits import ledger, rules
from credits.intake_judge import Item, Judge
from credits.intake_write import count_day, write
from credits.models import CompletionState, PlatformCompletion
from filings.models import PlatformCredential
from organisations.models import Organisation
from policy.models import Category

MAX_PLATFORM_BATCH = 1000
FINAL_STATES = (
    CompletionState.CREDITED,
    CompletionState.DUPLICATE,
    CompletionState.EXPIRED,
    CompletionState.VOIDED,
)


@dataclass
class PushResult:
    accepted: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    held: list[dict] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# the push


@transaction.atomic
def receive_platform_completions(credential: PlatformCredential, *, items: list[Mapping]) -> PushResult:
    """Judge and store a batch of ≤ 1,000 items pushed with `credential`; the answer names
    each item's fate (§5: accepted, duplicates, held with reason, rejected with reason)."""
    if len(items) > MAX_PLATFORM_BATCH:
        raise Invalid.field("items", _("记录列表：每批最多 %(n)s 条。") % {"n": MAX_PLATFORM_BATCH})
    platform = credential.platform
    now = dates.now()
    result = PushResult()
    sent = _read_external_ids(items, result)
    # A re-sent item with a final fate is a duplicate whatever it holds now: answered before
    # its fields are read (a re-sent batch costs one look-up, not 1,000 ID-number checks).
    stored = _stored_fates(platform.pk, [external_id for external_id, _raw in sent])
    fresh = []
    for external_id, raw in sent:
        row = stored.get(external_id)
        if row is not None and row[1] in FINAL_STATES:
            result.duplicates.append(external_id)
        else:
            fresh.append((external_id, raw, row))
    reader = _Reader([raw for _e, raw, _row in fresh])
    to_judge = []
    for external_id, raw, row in fresh:
        item = reader.read(external_id, raw)
        if row is not None:
            item.pk, item.previous_state = row
        to_judge.append(item)
    Judge(platform.pk, now).judge(to_judge)
    # The summaries (locked until the commit, and shared with the other pushes of the moment)
    # and the platform's row of the day (shared with every push of the platform) are written
    # last, so that what runs one push at a time is as short as it can be.
    with ledger.summaries_last():
        written = write(platform, credential, to_judge, now)
        for item in sorted(to_judge, key=lambda i: i.external_id):
            if item not in written:
                result.duplicates.append(item.external_id)  # a concurrent copy got there first
            elif item.state == CompletionState.CREDITED:
                result.accepted.append(item.external_id)
            elif item.state == CompletionState.HELD:
                result.held.append({"external_id": item.external_id, "reason": item.reason})
            else:
                result.rejected.append({"external_id": item.external_id, "reason": item.reason})
        _audit_push(platform, credential, result)
    count_day(
        platform.pk,
        now,
        received=len(items),
        credited=len(result.accepted),
        held=len(result.held),
        rejected=len(result.rejected),
        duplicates=len(result.duplicates),
    )
    return result


def _read_external_ids(items: list[Mapping], result: PushResult) -> list[tuple[str, Mapping]]:
    """(external_id, item) of each item with a usable external_id; an item without one can be
    stored nowhere and is only answered; a repeat of an external_id within the batch is a
    duplicate of the first."""
    sent, seen = [], set()
    ids = [_text(raw.get("external_id")) for raw in items]
    # One search over the batch: a clean batch (the usual one) skips 1,000 searches.
    suspect = has_forbidden_characters("\t".join(ids))
    for raw, external_id in zip(items, ids, strict=True):
        if suspect and has_forbidden_characters(external_id):
            # Not echoed: a lone surrogate cannot even be written into the JSON answer.
            reason = _("平台记录号：含有不允许的控制字符。")
            result.rejected.append({"external_id": None, "reason": reason})
            continue
        if not external_id or len(external_id) > 80:
            reason = _("平台记录号：必须填写，且不超过 80 个字符。")
            result.rejected.append({"external_id": external_id or None, "reason": reason})
            continue
        if external_id in seen:
            result.duplicates.append(external_id)
            continue
        seen.add(external_id)
        sent.append((external_id, raw))
    return sent


# The pushed text fields with their names in a reason; checked before anything is kept, since
# the database refuses NUL (PostgreSQL) and lone surrogates (both).
_TEXT_FIELDS = {
    "id_number": "身份证号码",
    "name": "姓名",
    "course": "课程",
    "category": "科目类别",
    "completed_on": "完成日期",
    "started_on": "开始日期",
}


# Read once: `Category.values` builds its list anew on every access.
_CATEGORIES = frozenset(Category.values)


class _Reader:
    """Reads the items of one batch. Text fields are searched for forbidden characters in one
    pass over the batch (item by item only if that finds any), and the dates and hours, which
    repeat across a batch, are parsed once per distinct value."""

    def __init__(self, items: list[Mapping]):
        texts = [value for raw in items for key in _TEXT_FIELDS if isinstance(value := raw.get(key), str)]
        self.suspect = has_forbidden_characters("\t".join(texts))
        self._dates: dict[str, dt.date | None] = {}
        self._hours: dict[tuple[type, object], Decimal | None] = {}

    def date(self, value) -> dt.date | None:
        if not isinstance(value, str):
            return rules.parse_date(value)
        if value not in self._dates:
            self._dates[value] = rules.parse_date(value)
        return self._dates[value]

    def hours(self, value) -> Decimal | None:
        if not isinstance(value, str | int | float):  # bool is an int: kept apart by the type
            return _valid_hours(rules.parse_hours(value))
        key = (type(value), value)
        if key not in self._hours:
            self._hours[key] = _valid_hours(rules.parse_hours(value))
        return self._hours[key]

    def read(self, external_id: str, raw: Mapping) -> Item:
        item = Item(external_id)
        if self.suspect:
            for key, label in _TEXT_FIELDS.items():
                value = raw.get(key)
                if isinstance(value, str) and has_forbidden_characters(value):
                    return item.reject(_("%(field)s：含有不允许的控制字符。") % {"field": label})
        item.name = _text(raw.get("name"))[:60]
        item.course = _text(raw.get("course"))[:200]
        category = raw.get("category")
        item.category = category if category in _CATEGORIES else ""
        item.completed_on = self.date(raw.get("completed_on"))
        started_on = raw.get("started_on")
        item.started_on = self.date(started_on) if started_on else None
        item.hours = self.hours(raw.get("hours"))
        try:
            number = idnumber.validate(_text(raw.get("id_number")))
        except ValidationError as exc:
            return item.reject(_("身份证号码：") + exc.messages[0])
        item.id_hash, item.id_masked = crypto.lookup_hash(number), idnumber.mask(number)
        problem = _field_problem(item, raw)
        return item.reject(problem) if problem else item


def _valid_hours(hours: Decimal | None) -> Decimal | None:
    return hours if hours is not None and Decimal(0) < hours <= rules.MAX_HOURS else None


def _field_problem(item: Item, raw: Mapping) -> str:
    if not item.name:
        return _("姓名：必须填写。")
    if not _text(raw.get("course")) or len(_text(raw.get("course"))) > 200:
        return _("课程：必须填写，且不超过 200 个字符。")
    if not item.category:
        return _("科目类别：应为 public（公需科目）或 professional（专业科目）。")
    if item.completed_on is None:
        return _("完成日期：格式应为 YYYY-MM-DD。")
    if raw.get("started_on") and (item.started_on is None or item.started_on > item.completed_on):
        return _("开始日期：格式应为 YYYY-MM-DD，且不能晚于完成日期。")
    if item.started_on and (problem := rules.other_year_problem(item.started_on, item.completed_on)):
        return problem
    if item.hours is None:
        return rules.hours_problem(raw.get("hours"), 1, None) or _("学时：数值过大。")
    return ""


def _text(value) -> str:
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, int | float):
        value = str(value)
    return value.strip() if isinstance(value, str) else ""


def _stored_fates(platform_id: int, external_ids: list[str]) -> dict[str, tuple[int, str]]:
    if not external_ids:
        return {}
    rows = PlatformCompletion.objects.filter(platform_id=platform_id, external_id__any_of=external_ids)
    return {e: (pk, state) for pk, e, state in rows.values_list("pk", "external_id", "state")}


def _audit_push(platform: Organisation, credential: PlatformCredential, result: PushResult) -> None:
    actor = Actor(user=None, role="platform", organisation=platform)
    record(
        actor,
        actions.PLATFORM_COMPLETIONS_RECEIVED,
        credential,
        after={
            "accepted": result.accepted,
            "duplicates": len(result.duplicates),
            "held": len(result.held),
            "rejected": len(result.rejected),
        },
    )


# ---------------------------------------------------------------------------------------------
# releasing and expiring held items


@transaction.atomic
def release_held(actor: Actor, *, held: Q) -> int:
    """Judge the held items matching `held` again at this moment; those whose reason has gone
    are credited (exactly once: a conditional update), the others keep (or change) their
    reason, and those past their year's reporting deadline expire. Each credited item is
    audited. Returns how many were credited."""
    rows = list(
        PlatformCompletion.objects.filter(held, state=CompletionState.HELD)
        .select_related("platform")
        .order_by("platform_id", "pk")
    )
    now = dates.now()
    credited = 0
    by_platform: dict[int, list[PlatformCompletion]] = defaultdict(list)
    for row in rows:
        by_platform[row.platform_id].append(row)
    for platform_id, platform_rows in by_platform.items():
        items = [_item_of(row) for row in platform_rows]
        Judge(platform_id, now).judge(items)
        platform = platform_rows[0].platform
        written = write(platform, None, items, now)
        released = [i for i in items if i in written and i.state == CompletionState.CREDITED]
        expired = [i for i in items if i in written and i.state == CompletionState.EXPIRED]
        record_many(
            actor,
            actions.PLATFORM_COMPLETION_RELEASED,
            [r for r in platform_rows if r.pk in {i.pk for i in released}],
            after={"state": CompletionState.CREDITED},
        )
        count_day(platform_id, now, credited=len(released), expired=len(expired))
        credited += len(released)
    return credited


def _item_of(row: PlatformCompletion) -> Item:
    return Item(
        external_id=row.external_id,
        id_hash=row.id_number_hash,
        id_masked=row.id_number_masked,
        name=row.name,
        course=row.course,
        category=row.category,
        hours=row.hours,
        started_on=row.started_on,
        completed_on=row.completed_on,
        pk=row.pk,
        previous_state=row.state,
    )


def release_for_person(actor: Actor, *, person: Person) -> int:
    """A person registered, or their name was corrected: items held for their ID number."""
    return release_held(actor, held=Q(id_number_hash=person.id_number_hash))


def release_for_platform(actor: Actor, *, platform_id: int, year: int) -> int:
    """A platform's filing of `year` was accepted: its items held for want of it."""
    return release_held(actor, held=Q(platform_id=platform_id, year=year))


@transaction.atomic
def expire_held(*, now: dt.datetime | None = None) -> int:
    """The daily sweep: items still held when their year's reporting deadline has passed
    expire with the reason; returns how many. (A release or re-send after the deadline
    expires them as well.)"""
    now = now or dates.now()
    expired = 0
    years = (
        PlatformCompletion.objects.filter(state=CompletionState.HELD)
        .values_list("year", flat=True)
        .distinct()
    )
    for year in sorted(y for y in years if y is not None):
        policy = rules.policy_for(year)
        if policy is None or not rules.reporting_closed(policy, now):
            continue
        rows = list(
            PlatformCompletion.objects.select_for_update().filter(state=CompletionState.HELD, year=year)
        )
        for row in rows:
            row.reason = (rules.reporting_closed_message(policy) + _("暂存原因：") + row.reason)[:300]
        by_platform: dict[int, int] = defaultdict(int)
        for row in rows:
            updated = PlatformCompletion.objects.filter(pk=row.pk, state=CompletionState.HELD).update(
                state=CompletionState.EXPIRED, reason=row.reason, updated_at=now
            )
            by_platform[row.platform_id] += updated
            expired += updated
        record_many(
            SYSTEM, actions.PLATFORM_COMPLETION_EXPIRED, rows, after={"state": CompletionState.EXPIRED}
        )
        for platform_id, n in by_platform.items():
            count_day(platform_id, now, expired=n)
    return expired
