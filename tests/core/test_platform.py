import datetime as dt
import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.models import User
from provisioning import demo

pytestmark = pytest.mark.django_db


def test_health(api):
    assert api.get("health").json() == {"status": "ok", "database": "ok"}


def test_openapi_and_docs_are_served(api):
    schema = api.get("openapi.json").json()
    for path in (
        "/api/v1/health",
        "/api/v1/auth/token",
        "/api/v1/register",
        "/api/v1/bases",
        "/api/v1/units",
        "/api/v1/policy/{year}",
        "/api/v1/calendar/add-working-days",
        "/api/v1/unit/members",
    ):
        assert path in schema["paths"], path
    assert Client().get("/api/v1/docs").status_code == 200


def test_home_page_is_chinese_and_links_the_entrances(today):
    html = Client().get("/").content.decode()
    assert '<meta charset="utf-8">' in html
    for text in ("管理入口", "学习入口", "继续教育基地名单", "接口文档", "90", "2026年12月31日"):
        assert text in html


def test_demo_data_is_refused_without_debug_or_demo_flag(settings):
    settings.DEBUG = False
    settings.DEMO_MODE = False
    with pytest.raises(ImproperlyConfigured):
        demo.load_demo_data()
    with pytest.raises(CommandError):
        call_command("load_demo_data")
    assert not User.objects.filter(username="demo-unit").exists()


def test_demo_data_is_idempotent_and_writes_the_credentials_file(settings, tmp_path, monkeypatch):
    settings.DEMO_MODE = True
    monkeypatch.setattr(demo, "CREDENTIALS_FILE", tmp_path / "demo-credentials.json")
    first = demo.load_demo_data()
    users = User.objects.count()
    second = demo.load_demo_data()
    assert User.objects.count() == users
    assert first == second
    saved = json.loads((tmp_path / "demo-credentials.json").read_text())
    assert set(saved) == {
        "person",
        "unit",
        "authority",
        "base",
        "bureau",
        "other_unit",
        "unit_id",
        "platform_token",
    }
    client = Client()
    for role in ("person", "unit", "authority", "base", "bureau", "other_unit"):
        username, password = saved[role]
        response = client.post(
            "/api/v1/auth/token",
            {"username": username, "password": password},
            content_type="application/json",
        )
        assert response.status_code == 200, role
        expected = "unit" if role == "other_unit" else role
        assert response.json()["role"] == expected


def test_demo_year_is_lived_in_and_reached_through_the_services(settings, tmp_path, monkeypatch, today):
    """Each role finds something to do; the demo token pushes; nothing is faked past the rules."""
    settings.DEMO_MODE = True
    monkeypatch.setattr(demo, "CREDENTIALS_FILE", tmp_path / "demo-credentials.json")
    saved = demo.load_demo_data()

    def client(role):
        username, password = saved[role]
        token = (
            Client()
            .post(
                "/api/v1/auth/token",
                {"username": username, "password": password},
                content_type="application/json",
            )
            .json()["token"]
        )
        return lambda path: Client().get(f"/api/v1/{path}", HTTP_AUTHORIZATION=f"Bearer {token}").json()

    progress = client("person")("me/progress")
    assert (progress["public_hours"], progress["professional_hours"], progress["pending_hours"]) == (
        18,
        24,
        24,
    )
    assert progress["compliant"] is False
    assert [r["title"] for r in client("unit")("reviews?state=pending")] == ["乡村建设技术帮扶"]
    assert [r["title"] for r in client("authority")("reviews?state=pending")] == ["桥梁检测现场实践"]
    assert client("other_unit")("reviews?state=pending") == []
    assert [m["name"] for m in client("unit")("unit/members?state=pending")] == ["孙丽"]
    push = Client().post(
        "/api/v1/platform/completions",
        {"items": []},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {saved['platform_token']}",
    )
    assert push.status_code == 200


@pytest.mark.parametrize("moment", [(2027, 1, 1, 0, 30), (2027, 1, 4, 10, 0), (2028, 2, 29, 10, 0)])
def test_demo_loads_early_in_a_year_with_filings_and_no_hours_yet(
    settings, tmp_path, monkeypatch, today, moment
):
    """In the first weeks of a year there is no room yet for months of learning under the daily
    limit: the demo files the platform for the new year and leaves the hours to come."""
    settings.DEMO_MODE = True
    monkeypatch.setattr(demo, "CREDENTIALS_FILE", tmp_path / "demo-credentials.json")
    today.set(*moment)
    first = demo.load_demo_data()
    assert demo.load_demo_data() == first
    from credits.models import HourRecord
    from filings.models import PlatformFiling

    assert PlatformFiling.objects.filter(year=moment[0], state="accepted").exists()
    young = (today.date - dt.date(moment[0], 1, 1)).days < demo.DEMO_YEAR_MIN_DAYS
    assert young == (moment[1] < 3) and HourRecord.objects.exists() == (not young)


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("post", "/api/v1/register", 400),
        ("get", "/api/v1/no-such-endpoint", 404),
        ("put", "/api/v1/health", 405),
    ],
)
def test_every_api_error_is_json_in_the_contract_format(method, path, status):
    client = Client()
    if method == "post":
        response = client.post(path, data="{not json", content_type="application/json")
    else:
        response = getattr(client, method)(path)
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["detail"])


def test_policy_year_without_requirements_is_404_not_500(api):
    from policy.models import Requirement

    Requirement.objects.filter(policy_year_id=2025).delete()
    response = api.get("policy/2025")
    assert response.status_code == 404 and "学时要求尚未设置" in response.json()["detail"]
