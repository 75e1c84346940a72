"""Supervision: overdue reviews, batch approval, review timeliness, staff compliance, title readiness."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction

from credits import ledger, selectors, services, tasks
from credits.models import HourRecord, RecordState, Review, Source
from notifications.models import Notification
from policy.models import Method
from tests import factories
from tests.credits.helpers import actor, declare, person_actor

pytestmark = pytest.mark.django_db


def test_overdue_items_are_flagged_and_visible_to_the_level_above_and_the_bureau(world, clock, api_as):
    late = declare(world.person)  # due Mon 23 Nov
    clock.set(2026, 11, 20, 9, 0)
    fresh = declare(world.person, title="新申报")  # due Fri 27 Nov
    clock.set(2026, 11, 24, 9, 0)  # the day after the first due date
    unit = api_as(world.unit_user)
    queue = {q["id"]: q for q in unit.get("reviews", state="pending").json()}
    assert queue[late.pk]["overdue"] is True and queue[fresh.pk]["overdue"] is False
    assert [q["id"] for q in unit.get("reviews", state="overdue").json()] == [late.pk]
    for user in (world.unit_user, world.authority_user, world.bureau_user, world.county_bureau_user):
        body = api_as(user).get("reviews/overdue").json()
        assert [q["id"] for q in body["items"]] == [late.pk], user
        assert body["items"][0]["level"] == "unit"
    for user in (world.other_unit_user, world.other_authority_user, world.sibling_unit_user):
        assert api_as(user).get("reviews/overdue").json()["count"] == 0, user
    assert api_as(world.person.user).get("reviews/overdue").status_code == 403


def test_the_due_day_itself_is_not_overdue(world, clock):
    declaration = declare(world.person)
    clock.set(2026, 11, 23, 23, 59)
    review = Review.objects.get(declaration=declaration)
    assert selectors.is_overdue(review) is False
    clock.set(2026, 11, 24, 0, 0)
    assert selectors.is_overdue(review) is True


def test_the_hourly_sweep_notifies_reviewers_and_the_authority_once(world, clock):
    declare(world.person)
    assert tasks.sweep_overdue_reviews.delay().get() == 0
    clock.set(2026, 11, 24, 9, 0)
    assert tasks.sweep_overdue_reviews.delay().get() == 1
    assert Notification.objects.filter(user=world.unit_user, title__contains="超期").count() == 1
    assert Notification.objects.filter(user=world.authority_user, title__contains="超期").count() == 1
    assert not Notification.objects.filter(user=world.other_unit_user).exists()
    assert tasks.sweep_overdue_reviews.delay().get() == 0  # flagged once
    assert Notification.objects.filter(user=world.unit_user, title__contains="超期").count() == 1


def test_batch_approve_reports_each_outcome(world, api_as):
    mine = [declare(world.person, title=f"实践{i}") for i in range(3)]
    theirs = declare(world.other_person)
    unit = api_as(world.unit_user)
    body = unit.post("reviews/batch-approve", {"ids": [m.pk for m in mine] + [theirs.pk, 999999]}).json()
    assert body["approved"] == [m.pk for m in mine]
    assert {f["id"] for f in body["failed"]} == {theirs.pk, 999999}
    assert all(f["reason"] == "未找到该对象。" for f in body["failed"])
    again = unit.post("reviews/batch-approve", {"ids": [mine[0].pk]}).json()
    assert again["approved"] == [] and "不在您的审核环节" in again["failed"][0]["reason"]
    authority = api_as(world.authority_user)
    assert authority.post("reviews/batch-approve", {"ids": [m.pk for m in mine]}).json()["approved"] == [
        m.pk for m in mine
    ]
    assert api_as(world.person.user).get("me/progress").json()["professional_hours"] == 48
    assert unit.post("reviews/batch-approve", {"ids": []}).status_code == 422
    assert api_as(world.bureau_user).post("reviews/batch-approve", {"ids": [mine[0].pk]}).status_code == 403


def test_review_timeliness_counts_on_time_late_open_and_overdue(world, clock, api_as):
    on_time = declare(world.person, title="准时")
    late = declare(world.person, title="超期后审核")
    still_open = declare(world.person, title="仍未审核")
    clock.set(2026, 11, 23, 17, 0)  # the due day
    services.review_declaration(actor(world.unit_user), declaration_id=on_time.pk, decision="approve")
    clock.set(2026, 11, 25, 9, 0)
    services.review_declaration(
        actor(world.unit_user), declaration_id=late.pk, decision="reject", comment="不符合"
    )
    rows = api_as(world.authority_user).get("reviews/timeliness", year=2026).json()
    unit_row = next(r for r in rows if r["organisation_id"] == world.unit.pk)
    assert unit_row == {
        "organisation_id": world.unit.pk,
        "organisation": world.unit.name,
        "level": "unit",
        "decided": 2,
        "on_time": 1,
        "late": 1,
        "open": 1,
        "overdue": 1,
        "on_time_rate": 0.5,
    }
    authority_row = next(r for r in rows if r["organisation_id"] == world.authority.pk)
    assert authority_row["open"] == 1 and authority_row["overdue"] == 0
    assert still_open.pk
    assert all(r["organisation_id"] != world.other_unit.pk for r in rows)
    other = api_as(world.other_authority_user).get("reviews/timeliness", year=2026).json()
    assert other == []


def _credit(person, public, professional, year=2026):
    with transaction.atomic():
        ledger.add_records(
            [
                HourRecord(
                    person=person,
                    year=year,
                    category=category,
                    method=Method.ONLINE,
                    hours=Decimal(str(hours)),
                    source=Source.PLATFORM,
                    state=RecordState.CREDITED,
                    title="课程",
                    completed_on=dt.date(year, 5, 1),
                )
                for category, hours in (("public", public), ("professional", professional))
                if hours
            ]
        )


def test_staff_compliance_says_who_is_short_of_what(world, api_as):
    done = factories.person(world.unit, name="达标者")
    _credit(done, 30, 60)
    _credit(world.person, 45, 45)
    pending_link = factories.person(world.unit, confirmed=False, name="未确认")
    _credit(pending_link, 0, 10)
    rows = api_as(world.unit_user).get("compliance", year=2026).json()
    assert rows["count"] == 2  # confirmed members only
    by_name = {r["name"]: r for r in rows["items"]}
    assert by_name["达标者"]["compliant"] is True
    zhang = by_name["张三"]
    assert zhang["compliant"] is False and zhang["short"] == {"total": 0, "public": 0, "professional": 15}
    assert zhang["id_number"] == world.person.id_number_masked
    short = api_as(world.unit_user).get("compliance", year=2026, short=True).json()
    assert [r["name"] for r in short["items"]] == ["张三"]
    units = {u["unit_id"]: u for u in api_as(world.authority_user).get("compliance/units", year=2026).json()}
    assert units[world.unit.pk]["members"] == 2 and units[world.unit.pk]["compliant"] == 1
    assert world.sibling_unit.pk in units and world.other_unit.pk not in units
    assert api_as(world.other_unit_user).get("compliance", unit_id=world.unit.pk).status_code == 404
    assert api_as(world.person.user).get("compliance").status_code == 403
    city = api_as(world.bureau_user).get("compliance", year=2026).json()
    assert city["count"] == 3  # 张三, 达标者, 李四


def test_title_readiness_needs_finished_reviews_and_each_year_met(world, api_as, clock):
    _credit(world.person, 30, 50, year=2025)
    _credit(world.person, 30, 60, year=2026)
    url = f"persons/{world.person.pk}/title-readiness"
    unit = api_as(world.unit_user)
    body = unit.get(url, on="2026-11-16", years="2026").json()
    assert body["ready"] is True and body["reviews_finished"] is True and body["requirements_met"] is True
    open_one = declare(world.person)
    declare(world.person, submit=False, title="草稿")
    body = unit.get(url, on="2026-11-16", years="2026").json()
    assert body["ready"] is False and body["reviews_finished"] is False
    assert [d["id"] for d in body["unfinished"]] == [open_one.pk]
    assert len(body["drafts"]) == 1
    services.review_declaration(actor(world.unit_user), declaration_id=open_one.pk, decision="approve")
    services.review_declaration(actor(world.authority_user), declaration_id=open_one.pk, decision="approve")
    body = unit.get(url, on="2026-11-16", years="2025,2026").json()
    assert body["reviews_finished"] is True and body["requirements_met"] is False  # 2025 was short
    assert [y["compliant"] for y in body["years"]] == [False, True]
    mine = api_as(world.person.user).get("me/title-readiness", years="2026").json()
    assert mine["ready"] is True
    assert unit.get(url, years="20x5").status_code == 422
    response = unit.get(url, years="2019")  # no policy for that year
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "year"
    assert api_as(world.other_unit_user).get(url).status_code == 404


def test_the_openapi_document_lists_the_credit_paths(api):
    paths = api.get("openapi.json").json()["paths"]
    for path in (
        "/api/v1/me/progress",
        "/api/v1/me/hours",
        "/api/v1/declarations",
        "/api/v1/declarations/{declaration_id}",
        "/api/v1/declarations/{declaration_id}/evidence",
        "/api/v1/declarations/{declaration_id}/submit",
        "/api/v1/declarations/{declaration_id}/review",
        "/api/v1/reviews",
        "/api/v1/reviews/batch-approve",
        "/api/v1/reviews/overdue",
        "/api/v1/platform/completions",
        "/api/v1/persons/{person_id}/title-readiness",
        "/api/v1/compliance",
    ):
        assert path in paths, path


def test_hour_records_explain_themselves(world, clock):
    _credit(world.person, 10, 0)
    pending = declare(world.person, title="待审")
    rejected = declare(world.person, title="驳回")
    services.review_declaration(
        actor(world.unit_user), declaration_id=rejected.pk, decision="reject", comment="证明材料不清晰"
    )
    explained = {r.title: r.explanation for r in selectors.hour_records(person_actor(world.person), 2026)}
    assert "学习入口自动计入" in explained["课程"]
    assert explained["待审"].startswith("审核中，尚未计入：等待用人单位审核")
    assert explained["驳回"] == "用人单位审核不通过：证明材料不清晰"
    assert pending.pk
