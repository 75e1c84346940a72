"""Loading the reference data every installation needs; idempotent, safe to run at every start."""

from django.conf import settings
from django.db import transaction

from bulletins.services import load_faq
from catalogue.services import ensure_catalogue
from core.actors import SYSTEM
from organisations.services import load_base_registry, load_province, load_regions
from policy.selectors import today
from policy.services import (
    ensure_policy_year,
    load_notice_2025,
    load_profiles_and_professions,
    seed_calendar_from_package,
)


@transaction.atomic
def load_reference_data(province: str | None = None) -> dict:
    """The regions of Sanmenxia (data/regions.json) and, with `province` (or the setting
    `CE_PROVINCE`), every current city and county of that province with their bureaus."""
    province = province if province is not None else settings.CE_PROVINCE
    counts = {"regions_and_bureaus": load_regions(SYSTEM)}
    if province:
        counts["province_regions_and_bureaus"] = load_province(SYSTEM, key=province)
    counts["bases"] = load_base_registry(SYSTEM)
    counts["professions"] = load_profiles_and_professions(SYSTEM)
    load_notice_2025(SYSTEM)
    for year in range(2026, today().year + 1):
        ensure_policy_year(SYSTEM, year=year)
    counts["catalogue_years"] = sum(ensure_catalogue(y) for y in range(2025, today().year + 1))
    counts["calendar_years"] = seed_calendar_from_package(SYSTEM)
    counts["faq"] = load_faq(SYSTEM)
    return counts
