"""The integrity list (诚信核查): cases the rules cannot decide alone, for a person to look at.

A flag names a person's year, what looks wrong and the records and declarations involved:
- pace, over_daily_limit — credits.rules.plausibility: a span that fits only at an unusual pace, or
  hours beyond the daily limit across sources (base attendance is credited and flagged; a
  declaration that enters review when its plan is accepted is flagged here too, since nobody
  is there to correct its dates);
- same_class — a base's attendance and the person's declaration of the same class: the same
  plan item, or the same days (they overlap) with the same title, or a like title and the same
  organiser (the base) — see `same_learning`;
- same_course — a platform's completion and the person's declaration of it: the days overlap
  and the title (the course) is the same, or like it with the platform as organiser;
- same_evidence — one file (the same SHA-256) on two submitted declarations of anyone: another
  person's or the same person's, of the same or another year.

Flags are raised when the second item arrives (a declaration submitted, attendance or a
platform item credited), in set-based queries (a 1,000-item push reads the candidates once),
and once per case: each cross-source flag has a key (`r<record>:d<declaration>`,
`d<declaration>:d<declaration>`) that a unique index holds, so a re-send or a resubmission
raises nothing new. Flags never change a record: the reviewer of a declaration sees its flags
beside it and approves, returns or rejects it as usual; the bureau (any flag of its region) or
that reviewer marks the flag 核查无误 (dismissed) or 确有问题 (upheld) with a note, audited.
Upholding removes no hours by itself — the declaration is rejected (or the record corrected)
through the usual ways.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from difflib import SequenceMatcher
from math import ceil

from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import selectors as account_selectors
from audit import actions
from audit.services import record, record_many
from core.actors import SYSTEM, Actor, Role
from core.dates import format_day
from core.errors import Conflict, Forbidden, Invalid
from core.hours import format_hours
from credits import intake_selectors, rules, selectors
from credits.models import (
    COUNTING_STATES,
    Declaration,
    DeclarationState,
    Evidence,
    HourRecord,
    IntegrityFlag,
    Review,
    Source,
)
from credits.rules import plausibility
from credits.rules.plausibility import Verdict
from policy.models import PolicyYear

# Titles this alike (0–1, see `similarity`) name the same learning on their own; titles at
# least LIKE alike do when the organiser is the same (the base, the platform).
TITLE_SAME = 0.8
TITLE_LIKE = 0.5
ORGANISER_SAME = 0.8
# Declarations another item may duplicate: submitted, and not refused for good.
LIVE_DECLARATION_STATES = (
    DeclarationState.PENDING_UNIT,
    DeclarationState.PENDING_AUTHORITY,
    DeclarationState.APPROVED,
    DeclarationState.RETURNED,
    DeclarationState.NOT_RECOGNISED,
)
Kind = IntegrityFlag.Kind


# ---------------------------------------------------------------------------------------------
# raising flags


def raise_flag(hour_record: HourRecord, kind: str, verdict: Verdict) -> IntegrityFlag:
    """Put a record on the integrity list with the other records involved (and their
    declarations, whose reviewers see the flag)."""
    flag = IntegrityFlag.objects.create(
        person_id=hour_record.person_id, year=hour_record.year, kind=kind, message=verdict.message[:300]
    )
    involved = _linkable(HourRecord, verdict.involved)
    records = [hour_record.pk, *sorted(involved)]
    flag.records.set(records)
    declarations = sorted(
        _linkable(
            Declaration,
            HourRecord.objects.filter(pk__in=records, declaration__isnull=False).values_list(
                "declaration_id", flat=True
            ),
        )
    )
    flag.declarations.set(declarations)
    record(
        SYSTEM,
        actions.INTEGRITY_FLAGGED,
        flag,
        after={"kind": kind, "records": records, "declarations": declarations},
    )
    return flag


def _linkable(model, ids) -> set[int]:
    """The rows of `ids` a flag may link now, locked FOR KEY SHARE. Links are foreign keys whose
    check PostgreSQL defers to the commit, where it would wait for a transaction holding the
    row FOR UPDATE — a review deciding that declaration, itself waiting for this transaction's
    new record (the one-credit-per-class index): a deadlock. So the lock is taken now, skipping
    rows held that way; the flag links what it could (always the arriving item's own record),
    and the bureau's list shows it all the same."""
    ids = list(ids)
    if not ids:
        return set()
    if connection.vendor != "postgresql":  # SQLite: one writer at a time, nothing to skip
        return set(model.objects.filter(pk__any_of=ids).values_list("pk", flat=True))
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:  # Django's select_for_update has no FOR KEY SHARE
        cursor.execute(f"SELECT id FROM {table} WHERE id = ANY(%s) FOR KEY SHARE SKIP LOCKED", [ids])
        return {pk for (pk,) in cursor.fetchall()}


@dataclass
class Case:
    """A flag to raise once: `key` tells it apart from every other case of its kind."""

    kind: str
    key: str
    person_id: int
    year: int
    message: str
    records: tuple[int, ...] = ()
    declarations: tuple[int, ...] = ()


def _raise(cases: list[Case]) -> list[IntegrityFlag]:
    """Raise the cases not raised before, in a constant number of queries; returns the new flags."""
    unique = {(c.kind, c.key): c for c in cases}
    if not unique:
        return []
    keys = [k for _kind, k in unique]
    kinds = {kind for kind, _k in unique}
    raised = set(IntegrityFlag.objects.filter(kind__in=kinds, key__any_of=keys).values_list("kind", "key"))
    fresh = [c for k, c in unique.items() if k not in raised]
    if not fresh:
        return []
    IntegrityFlag.objects.bulk_create(
        [
            IntegrityFlag(person_id=c.person_id, year=c.year, kind=c.kind, key=c.key, message=c.message[:300])
            for c in fresh
        ],
        ignore_conflicts=True,  # a concurrent transaction raised the same case: it keeps it
    )
    wanted = {(c.kind, c.key): c for c in fresh}
    records = _linkable(HourRecord, {r for c in fresh for r in c.records})
    declarations = _linkable(Declaration, {d for c in fresh for d in c.declarations})
    flags = [
        f
        for f in IntegrityFlag.objects.filter(
            kind__in={c.kind for c in fresh},
            key__any_of=[c.key for c in fresh],
            records__isnull=True,
            declarations__isnull=True,
        )
        if (f.kind, f.key) in wanted
    ]
    record_links = IntegrityFlag.records.through
    declaration_links = IntegrityFlag.declarations.through
    record_links.objects.bulk_create(
        [
            record_links(integrityflag_id=f.pk, hourrecord_id=r)
            for f in flags
            for r in wanted[(f.kind, f.key)].records
            if r in records
        ],
        ignore_conflicts=True,
    )
    declaration_links.objects.bulk_create(
        [
            declaration_links(integrityflag_id=f.pk, declaration_id=d)
            for f in flags
            for d in wanted[(f.kind, f.key)].declarations
            if d in declarations
        ],
        ignore_conflicts=True,
    )
    by_kind: dict[str, list[IntegrityFlag]] = defaultdict(list)
    for f in flags:
        by_kind[f.kind].append(f)
    for kind, of_kind in by_kind.items():
        record_many(SYSTEM, actions.INTEGRITY_FLAGGED, of_kind, after={"kind": kind})
    return flags


# ---------------------------------------------------------------------------------------------
# the same learning: titles, organisers, days


def _normalise(text: str) -> str:
    """Letters and digits only, full-width folded, lower case: 《BIM 技术》 == bim技术."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")


def similarity(a: str, b: str) -> float:
    """How alike two names are, 0–1: 1 when equal once normalised, 0.9 when one (of at least
    4 characters) contains the other ("BIM技术应用" in "2026年BIM技术应用培训班"), otherwise
    difflib's ratio of matching characters."""
    a, b = _normalise(a), _normalise(b)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    short, long = sorted((a, b), key=len)
    if len(short) >= 4 and short in long:
        return 0.9
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def same_learning(title_a: str, organiser_a: str, title_b: str, organiser_b: str) -> bool:
    """Two records of overlapping days name the same learning: the titles alike at TITLE_SAME,
    or at TITLE_LIKE with organisers alike at ORGANISER_SAME."""
    titles = similarity(title_a, title_b)
    if titles >= TITLE_SAME:
        return True
    return titles >= TITLE_LIKE and similarity(organiser_a, organiser_b) >= ORGANISER_SAME


def _overlap(first_a: dt.date, last_a: dt.date, first_b: dt.date, last_b: dt.date) -> bool:
    return first_a <= last_b and first_b <= last_a


@dataclass(frozen=True)
class Credited:
    """An attendance or platform record as the checks read it: the days its learning took."""

    pk: int
    person_id: int
    year: int
    source: str
    title: str
    organizer: str
    first: dt.date
    last: dt.date
    plan_item_id: int | None


def _days(source: str, hours, started_on, completed_on, daily) -> tuple[dt.date, dt.date]:
    """A class lasts from its start (开班时间) to the later of its reported completion and the
    days its hours need at the daily limit; a platform course from its start (or, unknown, its
    completion) to its completion."""
    if source == Source.ATTENDANCE:
        first = started_on or completed_on
        needed = first + dt.timedelta(days=max(ceil(hours / daily), 1) - 1)
        return first, max(completed_on, needed)
    return started_on or completed_on, completed_on


def _daily(years) -> dict[int, Decimal]:
    default = PolicyYear._meta.get_field("max_daily_hours").default
    policies = {year: rules.policy_for(year) for year in set(years)}
    return {year: p.max_daily_hours if p is not None else default for year, p in policies.items()}


def _credited(rows: list[dict]) -> list[Credited]:
    """Attendance or platform records (dicts of _SOURCE_FIELDS) with the days of their learning."""
    daily = _daily(r["year"] for r in rows)
    return [
        Credited(
            r["pk"],
            r["person_id"],
            r["year"],
            r["source"],
            r["title"],
            r["organizer"],
            *_days(r["source"], r["hours"], r["started_on"], r["completed_on"], daily[r["year"]]),
            r.get("plan_item_id"),
        )
        for r in rows
    ]


_SOURCE_FIELDS = (
    *("pk", "person_id", "year", "source", "title", "organizer"),
    *("hours", "started_on", "completed_on", "plan_item_id"),
)
_DECLARATION_FIELDS = (
    *("pk", "person_id", "year", "title", "organizer"),
    *("started_on", "ended_on", "plan_item_id", "hour_record__pk"),
)


def _match(src: Credited, d: dict) -> Case | None:
    """The case of `src` and declaration `d` (a dict of _DECLARATION_FIELDS), or None."""
    if src.source == Source.ATTENDANCE:
        same_item = src.plan_item_id is not None and src.plan_item_id == d["plan_item_id"]
        if not same_item and not (
            _overlap(src.first, src.last, d["started_on"], d["ended_on"])
            and same_learning(src.title, src.organizer, d["title"], d["organizer"])
        ):
            return None
        kind = Kind.SAME_CLASS
        why = _("同一培训计划项目") if same_item else _("日期重叠、名称相近")
        message = _(
            "基地报送的出勤“%(title)s”（%(first)s 起）与本人申报的“%(declared)s”"
            "（%(start)s 至 %(end)s）可能是同一培训（%(why)s）：同一培训只计一次。"
        )
    else:
        if not (
            _overlap(src.first, src.last, d["started_on"], d["ended_on"])
            and same_learning(src.title, src.organizer, d["title"], d["organizer"])
        ):
            return None
        kind, why = Kind.SAME_COURSE, _("日期重叠、课程名称相近")
        message = _(
            "学习平台推送的课程“%(title)s”（%(first)s 完成）与本人申报的“%(declared)s”"
            "（%(start)s 至 %(end)s）可能是同一学习（%(why)s）：同一学习只计一次。"
        )
    first = src.first if src.source == Source.ATTENDANCE else src.last
    text = message % {
        "title": src.title,
        "first": format_day(first),
        "declared": d["title"],
        "start": format_day(d["started_on"]),
        "end": format_day(d["ended_on"]),
        "why": why,
    }
    records = (src.pk, d["hour_record__pk"]) if d["hour_record__pk"] else (src.pk,)
    return Case(kind, f"r{src.pk}:d{d['pk']}", src.person_id, d["year"], text, records, (d["pk"],))


# ---------------------------------------------------------------------------------------------
# the checks, one per way an item arrives


def check_declaration(declaration: Declaration) -> list[IntegrityFlag]:
    """A declaration was submitted (or resubmitted): the same file on another declaration, the
    same class from a base's attendance, the same course from a platform."""
    shared = (
        Evidence.objects.filter(sha256__in=declaration.evidence.values("sha256"))
        .exclude(declaration_id=declaration.pk)
        .exclude(declaration__state=DeclarationState.DRAFT)
        .values_list(
            "declaration_id",
            "sha256",
            "declaration__person_id",
            "declaration__year",
            "declaration__hour_record",
        )
    )
    own_record = HourRecord.objects.filter(declaration=declaration).values_list("pk", flat=True).first()
    cases = []
    for other, sha, person_id, year, other_record in sorted(set(shared)):
        pair = sorted((declaration.pk, other))
        message = _("两份学时申报（%(years)s，%(who)s）使用了同一个证明材料文件（SHA-256 %(sha)s…）。") % {
            "years": _("均为 %(y)s 年度") % {"y": year}
            if year == declaration.year
            else _("%(a)s 年度与 %(b)s 年度") % {"a": declaration.year, "b": year},
            "who": _("同一人员") if person_id == declaration.person_id else _("不同人员"),
            "sha": sha[:12],
        }
        cases.append(
            Case(
                Kind.SAME_EVIDENCE,
                f"d{pair[0]}:d{pair[1]}",
                declaration.person_id,
                declaration.year,
                message,
                tuple(r for r in (own_record, other_record) if r),
                (declaration.pk, other),
            )
        )
    # A class's days reach past its reported completion (`_days`): a year either side.
    near = Q(
        completed_on__gte=declaration.started_on - dt.timedelta(days=366),
        completed_on__lte=declaration.ended_on + dt.timedelta(days=366),
    )
    if declaration.plan_item_id:
        near |= Q(plan_item_id=declaration.plan_item_id)
    sources = _credited(
        list(
            HourRecord.objects.filter(
                near,
                person_id=declaration.person_id,
                source__in=(Source.ATTENDANCE, Source.PLATFORM),
                state__in=COUNTING_STATES,
            ).values(*_SOURCE_FIELDS)
        )
    )
    d = {
        "pk": declaration.pk,
        "person_id": declaration.person_id,
        "year": declaration.year,
        "title": declaration.title,
        "organizer": declaration.organizer,
        "started_on": declaration.started_on,
        "ended_on": declaration.ended_on,
        "plan_item_id": declaration.plan_item_id,
        "hour_record__pk": own_record,
    }
    cases += [c for c in (_match(src, d) for src in sources) if c is not None]
    return _raise(cases)


def check_credited(records: list[HourRecord]) -> list[IntegrityFlag]:
    """Attendance or platform records were just credited: the declarations of the same class or
    course by the same people. One query reads the candidates of the whole batch."""
    return check_credited_values([{f: getattr(r, f) for f in _SOURCE_FIELDS} for r in records])


def check_credited_values(rows: list[dict]) -> list[IntegrityFlag]:
    """`check_credited` for records given as dicts of their fields (pk included; plan_item_id
    may be left out), as the ledger's bulk insert of a platform push has them."""
    rows = [r for r in rows if r["source"] in (Source.ATTENDANCE, Source.PLATFORM)]
    if not rows:
        return []
    sources = _credited(rows)
    first, last = min(s.first for s in sources), max(s.last for s in sources)
    items = {s.plan_item_id for s in sources if s.plan_item_id is not None}
    candidates = Declaration.objects.filter(
        Q(started_on__lte=last, ended_on__gte=first) | Q(plan_item_id__in=items),
        person_id__any_of=list({s.person_id for s in sources}),
        state__in=LIVE_DECLARATION_STATES,
    ).values(*_DECLARATION_FIELDS)
    by_person: dict[int, list[dict]] = defaultdict(list)
    for d in candidates:
        by_person[d["person_id"]].append(d)
    cases = [
        case
        for src in sources
        for d in by_person.get(src.person_id, ())
        if (case := _match(src, d)) is not None
    ]
    return _raise(cases)


def daily_limit_verdict(declaration: Declaration) -> plausibility.Verdict:
    """Whether the declared days hold the hours beside the person's other counting records of
    the year (the daily limit per person and day across sources)."""
    others = [
        plausibility.record_span(r.source, r.hours, r.started_on, r.completed_on, r.pk)
        for r in HourRecord.objects.filter(
            person_id=declaration.person_id, year=declaration.year, state__in=COUNTING_STATES
        ).exclude(declaration=declaration)
    ]
    return plausibility.judge(
        plausibility.span(declaration.hours, declaration.started_on, declaration.ended_on),
        others,
        rules.policy_for(declaration.year).max_daily_hours,
    )


def check_daily_limit(declaration: Declaration) -> list[IntegrityFlag]:
    """A declaration entered review without its person (its plan was accepted): where its days
    no longer hold its hours beside the person's other records, it is flagged, not refused."""
    own = HourRecord.objects.filter(declaration=declaration).values_list("pk", flat=True).first()
    verdict = daily_limit_verdict(declaration)
    if verdict.possible:
        return []
    involved = tuple(r for r in (own, *verdict.involved) if r)
    declarations = tuple(
        HourRecord.objects.filter(pk__in=involved, declaration__isnull=False).values_list(
            "declaration_id", flat=True
        )
    )
    return _raise(
        [
            Case(
                Kind.OVER_DAILY_LIMIT,
                f"d{declaration.pk}",
                declaration.person_id,
                declaration.year,
                verdict.message,
                involved,
                declarations,
            )
        ]
    )


# ---------------------------------------------------------------------------------------------
# seeing flags, in the actor's scope


OTHER_ORGANISATION = _("另一条记录（其他单位）")
OTHER_PERSON = _("其他单位人员")


@dataclass
class Item:
    """One record or declaration a flag links, as the actor may see it: `hidden` ones are named
    only as 另一条记录（其他单位）, without any personal data."""

    hidden: bool
    label: str = ""
    url: str = ""
    declaration: Declaration | None = None
    record: HourRecord | None = None


@dataclass
class Shown:
    flag: IntegrityFlag
    items: list[Item] = field(default_factory=list)
    may_decide: bool = False
    person_visible: bool = True  # False: the flag's person works elsewhere (a file they share)


def _flags_queryset():
    return IntegrityFlag.objects.prefetch_related("records", "declarations").select_related("person")


def show(actor: Actor, flags, current: Declaration | None = None) -> list[Shown]:
    """Each flag with the items it links (those of `current` left out), each visible only if the
    actor may see it: a declaration in their scope (linked to its review page), a record of a
    person in their scope (linked to the person's page)."""
    flags = list(flags)
    declaration_ids = {d.pk for f in flags for d in f.declarations.all()}
    person_ids = {r.person_id for f in flags for r in f.records.all()} | {f.person_id for f in flags}
    visible_declarations = set(
        selectors.declarations_in_scope(actor).filter(pk__in=declaration_ids).values_list("pk", flat=True)
    )
    visible_people = set(
        account_selectors.persons_in_scope(actor).filter(pk__in=person_ids).values_list("pk", flat=True)
    )
    deciding = _deciding_declarations(actor, declaration_ids)
    shown = []
    for f in flags:
        linked = list(f.declarations.all())
        linked_ids = {d.pk for d in linked}
        items = []
        for d in linked:
            if current is not None and d.pk == current.pk:
                continue
            if d.pk in visible_declarations:
                label = _("学时申报：%(title)s（%(year)s 年度，%(state)s）") % {
                    "title": d.title,
                    "year": d.year,
                    "state": d.get_state_display(),
                }
                items.append(Item(False, label, reverse("credits:review_detail", args=[d.pk]), declaration=d))
            else:
                items.append(Item(True, OTHER_ORGANISATION))
        for r in f.records.all():
            if r.declaration_id is not None and r.declaration_id in linked_ids:
                continue  # shown as its declaration
            if r.person_id in visible_people:
                label = _("%(source)s：%(title)s（%(day)s，%(hours)s 学时，%(state)s）") % {
                    "source": r.get_source_display(),
                    "title": r.title,
                    "day": format_day(r.completed_on),
                    "hours": format_hours(r.hours),
                    "state": r.get_state_display(),
                }
                url = (
                    "" if actor.is_role(Role.PERSON) else reverse("credits:person_detail", args=[r.person_id])
                )
                items.append(Item(False, label, url, record=r))
            else:
                items.append(Item(True, OTHER_ORGANISATION))
        may_decide = f.state == IntegrityFlag.State.OPEN and (
            actor.is_role(Role.BUREAU) or any(d.pk in deciding for d in linked)
        )
        shown.append(Shown(f, items, may_decide, f.person_id in visible_people))
    return shown


def flags_for_review(actor: Actor, declaration: Declaration) -> list[Shown]:
    """The flags of a declaration (linked to it or to its hour record), for its review page."""
    flags = (
        _flags_queryset()
        .filter(Q(declarations=declaration) | Q(records__declaration=declaration))
        .distinct()
        .order_by("-created_at", "-pk")
    )
    return show(actor, flags, current=declaration)


def _deciding_declarations(actor: Actor, declaration_ids) -> set[int]:
    """Of these declarations, those waiting at the actor's own review (unit or authority)."""
    levels = {Role.UNIT: Review.Level.UNIT, Role.AUTHORITY: Review.Level.AUTHORITY}
    if actor.role not in levels or actor.organisation is None or not declaration_ids:
        return set()
    return set(
        Review.objects.filter(
            declaration_id__in=declaration_ids,
            decided_at__isnull=True,
            level=levels[actor.role],
            organisation_id=actor.organisation.pk,
        )
        .exclude(declaration__person__user_id=actor.user.pk)
        .values_list("declaration_id", flat=True)
    )


# ---------------------------------------------------------------------------------------------
# deciding


def require_decider(actor: Actor, flag_id: int) -> IntegrityFlag:
    """The flag if the actor may decide it: 404 outside their scope, 403 for a reviewer at whose
    review none of its declarations waits."""
    if not actor.is_role(Role.BUREAU, Role.UNIT, Role.AUTHORITY):
        raise Forbidden(_("只有人社局和审核人员可以核查诚信核查事项。"))
    flag = intake_selectors.integrity_flag_for(actor, flag_id)
    if not actor.is_role(Role.BUREAU) and not _deciding_declarations(
        actor, [d.pk for d in flag.declarations.all()]
    ):
        raise Forbidden(_("只有人社局，或正在审核所涉申报的审核人员，可以核查该事项。"))
    return flag


@transaction.atomic
def decide_flag(actor: Actor, flag_id: int, decision: str, note: str) -> IntegrityFlag:
    """Close a flag: dismissed or upheld, with a note. A bureau decides any flag of its region;
    a unit or authority reviewer a flag of a declaration waiting at its own review."""
    flag = require_decider(actor, flag_id)
    flag = IntegrityFlag.objects.select_for_update().get(pk=flag.pk)
    note = (note or "").strip()
    if decision not in (IntegrityFlag.State.DISMISSED, IntegrityFlag.State.UPHELD):
        raise Invalid.field("decision", _("核查结论：应为 dismissed（核查无误）或 upheld（确有问题）。"))
    if not note:
        raise Invalid.field("note", _("核查意见：必须填写。"))
    if len(note) > 300:
        raise Invalid.field("note", _("核查意见：不能超过 300 个字符。"))
    if flag.state != IntegrityFlag.State.OPEN:
        raise Conflict(
            _("该事项已核查（%(state)s）。") % {"state": flag.get_state_display()},
            [{"field": "state", "message": _("只有待核查的事项可以核查。")}],
        )
    before = {"state": flag.state}
    flag.state, flag.note = decision, note
    flag.decided_at, flag.decided_by = timezone.now(), actor.user
    flag.save(update_fields=["state", "note", "decided_at", "decided_by"])
    record(
        actor,
        actions.INTEGRITY_DECIDED[decision],
        flag,
        before=before,
        after={"state": decision, "note": note},
    )
    return flag
