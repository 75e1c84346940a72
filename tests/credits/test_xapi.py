"""The xAPI 1.0.3 Statements door: the same rules and fates as the JSON push, the statement id
as idempotency key, voiding that takes the hours back."""

import base64
import json
import uuid

import pytest
from django.test import Client

from credits import ledger, selectors, xapi
from credits.models import HourRecord, PlatformCompletion, XapiStatement
from tests.credits.helpers import person_actor, platform_token

pytestmark = pytest.mark.django_db

VERSION = {"HTTP_X_EXPERIENCE_API_VERSION": "1.0.3"}


def statement(person, *, hours=4, category="public", verb=xapi.COMPLETED, statement_id=None, name=None):
    body = {
        "actor": {
            "objectType": "Agent",
            "name": name or person.name,
            "account": {"homePage": "https://learn.example.cn/", "name": person.reveal_id_number()},
        },
        "verb": {"id": verb, "display": {"zh-CN": "完成"}},
        "object": {
            "objectType": "Activity",
            "id": "https://learn.example.cn/courses/digital-economy",
            "definition": {"name": {"zh-CN": "数字经济与创新发展"}},
        },
        "result": {"completion": True, "extensions": {xapi.HOURS: hours, xapi.CATEGORY: category}},
        "timestamp": "2026-11-10T20:30:00+08:00",
    }
    if statement_id:
        body["id"] = statement_id
    return body


@pytest.fixture
def lrs(world):
    token = platform_token(world)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    def send(method, body=None, **params):
        query = "&".join(f"{k}={v}" for k, v in params.items())
        path = "/xapi/statements" + (f"?{query}" if query else "")
        data = json.dumps(body) if body is not None else None
        return getattr(client, method)(path, data=data, content_type="application/json", **VERSION)

    send.token = token
    return send


def credited_hours(person) -> float:
    progress = selectors.progress(person_actor(person), 2026)
    return float(progress.public_hours + progress.professional_hours)


def test_about_names_the_version(client):
    answer = client.get("/xapi/about")
    assert answer.json() == {"version": ["1.0.3"]} and answer["X-Experience-API-Version"] == "1.0.3"


def test_the_version_header_and_a_platform_key_are_required(world, lrs):
    assert Client(HTTP_AUTHORIZATION=f"Bearer {lrs.token}").get("/xapi/statements").status_code == 400
    anonymous = Client().get("/xapi/statements", **VERSION)
    assert anonymous.status_code == 401 and "密钥" in anonymous.json()["detail"]
    basic = base64.b64encode(f"platform:{lrs.token}".encode()).decode()
    assert Client(HTTP_AUTHORIZATION=f"Basic {basic}").get("/xapi/statements", **VERSION).status_code == 200


def test_a_completed_statement_is_credited_once_like_a_push(world, lrs):
    sid = str(uuid.uuid4())
    answer = lrs("post", statement(world.person, statement_id=sid))
    assert answer.status_code == 200 and answer.json() == [sid]
    completion = PlatformCompletion.objects.get(external_id=f"xapi:{sid}")
    assert (
        completion.state == "credited"
        and completion.hours == 4
        and str(completion.completed_on) == "2026-11-10"
    )
    assert credited_hours(world.person) == 4
    again = lrs("post", statement(world.person, statement_id=sid))  # same id, same content: a no-op
    assert again.status_code == 200 and HourRecord.objects.filter(person=world.person).count() == 1
    other = lrs("post", statement(world.person, statement_id=sid, hours=40))
    assert other.status_code == 409 and credited_hours(world.person) == 4
    receipt = Client(HTTP_AUTHORIZATION=f"Bearer {lrs.token}").get(f"/api/v1/platform/completions/xapi:{sid}")
    assert receipt.json()["state"] == "credited" and receipt.json()["record_id"]


def test_put_stores_under_the_given_id_and_get_returns_it(world, lrs):
    sid = str(uuid.uuid4())
    assert lrs("put", statement(world.person), statementId=sid).status_code == 204
    got = lrs("get", statementId=sid).json()
    assert got["id"] == sid and got["verb"]["id"] == xapi.COMPLETED and "stored" in got
    mismatch = lrs("put", statement(world.person, statement_id=str(uuid.uuid4())), statementId=sid)
    assert mismatch.status_code == 400
    listed = lrs("get").json()
    assert [s["id"] for s in listed["statements"]] == [sid] and listed["more"] == ""


def test_voiding_takes_the_hours_back(world, lrs):
    sid = str(uuid.uuid4())
    lrs("post", statement(world.person, statement_id=sid, hours=6))
    assert credited_hours(world.person) == 6
    void = {
        "actor": {
            "objectType": "Agent",
            "account": {"homePage": "https://learn.example.cn/", "name": "admin"},
        },
        "verb": {"id": xapi.VOIDED},
        "object": {"objectType": "StatementRef", "id": sid},
    }
    assert lrs("post", void).status_code == 200
    assert credited_hours(world.person) == 0 and ledger.summary_mismatches([world.person.pk]) == []
    completion = PlatformCompletion.objects.get(external_id=f"xapi:{sid}")
    assert completion.state == "voided" and "撤销" in completion.reason
    assert lrs("get", statementId=sid).status_code == 404
    assert lrs("get", voidedStatementId=sid).json()["id"] == sid
    lrs("post", statement(world.person, statement_id=sid, hours=6))  # the original again: no credit
    assert credited_hours(world.person) == 0
    assert (
        lrs("post", {**void, "object": {"objectType": "StatementRef", "id": str(uuid.uuid4())}}).status_code
        == 400
    )


def test_other_verbs_are_stored_not_credited_and_fates_follow_the_push_rules(world, lrs):
    attempted = lrs("post", statement(world.person, verb="http://adlnet.gov/expapi/verbs/attempted"))
    assert attempted.status_code == 200 and not HourRecord.objects.exists()
    sid = str(uuid.uuid4())
    lrs("post", statement(world.person, statement_id=sid, name="张冒名"))
    held = PlatformCompletion.objects.get(external_id=f"xapi:{sid}")
    assert held.state == "held" and "姓名" in held.reason  # held until the name is put right
    late = str(uuid.uuid4())
    lrs("post", {**statement(world.person, statement_id=late), "timestamp": "2099-01-01T00:00:00+08:00"})
    assert PlatformCompletion.objects.get(external_id=f"xapi:{late}").state == "rejected"  # a future date


def test_a_bad_statement_refuses_the_whole_batch(world, lrs):
    good = statement(world.person, statement_id=str(uuid.uuid4()))
    bad = {"actor": {}, "object": {}}
    answer = lrs("post", [good, bad])
    assert answer.status_code == 400 and "verb" in answer.json()["detail"]
    assert not XapiStatement.objects.exists() and not HourRecord.objects.exists()
    assert lrs("post", [{**good, "id": "not-a-uuid"}]).status_code == 400


def test_statements_share_the_platforms_push_limit(world, lrs):
    from django.test import override_settings

    with override_settings(CE_RATE_LIMITS={"platform_push": "2/m"}):
        for _ in range(2):
            assert lrs("post", statement(world.person, statement_id=str(uuid.uuid4()))).status_code == 200
        refused = lrs("post", statement(world.person, statement_id=str(uuid.uuid4())))
        assert lrs("get").status_code == 200  # reading is not limited
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert HourRecord.objects.filter(person=world.person).count() == 2
