"""Loading the reference data every installation needs; idempotent, safe to run at every start."""

from django.db import transaction

from bulletins.services import load_faq
from catalogue.services import ensure_catalogue
from core.actors import SYSTEM
from organisations.services import load_base_registry, load_regions
from policy.selectors import today
from policy.services import (
    ensure_policy_year,
    load_notice_2025,
    load_profiles_and_professions,
    seed_calendar_from_package,
)


@transaction.atomic
def load_reference_data() -> dict:
    counts = {
        "regions_and_bureaus": load_regions(SYSTEM),
        "bases": load_base_registry(SYSTEM),
        "professions": load_profiles_and_professions(SYSTEM),
    }
    load_notice_2025(SYSTEM)
    for year in range(2026, today().year + 1):
        ensure_policy_year(SYSTEM, year)
    counts["catalogue_years"] = sum(ensure_catalogue(y) for y in range(2025, today().year + 1))
    counts["calendar_years"] = seed_calendar_from_package(SYSTEM)
    counts["faq"] = load_faq(SYSTEM)
    return counts
