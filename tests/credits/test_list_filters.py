"""The review queue's and the compliance list's filters are parsed once (credits.selectors):
the page and the API narrow alike, and a bad value is named in Chinese."""

import pytest
from django.test import Client

from credits.selectors import ComplianceFilter, ReviewQueueFilter
from tests import factories
from tests.credits.helpers import declare
from tests.credits.test_progress import credit

pytestmark = pytest.mark.django_db


def _page(user, path, params):
    client = Client()
    client.force_login(user)
    return client.get(path, params).context["page"]


@pytest.mark.parametrize(
    ("params", "n"),
    [
        ({}, 3),
        ({"q": "讲座"}, 2),
        ({"method": "practice", "q": "桥梁"}, 1),
        ({"category": "public"}, 0),
        ({"state": "all", "category": "professional"}, 3),
    ],
)
def test_the_api_queue_matches_the_page_for_the_same_filters(world, api_as, params, n):
    for title in ("网络安全讲座", "数据治理讲座"):
        declare(world.person, title=title, method="online", hours="1", started_on="2026-11-02")
    declare(world.person, title="桥梁检测实践")
    page = _page(world.unit_user, "/hours/reviews/", params)
    api = api_as(world.unit_user).get("reviews", **params).json()
    assert [r["id"] for r in api] == [review.declaration_id for review in page] and len(api) == n


def test_the_api_compliance_list_matches_the_page_for_the_same_filters(world, api_as):
    done = factories.person(world.unit, name="王达标")
    credit(done, "public", 30)
    credit(done, "professional", 60)
    factories.person(world.unit, name="王未达")
    for page_params, api_params in (
        ({"year": 2026}, {"year": 2026}),
        ({"year": 2026, "q": "王"}, {"year": 2026, "q": "王"}),
        ({"year": 2026, "q": "王", "short": "1"}, {"year": 2026, "q": "王", "short": True}),
    ):
        page = _page(world.unit_user, "/hours/compliance/", page_params)
        api = api_as(world.unit_user).get("compliance", **api_params).json()["items"]
        assert [r["person_id"] for r in api] == [m.person_id for m in page] and api


def test_a_bad_filter_value_is_named_by_the_api_and_on_the_page_left_out(world, api_as):
    client = api_as(world.unit_user)
    for path, params, field in (
        ("reviews", {"state": "soon"}, "state"),
        ("reviews", {"category": "art"}, "category"),
        ("reviews", {"year": "next"}, "year"),
        ("compliance", {"unit_id": "x"}, "unit_id"),
        ("compliance", {"short": "maybe"}, "short"),
    ):
        answer = client.get(path, **params)
        assert answer.status_code == 422, (path, params)
        assert [e["field"] for e in answer.json()["errors"]] == [field]
    assert client.get("reviews", state="soon").json()["errors"][0]["message"] == (
        "状态：应为 pending、overdue、decided 或 all。"
    )
    lenient = ReviewQueueFilter.from_query({"state": "soon", "category": "art", "overdue": "1"})
    assert lenient == ReviewQueueFilter(state="overdue")
    page = ComplianceFilter.from_query({"year": "1900", "unit": "x", "short": "1", "q": " 王 "})
    assert (page.unit_id, page.only_short, page.q) == (None, True, "王") and page.year == 2026
