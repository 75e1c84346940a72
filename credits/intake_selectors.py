"""Reading the platform intake and the integrity list, scoped by who asks.

receipt(platform, external_id) · receipts(platform, state, since)  — the platform's own items
held_of_person(actor)                                              — the person's held items
intake_platforms(actor) · intake_days(actor, platform_id, days) · held_items(actor, platform_id)
integrity_flags(actor, year, state, kind) · integrity_flag_for(actor, id)  — bureaus, reviewers
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from accounts.selectors import persons_in_scope
from core import dates
from core.actors import Actor, Role
from core.errors import Forbidden, Invalid, NotFound
from credits import rules
from credits.models import CompletionState, IntegrityFlag, PlatformCompletion, PlatformIntakeDay
from credits.selectors import own_person
from filings import selectors as filing_selectors
from filings.models import FilingState
from organisations.models import Organisation

RECEIPT_STATES = tuple(CompletionState.values)


@dataclass(frozen=True)
class Receipt:
    """What a platform is told about one of its items."""

    external_id: str
    state: str
    reason: str
    year: int | None
    record_id: int | None
    received_at: dt.datetime
    updated_at: dt.datetime


def _fate(row: PlatformCompletion, now: dt.datetime) -> tuple[str, str]:
    """A held item whose year's reporting has closed is expired even before the daily sweep."""
    if row.state == CompletionState.HELD and row.year is not None:
        policy = rules.policy_for(row.year)
        if policy is not None and rules.reporting_closed(policy, now):
            return CompletionState.EXPIRED, rules.reporting_closed_message(policy) + _(
                "暂存原因："
            ) + row.reason
    return row.state, row.reason


def _receipt(row: PlatformCompletion, now: dt.datetime) -> Receipt:
    state, reason = _fate(row, now)
    record = getattr(row, "hour_record", None) if state == CompletionState.CREDITED else None
    return Receipt(
        external_id=row.external_id,
        state=state,
        reason=reason,
        year=row.year,
        record_id=record.pk if record else None,
        received_at=row.received_at,
        updated_at=row.updated_at,
    )


def receipt(platform: Organisation, external_id: str) -> Receipt:
    row = (
        PlatformCompletion.objects.select_related("hour_record")
        .filter(platform=platform, external_id=external_id)
        .first()
    )
    if row is None:
        raise NotFound(_("未找到该平台记录号的学习记录。"))
    return _receipt(row, dates.now())


def receipts(platform: Organisation, state: str | None = None, since: dt.datetime | None = None):
    """The platform's items changed since `since`, oldest change first (to poll for fates)."""
    if state and state not in RECEIPT_STATES:
        raise Invalid.field(
            "state", _("处理结果：应为 %(states)s 之一。") % {"states": "、".join(RECEIPT_STATES)}
        )
    qs = PlatformCompletion.objects.filter(platform=platform).select_related("hour_record")
    if state:
        qs = qs.filter(state=state)
    if since:
        qs = qs.filter(updated_at__gte=since)
    return qs.order_by("updated_at", "pk")


def as_receipts(rows) -> list[Receipt]:
    now = dates.now()
    return [_receipt(row, now) for row in rows]


def held_of_person(actor: Actor) -> QuerySet[PlatformCompletion]:
    """Items pushed for the person's ID number that wait (held) or waited in vain (expired)."""
    person = own_person(actor)
    return (
        PlatformCompletion.objects.filter(
            id_number_hash=person.id_number_hash, state__in=(CompletionState.HELD, CompletionState.EXPIRED)
        )
        .select_related("platform")
        .order_by("-received_at")
    )


# ---------------------------------------------------------------------------------------------
# the bureau's view of its platforms


def _require_bureau(actor: Actor) -> None:
    if not actor.is_role(Role.BUREAU) or actor.organisation is None:
        raise Forbidden(_("只有人社局可以查看学习平台的推送情况。"))


def intake_platforms(actor: Actor) -> QuerySet[Organisation]:
    """The learning platforms whose filings the bureau can see (its region's, and those filed
    with it), each annotated with how many items it holds now."""
    _require_bureau(actor)
    platform_ids = (
        filing_selectors.platform_filings_in_scope(actor)
        .filter(state=FilingState.ACCEPTED, platform__isnull=False)
        .values("platform_id")
    )
    return (
        Organisation.objects.filter(pk__in=platform_ids)
        .annotate(held_now=Count("completions", filter=Q(completions__state=CompletionState.HELD)))
        .order_by("name")
    )


def intake_platform(actor: Actor, platform_id: int) -> Organisation:
    platform = intake_platforms(actor).filter(pk=platform_id).first()
    if platform is None:
        raise NotFound()
    return platform


def intake_days(actor: Actor, platform_ids: list[int], days: int = 31) -> QuerySet[PlatformIntakeDay]:
    """Per platform and day (Shanghai): received, credited, held, rejected, duplicates, expired."""
    allowed = intake_platforms(actor).filter(pk__in=platform_ids).values("pk")
    since = dates.today() - dt.timedelta(days=days - 1)
    return (
        PlatformIntakeDay.objects.filter(platform_id__in=allowed, day__gte=since)
        .select_related("platform")
        .order_by("-day", "platform__name")
    )


def held_items(actor: Actor, platform_id: int, state: str = CompletionState.HELD) -> QuerySet:
    platform = intake_platform(actor, platform_id)
    if state not in (CompletionState.HELD, CompletionState.REJECTED, CompletionState.EXPIRED):
        state = CompletionState.HELD
    return PlatformCompletion.objects.filter(platform=platform, state=state).order_by("-updated_at", "-pk")


# ---------------------------------------------------------------------------------------------
# integrity list (诚信核查)


def integrity_flags(
    actor: Actor, year: int | None = None, state: str | None = "open", kind: str | None = None
) -> QuerySet:
    """Flags of the people in the actor's scope (a bureau its region's, a unit or authority its
    staff's), and flags linking a declaration of such a person (a file shared with someone
    elsewhere); `state` open / dismissed / upheld / all, `kind` one of IntegrityFlag.Kind."""
    if not actor.is_role(Role.BUREAU, Role.UNIT, Role.AUTHORITY):
        raise Forbidden(_("只有人社局和审核单位可以查看诚信核查清单。"))
    people = persons_in_scope(actor).values("pk")
    linked = IntegrityFlag.declarations.through.objects.filter(
        integrityflag_id=OuterRef("pk"), declaration__person__in=people
    )
    qs = IntegrityFlag.objects.filter(Q(person__in=people) | Exists(linked))
    if year:
        qs = qs.filter(year=year)
    if state and state != "all":
        if state not in IntegrityFlag.State.values:
            raise Invalid.field("state", _("状态：应为 open、dismissed、upheld 或 all。"))
        qs = qs.filter(state=state)
    if kind:
        if kind not in IntegrityFlag.Kind.values:
            raise Invalid.field(
                "kind", _("类型：应为 %(kinds)s 之一。") % {"kinds": "、".join(IntegrityFlag.Kind.values)}
            )
        qs = qs.filter(kind=kind)
    return (
        qs.select_related("person").prefetch_related("records", "declarations").order_by("-created_at", "-pk")
    )


def integrity_flag_for(actor: Actor, flag_id: int) -> IntegrityFlag:
    flag = integrity_flags(actor, state="all").filter(pk=flag_id).first()
    if flag is None:
        raise NotFound()
    return flag
