"""The certificate's register (登记): for every year, the hours credited by category, the
year's requirement, compliant or not, and the credited records — read from the ledger
(credits.selectors.progress_of over the YearSummary row, and the HourRecords), never copied,
so it follows every credit and revocation the moment the ledger commits.

Years: from the person's first year on the platform (registration, or an earlier year with
hours) to this year; a year without requirements (no policy) is left out. A register is plain
JSON (hours as strings such as "12.5"), hashed canonically, so that a printout keeps the
register as it stood and can later tell whether it changed.
"""

from __future__ import annotations

import hashlib
import json

from accounts.models import Person
from core.dates import local_day, today
from core.errors import DomainError
from core.hours import format_hours
from credits import selectors as credit_selectors
from credits.models import HourRecord, RecordState, YearSummary


def _years(person: Person) -> list[int]:
    first = local_day(person.created_at).year
    earliest = (
        YearSummary.objects.filter(person=person).order_by("year").values_list("year", flat=True).first()
    )
    if earliest is not None:
        first = min(first, earliest)
    return list(range(first, max(first, today().year) + 1))


def register_of(person: Person) -> list[dict]:
    """The register of `person`, oldest year first. No scope check: callers resolve `person`
    through a scoped selector (or, on the public verification page, through a printout)."""
    records: dict[int, list[dict]] = {}
    credited = HourRecord.objects.filter(person=person, state=RecordState.CREDITED).order_by(
        "year", "completed_on", "id"
    )
    for r in credited:
        records.setdefault(r.year, []).append(
            {
                "completed_on": r.completed_on.isoformat(),
                "title": r.title,
                "organizer": r.organizer,
                "category": r.category,
                "category_label": str(r.get_category_display()),
                "method": str(r.get_method_display()),
                "source": str(r.get_source_display()),
                "hours": format_hours(r.hours),
            }
        )
    years = []
    for year in sorted(set(_years(person)) | set(records)):
        try:
            progress = credit_selectors.progress_of(person, year)
        except DomainError:
            continue  # no requirements for that year: nothing to register against
        years.append(
            {
                "year": year,
                "public": format_hours(progress.public_hours),
                "professional": format_hours(progress.professional_hours),
                "total": format_hours(progress.total_hours),
                "required": {
                    "public": format_hours(progress.required.public),
                    "professional": format_hours(progress.required.professional),
                    "total": format_hours(progress.required.total),
                },
                "compliant": progress.compliant,
                "records": records.get(year, []),
            }
        )
    return years


def digest(value) -> str:
    """SHA-256 of the canonical JSON of a register (or of one year of it)."""
    canonical = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def changed_years(printed: list[dict], current: list[dict]) -> list[int]:
    """Years whose entry differs now from the printed one, and years that have gained credited
    records since (a new year with nothing in it yet is not a change)."""
    now = {y["year"]: y for y in current}
    then = {y["year"]: y for y in printed}
    changed = [year for year, entry in then.items() if digest(now.get(year)) != digest(entry)]
    changed += [year for year, entry in now.items() if year not in then and entry["records"]]
    return sorted(changed)
