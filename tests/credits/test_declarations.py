"""Declarations (学时申报): drafting, the year's deadline, submission, the review path, returns."""

import datetime as dt
from decimal import Decimal

import pytest

from accounts.models import Membership
from audit.models import AuditEntry
from core import errors
from credits import ledger, selectors, services
from credits.models import Declaration, HourRecord, RecordState, Review
from notifications.models import Notification
from organisations.models import Organisation
from tests import factories
from tests.credits.helpers import PDF, actor, declare, pdf_file, person_actor

pytestmark = pytest.mark.django_db

BODY = {
    "category": "professional",
    "method": "practice",
    "title": "桥梁检测实践",
    "organizer": "三门峡市建筑设计研究院",
    "hours": 16,
    "started_on": "2026-11-02",
    "ended_on": "2026-11-03",
}


@pytest.fixture
def person_api(api_as, world):
    return api_as(world.person.user)


def _draft(client, **changes):
    response = client.post("declarations", {**BODY, **changes})
    assert response.status_code == 201, response.json()
    return response.json()


def _attach(client, declaration_id, data=PDF, name="证明.pdf"):
    return client.upload(f"declarations/{declaration_id}/evidence", {"file": pdf_file(name, data)})


def test_draft_attach_submit_through_the_api(person_api, world):
    body = _draft(person_api)
    assert body["state"] == "draft" and body["year"] == 2026 and body["hours"] == 16
    assert body["person"] == f"张三（{world.person.id_number_masked}）"
    assert _attach(person_api, body["id"]).status_code == 201
    response = person_api.post(f"declarations/{body['id']}/submit")
    assert response.status_code == 200, response.json()
    submitted = response.json()
    # Submitted Monday 16 Nov 2026: the 5th working day after is Monday 23 Nov.
    assert submitted["state"] == "pending_unit"
    assert submitted["due_on"] == "2026-11-23"
    assert submitted["unit"] == world.unit.name and submitted["authority"] == world.authority.name
    progress = person_api.get("me/progress", year=2026).json()
    assert progress["pending_hours"] == 16 and progress["professional_hours"] == 0
    hours = person_api.get("me/hours", year=2026).json()
    assert (
        hours[0]["state"] == "pending" and "等待用人单位审核，审核期限 2026-11-23" in hours[0]["explanation"]
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"category": "general"}, "category"),
        ({"method": "reading"}, "method"),
        ({"title": "  "}, "title"),
        ({"organizer": ""}, "organizer"),
        ({"hours": 0}, "hours"),
        ({"hours": -3}, "hours"),
        ({"hours": 12.25}, "hours"),
        ({"hours": 24.5}, "hours"),  # 2 days × 12 hours at most
        ({"started_on": "2026-11-04"}, "started_on"),
        ({"ended_on": "2026-11-17"}, "ended_on"),  # tomorrow
        ({"ended_on": "2026-13-01"}, "ended_on"),
        ({"plan_item_id": 1}, "plan_item_id"),  # a plan item only for training
    ],
)
def test_bad_drafts_name_the_field_in_chinese(person_api, changes, field):
    response = person_api.post("declarations", {**BODY, **changes})
    assert response.status_code == 422
    body = response.json()
    assert field in [e["field"] for e in body["errors"]]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["detail"])
    assert not Declaration.objects.exists()


def test_hours_at_the_daily_ceiling_are_accepted(person_api):
    assert _draft(person_api, hours=24)["hours"] == 24
    assert _draft(person_api, hours=12, started_on="2026-11-03")["hours"] == 12


def test_one_day_over_the_ceiling_is_refused(person_api):
    response = person_api.post("declarations", {**BODY, "hours": 12.5, "started_on": "2026-11-03"})
    assert response.status_code == 422
    assert "每日不超过 12 学时" in response.json()["errors"][0]["message"]


def test_only_a_person_declares(api_as, world):
    response = api_as(world.unit_user).post("declarations", BODY)
    assert response.status_code == 403


# --- the deadline: 31 Dec 23:59:59 in Shanghai -------------------------------------------------


def test_the_deadline_holds_until_235959_shanghai_and_not_a_second_longer(clock, world):
    clock.set(2025, 12, 31, 23, 59, 59)
    declaration = declare(
        world.person, submit=False, started_on=dt.date(2025, 12, 30), ended_on=dt.date(2025, 12, 31)
    )
    assert declaration.year == 2025
    services.update_declaration(
        person_actor(world.person),
        declaration_id=declaration.pk,
        change=services.DeclarationChange(title="年末实践"),
    )
    submitted = services.submit_declaration(person_actor(world.person), declaration_id=declaration.pk)
    assert submitted.state == "pending_unit"

    clock.set(2026, 1, 1, 0, 0, 0)
    with pytest.raises(errors.DomainError) as exc:
        declare(world.person, submit=False, started_on=dt.date(2025, 12, 30), ended_on=dt.date(2025, 12, 31))
    assert exc.value.errors[0]["field"] == "ended_on"
    assert exc.value.errors[0]["message"] == (
        "2025 年度学时申报已于 2025年12月31日 截止，学时不得结转或顺延至下一年度。"
    )


def test_a_draft_cannot_be_submitted_or_edited_after_the_deadline(clock, world, api_as):
    clock.set(2025, 12, 31, 12, 0)
    draft = declare(
        world.person, submit=False, started_on=dt.date(2025, 12, 1), ended_on=dt.date(2025, 12, 2)
    )
    clock.set(2026, 1, 1, 0, 0, 0)
    client = api_as(world.person.user)
    response = client.post(f"declarations/{draft.pk}/submit")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "ended_on"
    assert "截止" in response.json()["detail"]
    response = client.client.patch(
        f"/api/v1/declarations/{draft.pk}",
        {"title": "改"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {client.token}",
    )
    assert response.status_code == 422
    assert Declaration.objects.get(pk=draft.pk).state == "draft"
    # Shanghai is UTC+8: 2025-12-31 16:00 UTC is already 2026-01-01 00:00 there.
    assert clock.now.astimezone(dt.UTC).hour == 16


def test_a_returned_declaration_of_a_closed_year_explains_why_it_no_longer_counts(clock, world):
    clock.set(2025, 12, 30, 9, 0)
    declaration = declare(world.person, started_on=dt.date(2025, 12, 1), ended_on=dt.date(2025, 12, 2))
    services.review_declaration(
        actor(world.unit_user), declaration_id=declaration.pk, decision="return", comment="请补充盖章材料"
    )
    clock.set(2026, 1, 5, 9, 0)
    record = selectors.hour_records(person_actor(world.person), 2025)[0]
    assert record.state == RecordState.RETURNED
    assert "请补充盖章材料" in record.explanation and "2025 年度已截止" in record.explanation
    with pytest.raises(errors.DomainError):
        services.submit_declaration(person_actor(world.person), declaration_id=declaration.pk)


# --- submission needs a confirmed unit and a supervising authority --------------------------------


def test_a_pending_unit_link_refuses_submission(world, api_as):
    pending = factories.person(world.unit, confirmed=False, name="新注册")
    declaration = declare(pending, submit=False)
    response = api_as(pending.user).post(f"declarations/{declaration.pk}/submit")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "unit"
    assert "尚待单位确认" in response.json()["detail"]
    assert Declaration.objects.get(pk=declaration.pk).state == "draft"


def test_a_unit_without_supervising_authority_refuses_submission(world):
    orphan = factories.organisation(Organisation.Kind.UNIT, "无主管单位")
    someone = factories.person(orphan)
    declaration = declare(someone, submit=False)
    with pytest.raises(errors.DomainError) as exc:
        services.submit_declaration(person_actor(someone), declaration_id=declaration.pk)
    assert exc.value.errors[0]["field"] == "unit"
    assert "尚未设置行业主管部门" in exc.value.detail


def test_submission_needs_evidence(world):
    declaration = declare(world.person, submit=False, evidence=False)
    with pytest.raises(errors.DomainError) as exc:
        services.submit_declaration(person_actor(world.person), declaration_id=declaration.pk)
    assert exc.value.errors[0]["field"] == "evidence"


def test_submitting_twice_is_refused(world):
    declaration = declare(world.person)
    with pytest.raises(errors.Conflict):
        services.submit_declaration(person_actor(world.person), declaration_id=declaration.pk)
    assert Review.objects.filter(declaration=declaration).count() == 1


# --- the review path ---------------------------------------------------------------------------


def test_unit_then_authority_approval_credits_the_hours(world, api_as, clock):
    declaration = declare(world.person)
    unit = api_as(world.unit_user)
    queue = unit.get("reviews", state="pending").json()
    assert [q["id"] for q in queue] == [declaration.pk]
    assert queue[0]["person"] == f"张三（{world.person.id_number_masked}）"
    assert queue[0]["due_on"] == "2026-11-23" and queue[0]["overdue"] is False
    assert world.person.reveal_id_number() not in str(queue)

    clock.set(2026, 11, 18, 15, 0)  # Wednesday (tokens are re-issued: they last 12 hours)
    unit = api_as(world.unit_user)
    response = unit.post(f"declarations/{declaration.pk}/review", {"decision": "approve", "comment": "属实"})
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "pending_authority"
    assert response.json()["due_on"] == "2026-11-25"  # 5 working days after Wednesday 18 Nov
    assert unit.get("reviews", state="pending").json() == []

    authority = api_as(world.authority_user)
    assert [q["id"] for q in authority.get("reviews").json()] == [declaration.pk]
    response = authority.post(f"declarations/{declaration.pk}/review", {"decision": "approve"})
    assert response.json()["state"] == "approved"
    progress = api_as(world.person.user).get("me/progress", year=2026).json()
    assert progress["professional_hours"] == 16 and progress["pending_hours"] == 0
    record = HourRecord.objects.get(declaration=declaration)
    assert record.state == RecordState.CREDITED
    assert Notification.objects.filter(user=world.person.user, title__contains="已通过").exists()
    actions = list(
        AuditEntry.objects.filter(target_type="credits.declaration", target_id=str(declaration.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "declaration.created",
        "declaration.submitted",
        "declaration.review.approve",
        "declaration.review.approve",
    ]
    assert ledger.summary_mismatches() == []


def test_the_authority_cannot_decide_before_the_unit(world):
    declaration = declare(world.person)
    with pytest.raises(errors.Conflict):
        services.review_declaration(
            actor(world.authority_user), declaration_id=declaration.pk, decision="approve"
        )


def test_reject_needs_a_comment_and_tells_the_person(world, api_as):
    declaration = declare(world.person)
    unit = api_as(world.unit_user)
    response = unit.post(f"declarations/{declaration.pk}/review", {"decision": "reject", "comment": " "})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "comment"
    assert Declaration.objects.get(pk=declaration.pk).state == "pending_unit"
    response = unit.post(
        f"declarations/{declaration.pk}/review", {"decision": "reject", "comment": "材料不符"}
    )
    assert response.json()["state"] == "rejected"
    hours = api_as(world.person.user).get("me/hours", year=2026).json()
    assert (
        hours[0]["state"] == "rejected" and "材料不符" in hours[0]["explanation"] and not hours[0]["counted"]
    )
    assert Notification.objects.filter(user=world.person.user, title__contains="未通过").exists()


def test_a_bad_decision_names_the_field(world, api_as):
    declaration = declare(world.person)
    response = api_as(world.unit_user).post(f"declarations/{declaration.pk}/review", {"decision": "maybe"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "decision"


@pytest.mark.parametrize("decision", ["reject", "return"])
def test_rejecting_or_returning_needs_a_comment_and_changes_nothing_without_one(world, decision):
    declaration = declare(world.person)
    with pytest.raises(errors.DomainError) as refused:
        services.review_declaration(
            actor(world.unit_user), declaration_id=declaration.pk, decision=decision, comment="  "
        )
    assert refused.value.errors[0]["field"] == "comment" and "审核意见" in str(refused.value)
    declaration.refresh_from_db()
    assert declaration.state == "pending_unit"
    assert Review.objects.get(declaration=declaration).decided_at is None
    assert not AuditEntry.objects.filter(action=f"declaration.review.{decision}").exists()


def test_returned_edited_and_resubmitted_starts_a_fresh_clock(world, api_as, clock):
    declaration = declare(world.person)
    first_review = Review.objects.get(declaration=declaration)
    clock.set(2026, 11, 17, 9, 0)
    services.review_declaration(
        actor(world.unit_user), declaration_id=declaration.pk, decision="return", comment="学时与证明不符"
    )
    person = api_as(world.person.user)
    body = person.get(f"declarations/{declaration.pk}").json()
    assert body["state"] == "returned" and body["editable"] is True and "学时与证明不符" in body["reason"]
    assert person.get("me/progress", year=2026).json()["pending_hours"] == 0
    assert Notification.objects.filter(user=world.person.user, title__contains="退回").exists()

    clock.set(2026, 11, 19, 14, 0)  # Thursday
    person = api_as(world.person.user)
    response = person.client.patch(
        f"/api/v1/declarations/{declaration.pk}",
        {"hours": 12},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {person.token}",
    )
    assert response.status_code == 200 and response.json()["hours"] == 12
    response = person.post(f"declarations/{declaration.pk}/submit")
    assert response.json()["state"] == "pending_unit"
    assert response.json()["due_on"] == "2026-11-26"  # 5 working days after Thursday 19 Nov
    reviews = list(Review.objects.filter(declaration=declaration).order_by("id"))
    assert len(reviews) == 2 and reviews[0] == first_review and reviews[0].decision == "return"
    assert reviews[1].decided_at is None
    assert person.get("me/progress", year=2026).json()["pending_hours"] == 12
    assert HourRecord.objects.filter(declaration=declaration).count() == 1  # one record, moved
    services.review_declaration(actor(world.unit_user), declaration_id=declaration.pk, decision="approve")
    services.review_declaration(
        actor(world.authority_user), declaration_id=declaration.pk, decision="approve"
    )
    assert person.get("me/progress", year=2026).json()["professional_hours"] == 12
    assert ledger.summary_mismatches() == []


def test_a_submitted_declaration_cannot_be_edited(world):
    declaration = declare(world.person)
    with pytest.raises(errors.Conflict):
        services.update_declaration(
            person_actor(world.person),
            declaration_id=declaration.pk,
            change=services.DeclarationChange(hours=1),
        )


def test_editing_a_returned_declaration_into_another_year_moves_its_hours(world, clock):
    declaration = declare(world.person)
    services.review_declaration(
        actor(world.unit_user), declaration_id=declaration.pk, decision="return", comment="日期有误"
    )
    services.update_declaration(
        person_actor(world.person),
        declaration_id=declaration.pk,
        change=services.DeclarationChange(started_on=dt.date(2026, 1, 5), ended_on=dt.date(2026, 1, 6)),
    )
    services.submit_declaration(person_actor(world.person), declaration_id=declaration.pk)
    assert HourRecord.objects.get(declaration=declaration).completed_on == dt.date(2026, 1, 6)
    assert ledger.summary_mismatches() == []


def test_drafts_can_be_deleted_but_not_submitted_ones(world, api_as):
    person = api_as(world.person.user)
    draft = declare(world.person, submit=False)
    assert (
        person.client.delete(
            f"/api/v1/declarations/{draft.pk}", HTTP_AUTHORIZATION=f"Bearer {person.token}"
        ).status_code
        == 204
    )
    assert not Declaration.objects.filter(pk=draft.pk).exists()
    submitted = declare(world.person)
    response = person.client.delete(
        f"/api/v1/declarations/{submitted.pk}", HTTP_AUTHORIZATION=f"Bearer {person.token}"
    )
    assert response.status_code == 409


def test_declaration_list_is_paginated_and_scoped(world, api_as):
    for _ in range(3):
        declare(world.person)
    declare(world.other_person)
    body = api_as(world.person.user).get("declarations", limit=2).json()
    assert body["count"] == 3 and len(body["items"]) == 2
    assert api_as(world.unit_user).get("declarations").json()["count"] == 3
    assert api_as(world.other_unit_user).get("declarations").json()["count"] == 1


def test_a_membership_change_after_submission_keeps_the_review_where_it_was(world):
    declaration = declare(world.person)
    Membership.objects.filter(person=world.person).update(state=Membership.State.ENDED)
    services.review_declaration(actor(world.unit_user), declaration_id=declaration.pk, decision="approve")
    assert Declaration.objects.get(pk=declaration.pk).state == "pending_authority"


def test_hours_with_one_decimal_survive_the_round_trip(world):
    declaration = declare(world.person, hours=Decimal("7.5"))
    assert HourRecord.objects.get(declaration=declaration).hours == Decimal("7.5")
