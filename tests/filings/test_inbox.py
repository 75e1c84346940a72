"""The inbox pages in the database: plans and platform filings merged in the order they were
submitted, counted and sliced by the database — only one page of filings is ever loaded."""

import datetime as dt

import pytest
from django.db.models.signals import post_init
from django.test import Client
from django.urls import reverse

from core.dates import SHANGHAI
from filings import selectors, services
from filings.models import PlatformFiling, TrainingPlan
from tests import factories
from tests.factories import plan_data, plan_input, plan_item_data, platform_data, platform_input

pytestmark = pytest.mark.django_db


@pytest.fixture
def twelve(world):
    """Seven plans and five platform filings of the world's authority (its own filings go straight
    to the bureau), submitted a minute apart and interleaved; returns [(kind, id)] in that order."""
    actor = factories.actor(world.authority_user)
    start = dt.datetime(2025, 9, 1, 9, 0, tzinfo=SHANGHAI)
    kinds = ["plan", "platform"] * 5 + ["plan", "plan"]
    expected = []
    for n, kind in enumerate(kinds):
        now = start + dt.timedelta(minutes=n)
        if kind == "plan":
            plan = services.create_plan(actor, plan=plan_input(plan_data(), [plan_item_data()]))
            expected.append(("plan", services.submit_plan(actor, plan_id=plan.pk, now=now).pk))
        else:
            filing = services.create_platform_filing(
                actor,
                filing=platform_input(
                    platform_data(
                        site_name=f"平台{n}", domain=f"p{n}.example.cn", url=f"https://p{n}.example.cn/"
                    )
                ),
            )
            expected.append(
                ("platform", services.submit_platform_filing(actor, filing_id=filing.pk, now=now).pk)
            )
    return expected


class Instances:
    """Counts the filings Django builds from rows while the block runs."""

    def __init__(self):
        self.count = 0

    def __call__(self, sender, **kwargs):
        self.count += 1

    def __enter__(self):
        for model in (TrainingPlan, PlatformFiling):
            post_init.connect(self, sender=model)
        return self

    def __exit__(self, *exc):
        for model in (TrainingPlan, PlatformFiling):
            post_init.disconnect(self, sender=model)


def test_api_inbox_loads_only_the_page(world, twelve, api_as):
    bureau = api_as(world.bureau_user)
    seen = []
    for page in (1, 2, 3):
        with Instances() as built:
            body = bureau.get("filings/inbox", page=page, page_size=5).json()
        assert body["count"] == 12
        assert built.count <= 5, built.count  # not all twelve
        seen += [(row["kind"], row["id"]) for row in body["items"]]
    assert seen == twelve  # submitted order across both kinds, nothing lost or repeated
    only_platforms = bureau.get("filings/inbox", kind="platform", page_size=2, page=2).json()
    assert only_platforms["count"] == 5
    assert [(r["kind"], r["id"]) for r in only_platforms["items"]] == [
        k for k in twelve if k[0] == "platform"
    ][2:4]
    first = bureau.get("filings/inbox", page_size=1).json()["items"][0]
    assert (
        first["filer"]["name"] == "测试住建局"
        and first["title"] == "2025年度培训计划"
        and first["late"] is False
    )


def test_web_inbox_pages_in_the_database(world, twelve):
    client = Client()
    client.force_login(world.bureau_user)
    with Instances() as built:
        html = client.get(reverse("filings:inbox"), {"page": 1}).content.decode()
    assert "共 12 条" in html
    assert built.count <= 25
    rows = selectors.inbox(factories.actor(world.bureau_user))
    assert rows.count() == 12 and len(rows) == 12
    assert [(r.kind, r.filing.pk) for r in rows[10:12]] == twelve[10:12]
    assert [r.title for r in rows[1:2]] == ["平台1"]
