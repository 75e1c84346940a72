"""Reading credit hours, always through the actor's scope.

What the pages and the API read (all take an `Actor` first; outside the scope → NotFound):

    progress(actor, year) · person_progress(actor, person_id, year)
    hour_records(actor, year) · person_hour_records(actor, person_id, year)
    declarations(actor, year=None, state=None) · declaration_for(actor, id) · open_review(declaration)
    evidence_for(actor, declaration_id, evidence_id)
    review_queue(actor, state="pending") · overdue_reviews(actor)
    title_readiness(actor, person_id, on_date, years)
    staff_compliance(actor, year, unit_id=None, only_short=False, using=None)
    compliance_by_unit(actor, year, using=None)
    review_timeliness(actor, year)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext as _

from accounts import selectors as account_selectors
from accounts import services as account_services
from accounts.models import Membership, Person
from core.actors import Actor, Role
from core.db import prepared_cursor
from core.errors import Forbidden, Invalid, NotFound, Unauthenticated
from core.text import tidy_punctuation
from credits import rules
from credits.models import (
    Declaration,
    DeclarationState,
    Evidence,
    HourRecord,
    RecordState,
    Review,
    Source,
    YearSummary,
)
from credits.rules import review_clock
from organisations.models import Organisation
from organisations.selectors import organisations_in_scope, units_in_scope
from policy import selectors as policy_selectors
from policy.models import PolicyYear, Profession, Requirement, RequirementProfile
from policy.selectors import SHANGHAI
from policy.years import policy_year

ZERO = Decimal(0)
OPEN_STATES = (DeclarationState.PENDING_UNIT, DeclarationState.PENDING_AUTHORITY)
REVIEW_STATES = ("pending", "overdue", "decided", "all")


def _current_year() -> int:
    return policy_selectors.today().year


# ---------------------------------------------------------------------------------------------
# progress


@dataclass(frozen=True)
class Required:
    total: Decimal
    public: Decimal
    professional: Decimal


@dataclass(frozen=True)
class Progress:
    """A person's year: credited hours by category, hours still in review, the requirement of
    their profile, and whether it is met (public ≥ public AND professional ≥ professional AND
    total ≥ total — surplus public hours never stand in for professional ones)."""

    person_id: int
    year: int
    public_hours: Decimal
    professional_hours: Decimal
    pending_hours: Decimal
    required: Required
    declaration_deadline: dt.date | None = None

    @property
    def total_hours(self) -> Decimal:
        return self.public_hours + self.professional_hours

    @property
    def short_public(self) -> Decimal:
        return max(ZERO, self.required.public - self.public_hours)

    @property
    def short_professional(self) -> Decimal:
        return max(ZERO, self.required.professional - self.professional_hours)

    @property
    def short_total(self) -> Decimal:
        return max(ZERO, self.required.total - self.total_hours)

    @property
    def compliant(self) -> bool:
        return (
            self.public_hours >= self.required.public
            and self.professional_hours >= self.required.professional
            and self.total_hours >= self.required.total
        )

    @property
    def year_closed(self) -> bool:
        return self.declaration_deadline is not None and policy_selectors.is_past(self.declaration_deadline)


def _progress_sql(where: str, token: bool = False) -> str:
    """One statement for a progress read: the person, their summary row of the year, the
    year's deadline and the requirement of their profile (else the default profile's).
    With `token`, the statement starts from a live API token (`live_token_sql`) and its
    person if the token is a person's: `me/progress` authenticates and reads in one round trip.
    Parameters: [role] if token, the year four times, True, then `where`'s (or the token's)."""
    t = {
        m.__name__: m._meta.db_table
        for m in (Person, YearSummary, PolicyYear, Requirement, RequirementProfile, Profession)
    }
    joins = (
        f"LEFT JOIN {t['YearSummary']} s ON s.person_id = p.id AND s.year = %s "
        f"LEFT JOIN {t['PolicyYear']} y ON y.year = %s "
        f"LEFT JOIN {t['Requirement']} r ON r.policy_year_id = %s AND r.profile_id = pr.profile_id "
        f"LEFT JOIN {t['Requirement']} d ON d.policy_year_id = %s AND d.profile_id = "
        f"(SELECT id FROM {t['RequirementProfile']} WHERE is_default = %s)"
    )
    select = (
        "SELECT p.id, s.public_hours, s.professional_hours, s.pending_hours, y.declaration_deadline, "
        "COALESCE(r.total_hours, d.total_hours), COALESCE(r.public_hours, d.public_hours), "
        "COALESCE(r.professional_hours, d.professional_hours)"
    )
    if token:
        return f"{select}, t.role" + account_services.live_token_sql(
            f"LEFT JOIN {t['Person']} p ON p.user_id = t.user_id AND t.role = %s "
            f"LEFT JOIN {t['Profession']} pr ON pr.id = p.profession_id {joins}"
        )
    return (
        f"{select} FROM {t['Person']} p JOIN {t['Profession']} pr ON pr.id = p.profession_id {joins} "
        f"WHERE {where}"
    )


_PROGRESS_SQL: dict[str, str] = {}  # by `where` ("token": the token statement)


def _decimal(value) -> Decimal:
    if value is None:
        return ZERO
    return value if isinstance(value, Decimal) else Decimal(str(value)).quantize(Decimal("0.1"))


def _date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _progress_row(where: str, param, year: int) -> tuple | None:
    token = where == "token"
    if where not in _PROGRESS_SQL:
        _PROGRESS_SQL[where] = _progress_sql(where, token)
    if token:
        params = [Role.PERSON, year, year, year, year, True, *account_services.live_token_params(param)]
    else:
        params = [year, year, year, year, True, param]
    with prepared_cursor() as cursor:
        cursor.execute(_PROGRESS_SQL[where], params)
        return cursor.fetchone()


def _progress(where: str, param, year: int) -> Progress:
    row = _progress_row(where, param, year)
    if row is None:
        raise NotFound()
    if row[5] is None and policy_year(year) is not None:
        row = _progress_row(where, param, year)  # the year was opened on this first use
    return _progress_of_row(row, year)


def _progress_of_row(row: tuple, year: int) -> Progress:
    person_id, public, professional, pending, deadline, total_req, public_req, professional_req = row[:8]
    if total_req is None:
        raise Invalid.field("year", _("年度：%(year)s 年度学时要求尚未设置。") % {"year": year})
    return Progress(
        person_id=person_id,
        year=year,
        public_hours=_decimal(public),
        professional_hours=_decimal(professional),
        pending_hours=_decimal(pending),
        required=Required(_decimal(total_req), _decimal(public_req), _decimal(professional_req)),
        declaration_deadline=_date(deadline),
    )


def progress_for_token(key_hash: str, year: int | None = None) -> Progress:
    """`me/progress` in one statement: the progress of the person whose live API token has
    this hash. Answers as `BearerAuth` then `progress` would: no live token → 401, a staff
    token → 403, a person account without its person → 404."""
    year = year or _current_year()
    row = _progress_row("token", key_hash, year)
    if row is None:
        raise Unauthenticated()
    if row[8] != Role.PERSON:
        raise Forbidden(_("只有专业技术人员本人可以查看。"))
    if row[0] is None:
        raise NotFound()
    if row[5] is None and policy_year(year) is not None:
        row = _progress_row("token", key_hash, year)  # the year was opened on this first use
    return _progress_of_row(row, year)


def progress_of(person: Person, year: int) -> Progress:
    """No scope check: callers have already resolved `person` through a scoped selector."""
    return _progress("p.id = %s", person.pk, year)


def own_person(actor: Actor) -> Person:
    if not actor.is_role(Role.PERSON) or actor.user is None:
        raise Forbidden(_("只有专业技术人员本人可以查看。"))
    person = Person.objects.select_related("profession").filter(user_id=actor.user.pk).first()
    if person is None:
        raise NotFound()
    return person


def progress(actor: Actor, year: int | None = None) -> Progress:
    """The acting person's progress in `year` (default: this year): one indexed statement."""
    if not actor.is_role(Role.PERSON) or actor.user is None:
        raise Forbidden(_("只有专业技术人员本人可以查看。"))
    return _progress("p.user_id = %s", actor.user.pk, year or _current_year())


def person_progress(actor: Actor, person_id: int, year: int | None = None) -> Progress:
    """A person's progress as seen by their unit, authority or bureau (or themself)."""
    return progress_of(_person_in_scope(actor, person_id), year or _current_year())


def _person_in_scope(actor: Actor, person_id: int) -> Person:
    if actor.is_role(Role.PERSON):
        person = own_person(actor)
        if person.pk != person_id:
            raise NotFound()
        return person
    return account_selectors.person_for_actor(actor, person_id)


# ---------------------------------------------------------------------------------------------
# hour records and why each counts or not


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
        if open_review.due_on < today:
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


def _with_explanations(records: list[HourRecord]) -> list[HourRecord]:
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
    return _with_explanations(records)


def hour_records(actor: Actor, year: int | None = None) -> list[HourRecord]:
    """The acting person's records of `year` (credited, pending and the ones that do not
    count), each with `.explanation` and `.counted`."""
    return _records(own_person(actor), year or _current_year())


def person_hour_records(actor: Actor, person_id: int, year: int | None = None) -> list[HourRecord]:
    return _records(_person_in_scope(actor, person_id), year or _current_year())


# ---------------------------------------------------------------------------------------------
# declarations


def declarations_in_scope(actor: Actor) -> QuerySet[Declaration]:
    """A person: their own (drafts included). A unit: what was submitted to it. An authority:
    what its units received (to supervise them) and what reached it. A bureau: submissions in
    its region. Staff never see their own declarations (no one reviews themself)."""
    qs = Declaration.objects.all()
    if actor.user is None:
        return qs.none()
    if actor.is_role(Role.PERSON):
        return qs.filter(person__user_id=actor.user.pk)
    submitted = qs.exclude(state=DeclarationState.DRAFT).exclude(person__user_id=actor.user.pk)
    if actor.organisation is None:
        return qs.none()
    if actor.is_role(Role.UNIT):
        return submitted.filter(unit_id=actor.organisation.pk)
    if actor.is_role(Role.AUTHORITY):
        return submitted.filter(
            Q(authority_id=actor.organisation.pk) | Q(unit__supervisor_id=actor.organisation.pk)
        )
    if actor.is_role(Role.BUREAU):
        return submitted.filter(unit__region_id__in=actor.organisation.region.descendant_ids())
    return qs.none()


def declarations(actor: Actor, year: int | None = None, state: str | None = None) -> QuerySet[Declaration]:
    qs = declarations_in_scope(actor).select_related("person", "unit", "authority", "plan_item")
    if year:
        qs = qs.filter(year=year)
    if state:
        if state not in DeclarationState.values:
            raise Invalid.field("state", _("状态：取值不正确。"))
        qs = qs.filter(state=state)
    return qs.order_by("-created_at", "-id")


def declaration_for(actor: Actor, declaration_id: int) -> Declaration:
    """One declaration with its evidence and reviews, or NotFound outside the actor's scope."""
    declaration = (
        declarations_in_scope(actor)
        .select_related("person", "unit", "authority", "plan_item", "plan_item__plan", "activity_type")
        .prefetch_related(
            "evidence", "reviews__organisation", "activity_type__slots", "activity_type__levels"
        )
        .filter(pk=declaration_id)
        .first()
    )
    if declaration is None:
        raise NotFound()
    return declaration


def open_review(declaration: Declaration) -> Review | None:
    """The level the declaration is waiting at (None when nobody has to act)."""
    return next((r for r in declaration.reviews.all() if r.decided_at is None), None)


def declaration_record(declaration: Declaration) -> HourRecord | None:
    record = HourRecord.objects.filter(declaration=declaration).first()
    if record is not None:
        _with_explanations([record])
    return record


def evidence_for(actor: Actor, declaration_id: int, evidence_id: int) -> Evidence:
    declaration = declaration_for(actor, declaration_id)
    evidence = next((e for e in declaration.evidence.all() if e.pk == evidence_id), None)
    if evidence is None:
        raise NotFound()
    return evidence


# ---------------------------------------------------------------------------------------------
# review queues and supervision


_LEVEL = {Role.UNIT: Review.Level.UNIT, Role.AUTHORITY: Review.Level.AUTHORITY}


def _review_rows(qs: QuerySet[Review]) -> QuerySet[Review]:
    return qs.select_related("declaration", "declaration__person", "declaration__unit", "organisation")


def review_queue(
    actor: Actor,
    state: str = "pending",
    year: int | None = None,
    *,
    q: str = "",
    category: str = "",
    method: str = "",
) -> QuerySet[Review]:
    """The reviewer's queue (Review rows; `review.declaration` is what to decide).
    state: pending (waiting for the actor), overdue (pending and past due), decided, all;
    narrowed by a name or title (`q`), a category and a method as the page's filter bar and
    the API both offer. The reviewer's own declarations never appear (even with a unit role
    at their own unit)."""
    if actor.role not in _LEVEL or actor.organisation is None:
        raise Forbidden(_("只有用人单位和行业主管部门的审核人员有审核队列。"))
    state = state or "pending"
    if state not in REVIEW_STATES:
        raise Invalid.field("state", _("状态：应为 pending、overdue、decided 或 all。"))
    qs = Review.objects.filter(organisation_id=actor.organisation.pk, level=_LEVEL[actor.role]).exclude(
        declaration__person__user_id=actor.user.pk
    )
    if year:
        qs = qs.filter(declaration__year=year)
    if q:
        qs = qs.filter(Q(declaration__person__name__icontains=q) | Q(declaration__title__icontains=q))
    if category:
        qs = qs.filter(declaration__category=category)
    if method:
        qs = qs.filter(declaration__method=method)
    if state == "pending":
        qs = qs.filter(decided_at__isnull=True).order_by("due_on", "arrived_at", "id")
    elif state == "overdue":
        qs = qs.filter(decided_at__isnull=True, due_on__lt=policy_selectors.today()).order_by("due_on", "id")
    elif state == "decided":
        qs = qs.filter(decided_at__isnull=False).order_by("-decided_at", "-id")
    else:
        qs = qs.order_by("-arrived_at", "-id")
    return _review_rows(qs)


def is_overdue(review: Review, today: dt.date | None = None) -> bool:
    return review_clock.is_overdue(review, today)


def _supervised_review_orgs(actor: Actor) -> QuerySet[Organisation]:
    if actor.organisation is None:
        return Organisation.objects.none()
    if actor.is_role(Role.UNIT):
        return Organisation.objects.filter(pk=actor.organisation.pk)
    if actor.is_role(Role.AUTHORITY):
        return Organisation.objects.filter(
            Q(pk=actor.organisation.pk) | Q(supervisor_id=actor.organisation.pk)
        )
    if actor.is_role(Role.BUREAU):
        return organisations_in_scope(actor).filter(
            kind__in=[Organisation.Kind.UNIT, Organisation.Kind.AUTHORITY]
        )
    return Organisation.objects.none()


def overdue_reviews(actor: Actor) -> QuerySet[Review]:
    """Undecided reviews past their due date that the actor supervises: a unit its own, an
    authority its own and its units', a bureau every unit's and authority's in its region."""
    if not actor.is_role(Role.UNIT, Role.AUTHORITY, Role.BUREAU):
        raise Forbidden(_("当前身份无权查看审核超期情况。"))
    qs = Review.objects.filter(
        decided_at__isnull=True,
        due_on__lt=policy_selectors.today(),
        organisation__in=_supervised_review_orgs(actor),
    ).exclude(declaration__person__user_id=actor.user.pk)
    return _review_rows(qs).order_by("due_on", "id")


@dataclass
class Timeliness:
    organisation: Organisation
    level: str
    decided: int
    on_time: int
    late: int
    open: int
    overdue: int

    @property
    def on_time_rate(self) -> float | None:
        return round(self.on_time / self.decided, 4) if self.decided else None


def review_timeliness(actor: Actor, year: int | None = None) -> list[Timeliness]:
    """Per reviewing organisation in the actor's supervision (an authority: itself and its
    units; a bureau: its region): decisions on time / late, and what is open or overdue, for
    declarations of `year`."""
    year = year or _current_year()
    orgs = _supervised_review_orgs(actor)
    if not actor.is_role(Role.UNIT, Role.AUTHORITY, Role.BUREAU):
        raise Forbidden(_("当前身份无权查看审核时效。"))
    today = policy_selectors.today()
    rows = (
        Review.objects.filter(declaration__year=year, organisation__in=orgs)
        .annotate(decided_day=TruncDate("decided_at", tzinfo=SHANGHAI))
        .values("organisation_id", "level")
        .annotate(
            decided=Count("id", filter=Q(decided_at__isnull=False)),
            on_time=Count("id", filter=Q(decided_at__isnull=False, decided_day__lte=F("due_on"))),
            open=Count("id", filter=Q(decided_at__isnull=True)),
            overdue=Count("id", filter=Q(decided_at__isnull=True, due_on__lt=today)),
        )
        .order_by("organisation_id", "level")
    )
    by_org = Organisation.objects.in_bulk([r["organisation_id"] for r in rows])
    return [
        Timeliness(
            organisation=by_org[r["organisation_id"]],
            level=r["level"],
            decided=r["decided"],
            on_time=r["on_time"],
            late=r["decided"] - r["on_time"],
            open=r["open"],
            overdue=r["overdue"],
        )
        for r in rows
    ]


# ---------------------------------------------------------------------------------------------
# title readiness (职称申报前的核验)


@dataclass
class TitleReadiness:
    person: Person
    on_date: dt.date
    year: int
    unfinished: list[Declaration] = field(default_factory=list)
    drafts: list[Declaration] = field(default_factory=list)
    years: list[Progress] = field(default_factory=list)

    @property
    def reviews_finished(self) -> bool:
        return not self.unfinished

    @property
    def requirements_met(self) -> bool:
        return all(p.compliant for p in self.years)

    @property
    def ready(self) -> bool:
        return self.reviews_finished and self.requirements_met


def title_readiness(
    actor: Actor, person_id: int, on_date: dt.date | None = None, years: list[int] | None = None
) -> TitleReadiness:
    """The check before a title application: has every declaration of the year of `on_date`
    finished review (none waiting at a level or returned for correction), and was each year
    in `years` (default: that year) compliant? Drafts never submitted are listed, not blocking."""
    person = _person_in_scope(actor, person_id)
    on_date = on_date or policy_selectors.today()
    years = sorted(set(years or [on_date.year]))
    if len(years) > 10:
        raise Invalid.field("years", _("年度：最多同时核验 10 个年度。"))
    own = Declaration.objects.filter(person=person, year=on_date.year).order_by("created_at", "id")
    return TitleReadiness(
        person=person,
        on_date=on_date,
        year=on_date.year,
        unfinished=list(own.filter(state__in=[*OPEN_STATES, DeclarationState.RETURNED])),
        drafts=list(own.filter(state=DeclarationState.DRAFT)),
        years=[progress_of(person, y) for y in years],
    )


# ---------------------------------------------------------------------------------------------
# compliance of staff (who is short of what)


def year_requirements(year: int) -> tuple[list[Requirement], Requirement]:
    """The year's requirements and the default one; DomainError when the year has none (the
    current year exists from 1 January: its first use carries it forward)."""
    policy_year(year)
    rows = list(Requirement.objects.filter(policy_year_id=year).select_related("profile"))
    default = next((r for r in rows if r.profile.is_default), None)
    if default is None:
        raise Invalid.field("year", _("年度：%(year)s 年度学时要求尚未设置。") % {"year": year})
    return rows, default


def _requirement_case(year: int, attr: str) -> Case:
    rows, default = year_requirements(year)
    out = DecimalField(max_digits=7, decimal_places=1)
    return Case(
        *[When(person__profession__profile_id=r.profile_id, then=Value(getattr(r, attr))) for r in rows],
        default=Value(getattr(default, attr)),
        output_field=out,
    )


def staff_compliance(
    actor: Actor,
    year: int | None = None,
    unit_id: int | None = None,
    only_short: bool = False,
    using: str | None = None,
) -> QuerySet[Membership]:
    """Confirmed members of the units in the actor's scope (a unit: its own; an authority: its
    units; a bureau: its region), one row (a Membership, `.person`, `.unit`) each, annotated
    with public, professional, total, pending, req_public, req_professional, req_total and
    compliant. `only_short` keeps those who miss any of the three figures. `using`: the
    database alias the rows are read from (listings and exports pass
    `core.replica.reporting_alias()`); the scope checks read the primary."""
    if not actor.is_role(Role.UNIT, Role.AUTHORITY, Role.BUREAU):
        raise Forbidden(_("当前身份无权查看单位人员学时情况。"))
    year = year or _current_year()
    units = units_in_scope(actor)
    if unit_id:
        units = units.filter(pk=unit_id)
        if not units.exists():
            raise NotFound()
    out = DecimalField(max_digits=7, decimal_places=1)
    summary = YearSummary.objects.filter(person_id=OuterRef("person_id"), year=year)

    def summed(name: str):
        return Coalesce(Subquery(summary.values(name)[:1]), Value(ZERO), output_field=out)

    qs = (
        Membership.objects.using(using)
        .filter(state=Membership.State.CONFIRMED, unit__in=units)
        .select_related("person", "person__profession", "unit")
        .annotate(
            public=summed("public_hours"),
            professional=summed("professional_hours"),
            pending=summed("pending_hours"),
            req_public=_requirement_case(year, "public_hours"),
            req_professional=_requirement_case(year, "professional_hours"),
            req_total=_requirement_case(year, "total_hours"),
        )
        .annotate(total=ExpressionWrapper(F("public") + F("professional"), output_field=out))
        .annotate(
            compliant=ExpressionWrapper(
                Q(public__gte=F("req_public"))
                & Q(professional__gte=F("req_professional"))
                & Q(total__gte=F("req_total")),
                output_field=BooleanField(),
            )
        )
    )
    if only_short:
        qs = qs.filter(
            Q(public__lt=F("req_public"))
            | Q(professional__lt=F("req_professional"))
            | Q(total__lt=F("req_total"))
        )
    return qs.order_by("unit__name", "person__name_sort", "person_id")


@dataclass
class UnitCompliance:
    unit: Organisation
    members: int
    compliant: int

    @property
    def short(self) -> int:
        return self.members - self.compliant


def compliance_by_unit(
    actor: Actor, year: int | None = None, using: str | None = None
) -> list[UnitCompliance]:
    """Per unit in scope: confirmed members and how many met the year's requirement (counted
    on the `using` alias, as `staff_compliance`)."""
    rows = (
        staff_compliance(actor, year, using=using)
        .order_by()
        .values("unit_id")
        .annotate(members=Count("id"), met=Count("id", filter=Q(compliant=True)))
    )
    counts = {r["unit_id"]: r for r in rows}
    units = units_in_scope(actor).order_by("name")
    return [
        UnitCompliance(
            unit=u,
            members=counts.get(u.pk, {}).get("members", 0),
            compliant=counts.get(u.pk, {}).get("met", 0),
        )
        for u in units
    ]
