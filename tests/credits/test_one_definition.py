"""One definition each: the homes read the queue and review timeliness through credits' own
selectors, explanations read each year's policy once per list, and the API reuses policy's
requirement schema."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import RoleAssignment
from core.actors import Role
from credits import rules, selectors, services
from credits.models import Review
from filings.models import FilingState
from filings.signals import plan_accepted
from policy.models import PolicyYear
from tests import factories
from tests.credits.helpers import actor, declare, person_actor, plan_item
from web import selectors as web_selectors

pytestmark = pytest.mark.django_db
D = dt.date


def test_the_home_queue_figures_leave_out_the_reviewers_own_declarations(world, clock):
    both = factories.person(world.unit, name="身兼两职")
    RoleAssignment.objects.create(user=both.user, role=Role.UNIT, organisation=world.unit)
    declare(both)  # their own: never in their queue
    declare(world.person)
    reviewer = actor(both.user, Role.UNIT)
    figures = web_selectors.queue_figures(reviewer)
    assert figures.open == selectors.review_queue(reviewer, "pending").count() == 1
    clock.set(2026, 11, 24, 9, 0)  # both were due on 23 Nov
    figures = web_selectors.queue_figures(reviewer)
    assert figures.overdue == selectors.review_queue(reviewer, "overdue").count() == 1


def test_the_authority_home_counts_review_timeliness_by_the_declarations_year(world, clock):
    """A 2025 training declaration whose plan was accepted in January 2026 reaches the unit
    in 2026: it is 2025's review, for the home as for the timeliness page."""
    clock.set(2025, 12, 20, 10, 0)
    item = plan_item(world.base, accepted=False, year=2025, starts_on=D(2025, 12, 1))
    declaration = declare(
        world.person,
        method="training",
        plan_item_id=item.pk,
        hours=Decimal("16"),
        started_on=D(2025, 12, 1),
        ended_on=D(2025, 12, 2),
    )
    assert declaration.state == "not_recognised"
    clock.set(2026, 1, 12, 10, 0)
    item.plan.state = FilingState.ACCEPTED
    item.plan.save()
    plan_accepted.send(sender=type(item.plan), plan=item.plan)
    assert Review.objects.get(declaration=declaration).arrived_at.year == 2026

    authority = actor(world.authority_user)
    rows = {t.unit.pk: t for t in web_selectors.units_timeliness(authority, 2025)}
    assert rows[world.unit.pk].open == 1
    assert all(t.open == 0 for t in web_selectors.units_timeliness(authority, 2026))
    official = next(
        t for t in selectors.review_timeliness(authority, 2025) if t.organisation.pk == world.unit.pk
    )
    assert (official.level, official.open) == ("unit", rows[world.unit.pk].open)


def test_explanations_read_the_policy_year_once_per_list(world):
    for title in ("一", "二", "三"):
        returned = declare(world.person, title=title)
        services.review_declaration(
            actor(world.unit_user), declaration_id=returned.pk, decision="return", comment="请补充材料"
        )
    table = PolicyYear._meta.db_table
    with CaptureQueriesContext(connection) as queries:
        records = selectors.hour_records(person_actor(world.person), 2026)
    assert len(records) == 3
    assert all("请修改后于 2026年12月31日 前重新提交" in r.explanation for r in records)
    assert sum(table in q["sql"] for q in queries.captured_queries) == 1


def test_progress_answers_use_policys_requirement_schema(api):
    schema = api.get("openapi.json").json()
    components = schema["components"]["schemas"]
    assert "RequiredOut" not in components and "ShortOut" not in components
    ref = {"$ref": "#/components/schemas/Requirements"}
    assert components["ProgressOut"]["properties"]["required"] == ref
    assert components["PolicyOut"]["properties"]["requirements"] == ref


def test_one_local_day_rule_for_services_and_selectors():
    # 16:00 UTC on 31 Dec is already New Year's Day in Shanghai.
    assert rules.local_day(dt.datetime(2025, 12, 31, 16, 0, tzinfo=dt.UTC)) == D(2026, 1, 1)
    assert not hasattr(services, "_local_day") and not hasattr(selectors, "timezone_date")
