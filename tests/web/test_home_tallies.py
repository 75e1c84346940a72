"""The homes' aggregate figures come from the statistics' summary rows (supervision), and equal
the full scan of the staff's year summaries (credits.selectors.staff_compliance) on generated
data; the aggregates no longer read the hour records or the year summaries."""

import random
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import selectors as account_selectors
from accounts.models import Membership
from credits import selectors as credit_selectors
from policy.models import Requirement
from supervision import tally
from tests import factories
from tests.supervision.test_agreement import generated_year
from web import dashboards

pytestmark = pytest.mark.django_db

YEAR = 2026


def _scanned_units(actor) -> dict[int, tuple[int, int]]:
    return {u.unit.pk: (u.members, u.compliant) for u in credit_selectors.compliance_by_unit(actor, YEAR)}


def _scanned_categories(actor) -> tuple[int, int, int, int, int]:
    rows = list(credit_selectors.staff_compliance(actor, YEAR))
    return (
        len(rows),
        sum(r.public >= r.req_public for r in rows),
        sum(r.professional >= r.req_professional for r in rows),
        sum(r.total >= r.req_total for r in rows),
        sum(bool(r.compliant) for r in rows),
    )


def _assert_homes_equal_the_scan(world):
    bureau = factories.actor(world.bureau_user)
    home = dashboards.bureau(bureau)
    scanned = _scanned_units(bureau)
    overview = home["overview"]
    assert 0 < overview.compliant < overview.members
    assert overview.members == sum(m for m, _c in scanned.values())
    assert overview.compliant == sum(c for _m, c in scanned.values())
    by_region: dict[str, list[int]] = {}
    for unit in credit_selectors.compliance_by_unit(bureau, YEAR):
        figures = by_region.setdefault(unit.unit.region.name, [0, 0])
        figures[0] += unit.members
        figures[1] += unit.compliant
    assert {r.name: [r.members, r.compliant] for r in overview.regions} == by_region
    assert home["person_count"] == account_selectors.persons_in_scope(bureau).distinct().count()

    for user in (world.authority_user, world.other_authority_user):
        authority = factories.actor(user)
        home = dashboards.authority(authority)
        scanned = sorted(
            credit_selectors.compliance_by_unit(authority, YEAR),
            key=lambda u: (u.compliant / u.members if u.members else 1, u.unit.name),
        )[:10]
        assert [(u.unit.pk, u.members, u.compliant, u.short) for u in home["compliance"]] == [
            (u.unit.pk, u.members, u.compliant, u.short) for u in scanned
        ]

    for user in (world.unit_user, world.sibling_unit_user, world.other_unit_user):
        unit = factories.actor(user)
        home = dashboards.unit(unit)
        assert home["short_count"] == credit_selectors.staff_compliance(unit, YEAR, only_short=True).count()
        assert (
            home["confirmed_count"]
            == account_selectors.unit_members(unit, Membership.State.CONFIRMED).count()
        )
        figures = dashboards.report_selectors.completion_by_category(unit, YEAR)
        assert (
            figures.members,
            figures.public,
            figures.professional,
            figures.total,
            figures.compliant,
        ) == _scanned_categories(unit)


@pytest.mark.parametrize("seed", [1, 2])
def test_the_homes_figures_equal_the_full_scan(world, today, seed, django_capture_on_commit_callbacks):
    generated_year(world, today, random.Random(seed))
    # A lighter requirement, so that some comply and some fall short of each figure.
    with django_capture_on_commit_callbacks(execute=True):
        requirement = Requirement.objects.filter(policy_year_id=YEAR, profile__is_default=True).get()
        requirement.public_hours, requirement.professional_hours = Decimal(10), Decimal(20)
        requirement.total_hours = Decimal(40)
        requirement.save()
    today.set(2026, 11, 26, 10, 0, 0)
    assert sum(m for m, _c in _scanned_units(factories.actor(world.bureau_user)).values()) > 10
    _assert_homes_equal_the_scan(world)
    tally.compact()
    _assert_homes_equal_the_scan(world)


@pytest.mark.parametrize("role", ["bureau", "authority", "unit"])
def test_the_homes_aggregates_read_no_hour_records_nor_year_summaries(world, today, role):
    generated_year(world, today, random.Random(3))
    # Before 1 October: the unit home shows no forecast (a per-person pace over the records).
    today.set(2026, 9, 15, 10, 0, 0)
    user = {"bureau": world.bureau_user, "authority": world.authority_user, "unit": world.unit_user}[role]
    actor = factories.actor(user)
    with CaptureQueriesContext(connection) as queries:
        home = getattr(dashboards, role)(actor)
    sql = " ".join(q["sql"] for q in queries.captured_queries).lower()
    assert "credits_hourrecord" not in sql
    assert "credits_yearsummary" not in sql
    assert "supervision_standingtally" in sql
    if role == "unit":
        assert home["forecast"] is None
