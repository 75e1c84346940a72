"""`me/progress` checks the token and reads the progress in one prepared statement: the answer
is the one BearerAuth + selectors.progress give, for every kind of caller, and never stale."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone
from ninja.renderers import JSONRenderer

from accounts.models import ApiToken, RoleAssignment
from core.actors import Role
from credits import selectors
from credits.api.progress import _progress_out, progress_json
from tests import factories
from tests.credits.helpers import person_actor
from tests.credits.test_progress import credit

pytestmark = pytest.mark.django_db


def test_the_answer_is_the_selector_s_and_follows_each_credit_at_once(world, api_as):
    client = api_as(world.person.user)
    for hours in (3, 4.5, 2):
        credit(world.person, "public", hours)
        body = client.get("me/progress", year=2026).json()
        expected = _progress_out(selectors.progress(person_actor(world.person), 2026))
        assert body == expected.model_dump(mode="json")
    assert body["public_hours"] == 9.5


def test_a_token_that_is_not_live_answers_401(world, api_as, api):
    client = api_as(world.person.user)
    assert client.get("me/progress").status_code == 200
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    expired = client.get("me/progress")
    assert expired.status_code == 401
    assert expired.json() == {"detail": "未登录或令牌已失效，请重新获取令牌。", "errors": []}
    api.token = "not-a-token"
    assert api.get("me/progress").status_code == 401
    assert api.client.get("/api/v1/me/progress").status_code == 401  # no Authorization header


def test_a_withdrawn_role_or_a_password_to_change_ends_the_token(world, api_as):
    client = api_as(world.person.user)
    world.person.user.must_change_password = True
    world.person.user.save(update_fields=["must_change_password"])
    assert client.get("me/progress").status_code == 401
    world.person.user.must_change_password = False
    world.person.user.save(update_fields=["must_change_password"])
    assert client.get("me/progress").status_code == 200
    RoleAssignment.objects.filter(user=world.person.user, role=Role.PERSON).delete()
    assert client.get("me/progress").status_code == 401


def test_a_staff_token_is_refused_with_the_person_only_message(world, api_as):
    response = api_as(world.unit_user).get("me/progress")
    assert response.status_code == 403
    assert response.json()["detail"] == "只有专业技术人员本人可以查看。"


def test_a_year_without_requirements_names_the_field(world, api_as):
    response = api_as(world.person.user).get("me/progress", year=1999)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "year"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_on_postgresql_the_statement_is_prepared_once_per_connection(world, api_as):
    client = api_as(world.person.user)
    for _ in range(3):
        assert client.get("me/progress", year=2026).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans + custom_plans FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%accounts_apitoken%credits_yearsummary%"],
        )
        rows = cursor.fetchall()
    assert rows and rows[0][0] >= 3


def test_other_people_never_see_one_another(world, api_as):
    other = factories.person(world.unit, name="赵六")
    credit(other, "professional", 40)
    mine = api_as(world.person.user).get("me/progress", year=2026).json()
    theirs = api_as(other.user).get("me/progress", year=2026).json()
    assert mine["professional_hours"] == 0 and theirs["professional_hours"] == 40


@pytest.mark.parametrize(
    ("public", "professional", "pending", "deadline"),
    [
        ("0", "0", "0", None),
        ("12.5", "3", "4.5", dt.date(2026, 12, 31)),
        ("30", "60", "0", dt.date(2027, 1, 15)),
        ("45.5", "10.1", "0.5", dt.date(2026, 12, 31)),
    ],
)
def test_the_hand_written_answer_is_the_bytes_ninja_writes_from_the_schema(
    public, professional, pending, deadline
):
    p = selectors.Progress(
        person_id=1,
        year=2026,
        public_hours=Decimal(public),
        professional_hours=Decimal(professional),
        pending_hours=Decimal(pending),
        required=selectors.Required(total=Decimal(90), public=Decimal(30), professional=Decimal(60)),
        declaration_deadline=deadline,
    )
    by_schema = JSONRenderer().render(None, _progress_out(p).model_dump(), response_status=200)
    answer = progress_json(p)
    assert answer.content == by_schema.encode()
    assert answer["Content-Type"] == "application/json; charset=utf-8"


def test_me_progress_answers_as_the_person_s_progress_read_by_staff(world, api_as):
    credit(world.person, "professional", 7.5)
    mine = api_as(world.person.user).get("me/progress", year=2026)
    theirs = api_as(world.unit_user).get(f"persons/{world.person.pk}/progress", year=2026)
    assert mine.status_code == theirs.status_code == 200
    assert mine.content == theirs.content
    assert mine["Content-Type"] == theirs["Content-Type"]
