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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import Person
from audit import actions
from audit.services import record, record_many
from core import bulk, crypto, dates, idnumber
from core.actors import SYSTEM, Actor
from core.errors import Invalid
from core.text import has_forbidden_characters
from credits import ledger, plausibility, rules
from credits.integrity import check_credited, raise_flag
from credits.models import (
    COUNTING_STATES,
    CompletionState,
    HoldReason,
    HourRecord,
    IntegrityFlag,
    PlatformCompletion,
    PlatformIntakeDay,
    RecordState,
    Source,
    YearSummary,
)
from filings import selectors as filing_selectors
from filings.models import PlatformCredential
from organisations.models import Organisation
from policy.models import Category, Method

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


@dataclass(eq=False)  # items are told apart by identity (sets of the ones written)
class Item:
    """A pushed item as judged: what was sent (as far as it could be read) and its fate."""

    external_id: str
    id_hash: str = ""
    id_masked: str = ""
    name: str = ""
    course: str = ""
    category: str = ""
    hours: Decimal | None = None
    started_on: dt.date | None = None
    completed_on: dt.date | None = None
    person_id: int | None = None
    state: str = CompletionState.CREDITED
    hold_reason: str = ""
    reason: str = ""
    pk: int | None = None  # the stored row, once written
    previous_state: str | None = None  # a held or rejected row judged again
    flag: plausibility.Verdict | None = None

    @property
    def year(self) -> int | None:
        return self.completed_on.year if self.completed_on else None

    def reject(self, reason: str) -> Item:
        self.state, self.hold_reason, self.reason = CompletionState.REJECTED, "", reason[:300]
        return self

    def hold(self, code: str, reason: str) -> Item:
        self.state, self.hold_reason, self.reason = CompletionState.HELD, code, reason[:300]
        return self


# ---------------------------------------------------------------------------------------------
# the push


@transaction.atomic
def receive_platform_completions(credential: PlatformCredential, items: list[Mapping]) -> PushResult:
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
    to_judge = []
    for external_id, raw in sent:
        row = stored.get(external_id)
        if row is not None and row[1] in FINAL_STATES:
            result.duplicates.append(external_id)
            continue
        item = _read_item(external_id, raw)
        if row is not None:
            item.pk, item.previous_state = row
        to_judge.append(item)
    Judge(platform.pk, now).judge(to_judge)
    written = _write(platform, credential, to_judge, now)
    for item in sorted(to_judge, key=lambda i: i.external_id):
        if item not in written:
            result.duplicates.append(item.external_id)  # a concurrent copy got there first
        elif item.state == CompletionState.CREDITED:
            result.accepted.append(item.external_id)
        elif item.state == CompletionState.HELD:
            result.held.append({"external_id": item.external_id, "reason": item.reason})
        else:
            result.rejected.append({"external_id": item.external_id, "reason": item.reason})
    _count_day(platform.pk, now, received=len(items), result=result)
    _audit_push(platform, credential, result)
    return result


def _read_external_ids(items: list[Mapping], result: PushResult) -> list[tuple[str, Mapping]]:
    """(external_id, item) of each item with a usable external_id; an item without one can be
    stored nowhere and is only answered; a repeat of an external_id within the batch is a
    duplicate of the first."""
    sent, seen = [], set()
    for raw in items:
        external_id = _text(raw.get("external_id"))
        if has_forbidden_characters(external_id):
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


def _read_item(external_id: str, raw: Mapping) -> Item:
    item = Item(external_id)
    for key, label in _TEXT_FIELDS.items():
        value = raw.get(key)
        if isinstance(value, str) and has_forbidden_characters(value):
            return item.reject(_("%(field)s：含有不允许的控制字符。") % {"field": label})
    item.name = _text(raw.get("name"))[:60]
    item.course = _text(raw.get("course"))[:200]
    category = raw.get("category")
    item.category = category if category in Category.values else ""
    item.completed_on = rules.parse_date(raw.get("completed_on"))
    item.started_on = rules.parse_date(raw.get("started_on")) if raw.get("started_on") else None
    item.hours = rules.parse_hours(raw.get("hours"))
    if item.hours is not None and not Decimal(0) < item.hours <= rules.MAX_HOURS:
        item.hours = None
    try:
        number = idnumber.validate(_text(raw.get("id_number")))
    except ValidationError as exc:
        return item.reject(_("身份证号码：") + exc.messages[0])
    item.id_hash, item.id_masked = crypto.lookup_hash(number), idnumber.mask(number)
    problem = _field_problem(item, raw)
    return item.reject(problem) if problem else item


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


# ---------------------------------------------------------------------------------------------
# judging: the year, the person, the filing, plausibility


class Judge:
    """Judges items of one platform at one moment; each year's policy, the platform's filings
    and the people are read once per batch."""

    def __init__(self, platform_id: int, now: dt.datetime):
        self.platform_id = platform_id
        self.now = now
        self.today = dates.local_day(now)
        self._policies: dict[int, object] = {}
        self._offers: dict[tuple[int, str], bool] = {}

    def judge(self, items: list[Item]) -> None:
        open_items = [i for i in items if i.state != CompletionState.REJECTED]
        for item in open_items:
            self._judge_year(item)
        self._judge_people([i for i in open_items if i.state == CompletionState.CREDITED])
        for item in open_items:
            if item.state == CompletionState.CREDITED:
                self._judge_offer(item)
        self._judge_plausibility([i for i in open_items if i.state == CompletionState.CREDITED])

    def policy(self, year: int):
        if year not in self._policies:
            self._policies[year] = rules.policy_for(year)
        return self._policies[year]

    def _judge_year(self, item: Item) -> None:
        if item.completed_on > self.today:
            item.reject(_("完成日期：不能晚于今天。"))
            return
        policy = self.policy(item.year)
        if policy is None:
            item.reject(_("%(year)s 年度政策尚未设置。") % {"year": item.year})
        elif rules.reporting_closed(policy, self.now):
            reason = rules.reporting_closed_message(policy)
            if item.previous_state == CompletionState.HELD:
                item.state, item.reason = CompletionState.EXPIRED, reason
            else:
                item.reject(reason)

    def _judge_people(self, items: list[Item]) -> None:
        if not items:
            return
        people = {
            p["id_number_hash"]: p
            for p in Person.objects.filter(id_number_hash__any_of={i.id_hash for i in items}).values(
                "id", "name", "id_number_hash"
            )
        }
        for item in items:
            person = people.get(item.id_hash)
            if person is None:
                item.hold(
                    HoldReason.UNREGISTERED,
                    _("未找到该身份证号码的注册人员：已暂存，学员通过管理入口注册后自动计入。"),
                )
                continue
            item.person_id = person["id"]
            if person["name"] != item.name:
                item.hold(
                    HoldReason.NAME_MISMATCH,
                    _(
                        "姓名与身份证号码登记的姓名不一致：已暂存，平台以正确姓名重新推送，"
                        "或人社局核实更正姓名后自动计入。"
                    ),
                )

    def _judge_offer(self, item: Item) -> None:
        key = (item.year, item.category)
        if key not in self._offers:
            self._offers[key] = filing_selectors.platform_offers(self.platform_id, *key)
        if not self._offers[key]:
            item.hold(
                HoldReason.NOT_FILED,
                _("该平台 %(year)s 年度%(cat)s的备案尚未通过：已暂存，备案通过后自动计入。")
                % {"year": item.year, "cat": Category(item.category).label},
            )

    def _judge_plausibility(self, items: list[Item]) -> None:
        """The daily limit per person and day across sources (credits.plausibility). Most items
        fit whatever else the person learned (`quick_fit` on the year's summary); only the
        others read the person's records, in one query for the batch."""
        groups: dict[tuple[int, int], list[Item]] = defaultdict(list)
        for item in items:
            groups[(item.person_id, item.year)].append(item)
        already = _hours_so_far(groups.keys())
        detailed = []
        for key, group in groups.items():
            daily = self.policy(key[1]).max_daily_hours
            total = already.get(key, Decimal(0))
            for item in group:
                if not plausibility.quick_fit(_span(item), total, daily):
                    detailed.append(key)
                    break
                total += item.hours
        spans = _spans_of(detailed)
        for key in detailed:
            daily = self.policy(key[1]).max_daily_hours
            others = spans.get(key, [])
            for item in groups[key]:
                verdict = plausibility.judge(_span(item), others, daily)
                if not verdict.possible:
                    item.reject(verdict.message)
                    continue
                if verdict.suspicious:
                    item.flag = verdict
                others.append(_span(item))


def _span(item: Item) -> plausibility.Span:
    return plausibility.span(item.hours, item.started_on, item.completed_on)


def _hours_so_far(keys: Iterable[tuple[int, int]]) -> dict[tuple[int, int], Decimal]:
    keys = list(keys)
    if not keys:
        return {}
    rows = YearSummary.objects.filter(
        person_id__any_of={p for p, _y in keys}, year__in={y for _p, y in keys}
    ).values_list("person_id", "year", "public_hours", "professional_hours", "pending_hours")
    return {(p, y): pu + pr + pe for p, y, pu, pr, pe in rows}


def _spans_of(keys: list[tuple[int, int]]) -> dict[tuple[int, int], list[plausibility.Span]]:
    """The counting records (credited, in review) of these people and years, as spans."""
    spans: dict[tuple[int, int], list[plausibility.Span]] = defaultdict(list)
    if not keys:
        return spans
    wanted = set(keys)
    rows = HourRecord.objects.filter(
        person_id__any_of={p for p, _y in keys}, year__in={y for _p, y in keys}, state__in=COUNTING_STATES
    ).values_list("pk", "person_id", "year", "source", "hours", "started_on", "completed_on")
    for pk, person_id, year, source, hours, started_on, completed_on in rows:
        if (person_id, year) in wanted:
            spans[(person_id, year)].append(
                plausibility.record_span(source, hours, started_on, completed_on, pk)
            )
    return spans


# ---------------------------------------------------------------------------------------------
# writing fates, records and flags


def _write(platform: Organisation, credential: PlatformCredential | None, items: list[Item], now) -> set:
    """Store each item's fate; returns the items this transaction really wrote (new rows it
    inserted, held or rejected rows it moved). Hour records and flags follow for the credited."""
    fresh = [i for i in items if i.pk is None]
    inserted = _insert(platform.pk, credential.pk if credential else None, fresh, now)
    written = {i for i in fresh if i.external_id in inserted}
    for item in fresh:
        item.pk = inserted.get(item.external_id)
    for item in items:
        if item.previous_state is not None and _move(item, now):
            written.add(item)
    credited = [i for i in items if i in written and i.state == CompletionState.CREDITED]
    _credit(platform, credited)
    return written


_COLUMNS = [
    "platform_id",
    "external_id",
    "person_id",
    "id_number_hash",
    "id_number_masked",
    "name",
    "course",
    "category",
    "hours",
    "started_on",
    "completed_on",
    "year",
    "state",
    "hold_reason",
    "reason",
    "received_at",
    "updated_at",
    "credential_id",
]


def _row(platform_id: int, credential_id: int | None, item: Item, now) -> tuple:
    return (
        platform_id,
        item.external_id,
        item.person_id,
        item.id_hash,
        item.id_masked,
        item.name,
        item.course,
        item.category,
        item.hours,
        item.started_on,
        item.completed_on,
        item.year,
        item.state,
        item.hold_reason,
        item.reason,
        now,
        now,
        credential_id,
    )


def _insert(platform_id: int, credential_id: int | None, items: list[Item], now) -> dict[str, int]:
    """INSERT … ON CONFLICT DO NOTHING RETURNING (PostgreSQL and SQLite ≥ 3.35): only the rows
    this transaction really inserted come back; the others were already there."""
    if not items:
        return {}
    rows = sorted(_row(platform_id, credential_id, i, now) for i in items)  # one lock order
    conflict = "ON CONFLICT (platform_id, external_id) DO NOTHING RETURNING id, external_id"
    if connection.vendor == "postgresql":
        returned = bulk.insert_json(PlatformCompletion._meta.db_table, _COLUMNS, rows, conflict)
        return {external_id: pk for pk, external_id in returned}
    table = connection.ops.quote_name(PlatformCompletion._meta.db_table)
    columns = ", ".join(_COLUMNS)
    inserted: dict[str, int] = {}
    with connection.cursor() as cursor:
        ops = connection.ops
        for start in range(0, len(rows), 50):
            chunk = rows[start : start + 50]
            params = [_sqlite_value(ops, value) for row in chunk for value in row]
            placeholders = ", ".join(["(" + ", ".join(["%s"] * len(_COLUMNS)) + ")"] * len(chunk))
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {placeholders} {conflict}", params)
            inserted.update({external_id: pk for pk, external_id in cursor.fetchall()})
    return inserted


def _sqlite_value(ops, value):
    if isinstance(value, dt.datetime):
        return ops.adapt_datetimefield_value(value)
    if isinstance(value, dt.date):
        return ops.adapt_datefield_value(value)
    if isinstance(value, Decimal):
        return ops.adapt_decimalfield_value(value, 5, 1)
    return value


def _move(item: Item, now) -> bool:
    """Give a held or rejected row its new fate, only if nobody moved it meanwhile."""
    return bool(
        PlatformCompletion.objects.filter(pk=item.pk, state=item.previous_state).update(
            person_id=item.person_id,
            id_number_hash=item.id_hash,
            id_number_masked=item.id_masked,
            name=item.name,
            course=item.course,
            category=item.category,
            hours=item.hours,
            started_on=item.started_on,
            completed_on=item.completed_on,
            year=item.year,
            state=item.state,
            hold_reason=item.hold_reason,
            reason=item.reason,
            updated_at=now,
        )
    )


def _credit(platform: Organisation, items: list[Item]) -> None:
    """An hour record for each credited item (in person order: the ledger's lock order), and
    an integrity flag for each one that is possible but suspicious."""
    items = sorted(items, key=lambda i: (i.person_id, i.pk))
    organizer = platform.name[:120]
    values = [
        {
            "person_id": item.person_id,
            "year": item.year,
            "category": item.category,
            "method": Method.ONLINE,
            "hours": item.hours,
            "source": Source.PLATFORM,
            "state": RecordState.CREDITED,
            "title": item.course,
            "organizer": organizer,
            "started_on": item.started_on,
            "completed_on": item.completed_on,
            "completion_id": item.pk,
        }
        for item in items
    ]
    ids = ledger.add_record_values(values)
    records = [HourRecord(pk=pk, **v) for pk, v in zip(ids, values, strict=True)]
    for item, hour_record in zip(items, records, strict=True):
        if item.flag is not None:
            raise_flag(hour_record, IntegrityFlag.Kind.PACE, item.flag)
    check_credited(records)


def _count_day(platform_id: int, now, received: int = 0, result: PushResult | None = None, **counts) -> None:
    """Add to the platform's figures of the day (Shanghai) in one upsert."""
    if result is not None:
        counts = {
            "credited": len(result.accepted),
            "held": len(result.held),
            "rejected": len(result.rejected),
            "duplicates": len(result.duplicates),
        }
    counts = {"received": received, **counts}
    if not any(counts.values()):
        return
    names = ["received", "credited", "held", "rejected", "duplicates", "expired"]
    values = [counts.get(n, 0) for n in names]
    table = connection.ops.quote_name(PlatformIntakeDay._meta.db_table)
    day = connection.ops.adapt_datefield_value(dates.local_day(now))
    update = ", ".join(f"{n} = {table}.{n} + excluded.{n}" for n in names)
    placeholders = ", ".join(["%s"] * (2 + len(names)))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (platform_id, day, {', '.join(names)}) VALUES ({placeholders}) "
            f"ON CONFLICT (platform_id, day) DO UPDATE SET {update}",
            [platform_id, day, *values],
        )


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
def release_held(held: Q, actor: Actor = SYSTEM) -> int:
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
        written = _write(platform, None, items, now)
        released = [i for i in items if i in written and i.state == CompletionState.CREDITED]
        expired = [i for i in items if i in written and i.state == CompletionState.EXPIRED]
        record_many(
            actor,
            actions.PLATFORM_COMPLETION_RELEASED,
            [r for r in platform_rows if r.pk in {i.pk for i in released}],
            after={"state": CompletionState.CREDITED},
        )
        _count_day(platform_id, now, credited=len(released), expired=len(expired))
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


def release_for_person(person: Person, actor: Actor = SYSTEM) -> int:
    """A person registered, or their name was corrected: items held for their ID number."""
    return release_held(Q(id_number_hash=person.id_number_hash), actor)


def release_for_platform(platform_id: int, year: int, actor: Actor = SYSTEM) -> int:
    """A platform's filing of `year` was accepted: its items held for want of it."""
    return release_held(Q(platform_id=platform_id, year=year), actor)


@transaction.atomic
def expire_held(now: dt.datetime | None = None) -> int:
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
            _count_day(platform_id, now, expired=n)
    return expired
