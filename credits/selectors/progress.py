"""A person's progress in a year: credited hours by category, hours in review, the
requirement of their profile; read in one prepared statement (`me/progress` authenticates in it
too)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from accounts import selectors as account_selectors
from accounts import services as account_services
from accounts.models import Person
from core.actors import Actor, Role
from core.db import prepared_cursor
from core.errors import Forbidden, Invalid, NotFound, Unauthenticated
from credits.models import YearSummary
from credits.rules import compliance
from credits.selectors._shared import current_year
from policy import selectors as policy_selectors
from policy.models import PolicyYear, Profession, Requirement, RequirementProfile
from policy.years import policy_year

ZERO = Decimal(0)


@dataclass(frozen=True)
class Required:
    total: Decimal
    public: Decimal
    professional: Decimal


@dataclass(frozen=True)
class Progress:
    """A person's year: credited hours by category, hours still in review, the requirement of
    their profile, and whether it is met (the rule: credits.rules.compliance)."""

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
    def shortfall(self) -> compliance.Shortfall:
        r = self.required
        return compliance.shortfall(
            self.public_hours, self.professional_hours, r.public, r.professional, r.total
        )

    @property
    def short_public(self) -> Decimal:
        return self.shortfall.public

    @property
    def short_professional(self) -> Decimal:
        return self.shortfall.professional

    @property
    def short_total(self) -> Decimal:
        return self.shortfall.total

    @property
    def compliant(self) -> bool:
        return self.shortfall.compliant

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
    year = year or current_year()
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
    return _progress("p.user_id = %s", actor.user.pk, year or current_year())


def person_progress(actor: Actor, person_id: int, year: int | None = None) -> Progress:
    """A person's progress as seen by their unit, authority or bureau (or themself)."""
    return progress_of(person_in_scope(actor, person_id), year or current_year())


def person_in_scope(actor: Actor, person_id: int) -> Person:
    if actor.is_role(Role.PERSON):
        person = own_person(actor)
        if person.pk != person_id:
            raise NotFound()
        return person
    return account_selectors.person_for_actor(actor, person_id)
