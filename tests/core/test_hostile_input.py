"""Every input path is total: whatever arrives — numbers of any size, control characters, lone
surrogates, an oversized body — the answer is a field message in the §5 format, never a 500."""

import json
import logging

import pytest
from django.test import Client

from accounts.models import Person
from credits.models import HourRecord, PlatformCompletion
from tests import factories
from tests.credits.helpers import platform_token

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"  # above 2**63


def _error(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"detail", "errors"} and body["detail"]
    assert response["X-Request-ID"]
    return body


def _push(token, body):
    return Client().post(
        "/api/v1/platform/completions",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def _register(world, **overrides):
    data = {
        "name": "王五",
        "id_number": factories.valid_id_number(),
        "phone": "13812345678",
        "password": "Xuexi2025ok",
        "unit_id": world.unit.pk,
        "profession": "engineering",
        **overrides,
    }
    return data


@pytest.mark.parametrize("text", ["王\x00五", "王\ud800五", "王\x1b五", "王\x7f五"])
def test_control_characters_and_lone_surrogates_in_a_json_field_are_a_field_message(api, world, text):
    body = _error(api.post("register", _register(world, name=text)), 422)
    assert body["errors"][0] == {"field": "name", "message": "姓名：含有不允许的控制字符。"}
    assert not Person.objects.filter(user__username__contains="王").exists()


def test_a_lone_surrogate_sent_as_a_json_escape_is_refused(world):
    raw = json.dumps(_register(world), ensure_ascii=False).replace('"王五"', '"\\ud800"')
    response = Client().post("/api/v1/register", raw, content_type="application/json")
    assert _error(response, 422)["errors"][0]["field"] == "name"


def test_line_breaks_and_tabs_stay_allowed_in_text(api_as, world, today):
    response = api_as(world.person.user).post(
        "declarations",
        {
            "category": "professional",
            "method": "practice",
            "title": "结构设计\t规范",
            "organizer": "测试设计院",
            "hours": 8,
            "started_on": "2026-11-02",
            "ended_on": "2026-11-03",
        },
    )
    assert response.status_code == 201, response.content


@pytest.mark.parametrize("where", ["query", "path"])
def test_control_characters_in_the_url_are_a_field_message(api_as, world, where):
    client = api_as(world.bureau_user)
    if where == "query":
        body = _error(client.get("compliance", q="张\x00三"), 422)
        assert body["errors"][0]["field"] == "q"
    else:
        platform = Client()
        token = platform_token(world)
        response = platform.get("/api/v1/platform/completions/a%00b", HTTP_AUTHORIZATION=f"Bearer {token}")
        assert _error(response, 422)["errors"][0]["field"] == "external_id"


def test_integers_beyond_64_bits_in_path_and_query_are_404_or_422(api_as, world):
    person = api_as(world.person.user)
    body = _error(person.get("me/progress", year=HUGE), 422)
    assert body["errors"][0]["field"] == "year"
    unit = api_as(world.unit_user)
    _error(unit.post(f"unit/members/{HUGE}/confirm"), 404)
    _error(api_as(world.bureau_user).get(f"persons/{HUGE}/hours"), 404)


def test_integers_beyond_64_bits_in_a_body_are_a_field_message(api, world):
    body = _error(api.post("register", _register(world, unit_id=int(HUGE))), 422)
    assert body["errors"][0] == {"field": "unit_id", "message": "工作单位：数值超出允许范围。"}


@pytest.mark.parametrize("hours", [1e27, 1e30, "1e27", "NaN", "Infinity", "-Infinity", 1e308])
def test_absurd_hours_are_a_field_message(api_as, world, today, hours):
    response = api_as(world.person.user).post(
        "declarations",
        {
            "category": "professional",
            "method": "practice",
            "title": "结构设计规范",
            "organizer": "测试设计院",
            "hours": hours,
            "started_on": "2026-11-02",
            "ended_on": "2026-11-03",
        },
    )
    assert response.status_code == 422, response.content
    assert [e["field"] for e in response.json()["errors"]] == ["hours"]


def test_in_a_push_a_bad_item_is_rejected_with_its_reason_and_the_good_ones_are_credited(world, today):
    token = platform_token(world)
    good = {
        "id_number": world.person.reveal_id_number(),
        "name": world.person.name,
        "course": "数字技术与网络安全",
        "category": "public",
        "hours": 2,
        "completed_on": "2026-11-10",
    }
    items = [
        {**good, "external_id": "good-1"},
        {**good, "external_id": "huge", "hours": 1e27},
        {**good, "external_id": "huge-text", "hours": "1e30"},
        {**good, "external_id": "nan", "hours": "NaN"},
        {**good, "external_id": "nul", "name": "张\x00三"},
        {**good, "external_id": "surrogate", "course": "课\ud800程"},
        {**good, "external_id": "x\ud800"},
        {**good, "external_id": "good-2", "hours": 3},
    ]
    body = json.dumps({"items": items}, ensure_ascii=True)  # \ud800 travels as an escape
    response = _push(token, body)
    assert response.status_code == 200, response.content
    result = response.json()
    assert result["accepted"] == ["good-1", "good-2"]
    reasons = {r["external_id"]: r["reason"] for r in result["rejected"]}
    assert set(reasons) == {"huge", "huge-text", "nan", "nul", "surrogate", None}
    assert "学时" in reasons["huge"] and "学时" in reasons["nan"]
    assert reasons["nul"] == "姓名：含有不允许的控制字符。"
    assert reasons["surrogate"] == "课程：含有不允许的控制字符。"
    assert reasons[None] == "平台记录号：含有不允许的控制字符。"
    assert HourRecord.objects.filter(person=world.person).count() == 2
    assert PlatformCompletion.objects.filter(state="rejected").count() == 5


def test_an_unhandled_error_answers_the_error_format_with_the_request_id_that_is_logged(
    api_as, world, monkeypatch, caplog
):
    from credits import selectors

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "progress_for_token", broken)
    client = api_as(world.person.user)
    client.client.raise_request_exception = False
    with caplog.at_level(logging.ERROR):
        response = client.client.get(
            "/api/v1/me/progress",
            {"year": 2026},
            HTTP_AUTHORIZATION=f"Bearer {client.token}",
            HTTP_X_REQUEST_ID="trace-42",
        )
    body = _error(response, 500)
    assert response["X-Request-ID"] == "trace-42" and "trace-42" in body["detail"]
    logged = [r for r in caplog.records if r.exc_info and "trace-42" in r.getMessage()]
    assert logged and logged[0].exc_info[0] is RuntimeError


def test_a_request_id_is_generated_when_absent_and_a_hostile_one_is_replaced(api):
    first = api.get("health")
    assert len(first["X-Request-ID"]) == 32
    hostile = api.client.get("/api/v1/health", HTTP_X_REQUEST_ID="a\nb" * 40)
    assert hostile["X-Request-ID"] != "a\nb" * 40 and len(hostile["X-Request-ID"]) == 32


def test_a_body_above_the_limit_is_413(settings, world):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    token = platform_token(world)
    body = json.dumps({"items": [{"external_id": "x" * 1000}] * 1200})
    response = _push(token, body)
    assert "1 MB" in _error(response, 413)["detail"]


def test_an_oversized_number_in_a_page_address_is_404(client, world):
    client.force_login(world.person.user)
    assert client.get(f"/notices/{HUGE}/").status_code == 404


def test_a_control_character_in_a_page_address_is_refused(client, world):
    client.force_login(world.bureau_user)
    response = client.get("/notices/", {"state": "x\x00"})
    assert response.status_code == 400 and "含有不允许的控制字符" in response.content.decode()


@pytest.mark.parametrize("text", ["王\x00五", "王\x0b五"])
def test_a_web_form_names_the_field_holding_a_control_character(client, world, text):
    response = client.post(
        "/accounts/register/",
        {
            "name": text,
            "id_number": factories.valid_id_number(),
            "phone": "13812345678",
            "unit_id": world.unit.pk,
            "profession": "engineering",
            "password": "Xuexi2025ok",
            "password2": "Xuexi2025ok",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == ["姓名含有不允许的控制字符。"]
    assert not Person.objects.filter(name__startswith="王").exists()


@pytest.mark.parametrize("offset", [HUGE, "50983656213957522227200", "-1"])
def test_a_list_offset_beyond_any_list_is_a_field_message(api_as, world, offset):
    person = api_as(world.person.user)
    assert _error(person.get("notices", offset=offset, limit=24), 422)["errors"][0]["field"] == "offset"
    reviewer = api_as(world.unit_user)
    assert _error(reviewer.get("reviews", offset=offset), 422)["errors"][0]["field"] == "offset"


def test_form_fields_above_the_limit_are_413_too(settings, api_as, world):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client = api_as(world.person.user)
    response = client.client.post(
        "/api/v1/declarations/1/evidence",
        {"note": "x" * 4096},
        HTTP_AUTHORIZATION=f"Bearer {client.token}",
    )
    _error(response, 413)


def test_only_requests_are_checked_not_the_answers_built_from_stored_data():
    """A name stored before the check existed must not turn every list that shows it into a 500."""
    from pydantic import ValidationError

    from core.schemas import Schema

    class Named(Schema):
        name: str

    assert Named(name="王\x0b五").name == "王\x0b五"  # a view building its answer
    assert Named.model_validate({"name": "王\x0b五"}, context={"request": None, "response_status": 200})
    with pytest.raises(ValidationError):
        Named.model_validate({"name": "王\x0b五"}, context={"request": None})


def test_an_absurd_year_echoed_in_an_answer_is_no_500(api_as, world):
    response = api_as(world.bureau_user).get("audit-samples", year=-(10**25))
    assert response.status_code in (200, 422), response.content
