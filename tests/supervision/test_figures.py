"""Each figure against the hand-counted scenario (tests/supervision/scenario.py)."""

from decimal import Decimal

import pytest

from supervision import selectors
from tests import factories
from tests.supervision import scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(world, today):
    return scenario.build(world, today)


def rows(stat, table=None):
    t = stat.table(table) if table else stat.tables[0]
    return {r.label: r.values for r in t.rows}


def test_completion_by_region_counts_registered_confirmed_compliant_and_short(world, year):
    stat = selectors.completion(factories.actor(world.bureau_user), 2026, by="region")
    by = rows(stat)
    hubin = by["湖滨区"]
    assert (hubin["registered"], hubin["confirmed"], hubin["compliant"], hubin["short"]) == (4, 3, 1, 2)
    assert (hubin["short_public"], hubin["short_professional"], hubin["short_total"]) == (2, 2, 2)
    assert (hubin["lack_public"], hubin["lack_professional"], hubin["lack_total"]) == (50, 120, 170)
    assert (hubin["public_hours"], hubin["professional_hours"]) == (40, 64)
    assert hubin["rate"] == pytest.approx(33.3)
    other = next(v for k, v in by.items() if k != "湖滨区")
    assert (other["confirmed"], other["compliant"], other["short_professional"], other["lack_total"]) == (
        1,
        0,
        1,
        60,
    )
    totals = stat.tables[0].totals
    assert (totals["registered"], totals["confirmed"], totals["compliant"], totals["short"]) == (5, 4, 1, 3)


def test_completion_by_authority_unit_and_profession(world, year):
    bureau = factories.actor(world.bureau_user)
    by_authority = rows(selectors.completion(bureau, 2026, by="authority"))
    assert (by_authority["测试住建局"]["confirmed"], by_authority["测试住建局"]["compliant"]) == (3, 1)
    assert by_authority["测试卫健委"]["confirmed"] == 1
    by_unit = rows(selectors.completion(bureau, 2026, by="unit"))
    assert by_unit["测试设计院"]["registered"] == 3
    assert by_unit["测试设计院"]["confirmed"] == 2
    assert by_unit["测试医院"]["lack_total"] == 90
    by_profession = rows(selectors.completion(bureau, 2026, by="profession"))
    assert sum(v["confirmed"] for v in by_profession.values()) == 4


def test_hours_by_source_method_and_month(world, year):
    stat = selectors.hours(factories.actor(world.bureau_user), 2026)
    source = {r.key: r.values for r in stat.table("by_source").rows}
    assert (source["platform"]["records"], source["platform"]["public"]) == (3, 70)
    assert (source["attendance"]["records"], source["attendance"]["professional"]) == (1, 24)
    assert (source["declaration"]["records"], source["declaration"]["professional"]) == (1, 40)
    month = {int(r.key): r.values["hours"] for r in stat.table("by_month").rows}
    assert (month[3], month[6], month[11]) == (60, 24, 50)
    assert sum(month.values()) == 134
    method = {r.key: r.values["hours"] for r in stat.table("by_method").rows}
    assert (method["training"], method["practice"]) == (24, 40)
    assert sum(method.values()) == 134


def test_review_timeliness_median_share_within_limit_and_overdue_now(world, year):
    stat = selectors.reviews(factories.actor(world.bureau_user), 2026)
    level = {r.key: r.values for r in stat.table("by_level").rows}
    assert (level["unit"]["decided"], level["unit"]["median_days"], level["unit"]["on_time"]) == (2, 1.0, 2)
    assert (level["unit"]["open"], level["unit"]["overdue"]) == (1, 1)
    authority = level["authority"]
    assert (
        authority["decided"],
        authority["median_days"],
        authority["on_time"],
        authority["on_time_rate"],
    ) == (
        1,
        6.0,
        0,
        0,
    )
    orgs = rows(stat, "by_organisation")
    assert orgs["测试设计院"]["overdue"] == 1
    assert orgs["测试住建局"]["median_days"] == 6.0
    dist = {r.key: r.values["decided"] for r in stat.table("distribution").rows}
    assert (dist["0"], dist["2"], dist["6"]) == (1, 1, 1)


def test_filings_and_plan_versus_actual(world, year):
    bureau = factories.actor(world.bureau_user)
    filings = selectors.filings(bureau, 2026)
    plan = {r.key: r.values for r in filings.table("by_kind").rows}["plan"]
    assert (plan["filed"], plan["accepted"], plan["late"]) == (1, 1, 0)
    missing = {r.label for r in filings.table("missing").rows}
    assert {"测试设计院", "测试市政公司", "测试医院"} <= missing
    assert world.base.name not in missing
    plans = selectors.plans(bureau, 2026).tables[0].rows
    assert [
        (r.values["classes"], r.values["planned_hours"], r.values["attendance"], r.values["credited_hours"])
        for r in plans
    ] == [(1, Decimal(24), 1, Decimal(24))]


def test_a_revocation_by_audit_sampling_moves_the_figures(world, year):
    from sampling import services as sampling_services

    authority = factories.actor(world.authority_user)
    sample = sampling_services.draw_sample(
        authority, draw=sampling_services.DrawInput(year=2026, count=1, seed=7)
    )
    item = sample.items.get()
    assert item.declaration_id == year.approved.pk
    sampling_services.decide(
        authority, sample_id=sample.pk, item_id=item.pk, outcome="revoked", reason="原件与申报不符"
    )
    bureau = factories.actor(world.bureau_user)
    assert rows(selectors.completion(bureau, 2026))["湖滨区"]["compliant"] == 0
    source = {r.key: r.values for r in selectors.hours(bureau, 2026).table("by_source").rows}
    assert source["declaration"]["records"] == 0
    sampled = selectors.sampling(bureau, 2026)
    assert sampled.table("by_sample").totals == {
        "sampled": 1,
        "confirmed": 0,
        "revoked": 1,
        "pending": 0,
        "revocation_rate": 100.0,
    }
