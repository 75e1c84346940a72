"""Judging pushed platform items (credits.intake): the year, the person, the platform's filing
and plausibility, for a whole batch at once — each year's policy, the filings and the people
are read once per batch, in one query per kind."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from accounts.models import Person
from core import dates
from credits import rules
from credits.models import COUNTING_STATES, CompletionState, HoldReason, HourRecord, YearSummary
from credits.rules import plausibility, recognition
from policy.models import Category


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
            self._offers[key] = recognition.platform_is_filed(self.platform_id, *key)
        if not self._offers[key]:
            item.hold(
                HoldReason.NOT_FILED,
                _("该平台 %(year)s 年度%(cat)s的备案尚未通过：已暂存，备案通过后自动计入。")
                % {"year": item.year, "cat": Category(item.category).label},
            )

    def _judge_plausibility(self, items: list[Item]) -> None:
        """The daily limit per person and day across sources (credits.rules.plausibility). Most items
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
