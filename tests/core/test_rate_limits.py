"""Rate limits beyond the login lock-out: registration and token requests per client address,
pushes per learning platform (its operator, whatever key it uses). A refused request is a 429
in the §5 format with Retry-After, and the window slides with the clock."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from accounts.models import Person
from tests import factories
from tests.credits.helpers import platform_token

pytestmark = pytest.mark.django_db

LIMITS = {"register": "3/h", "token": "2/m", "platform_push": "2/m"}


@pytest.fixture(autouse=True)
def limits(today):
    cache.clear()
    with override_settings(CE_RATE_LIMITS=LIMITS):
        yield
    cache.clear()


def post(path, data, address="10.0.0.1", token=None):
    extra = {"REMOTE_ADDR": address}
    if token:
        extra["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return Client().post(f"/api/v1/{path}", data, content_type="application/json", **extra)


def registration(world, name="王五"):
    return {
        "name": name,
        "id_number": factories.valid_id_number(),
        "phone": "13812345678",
        "password": "Xuexi2025ok",
        "unit_id": world.unit.pk,
        "profession": "engineering",
    }


def assert_refused(response, retry_after: int):
    assert response.status_code == 429
    assert response["Retry-After"] == str(retry_after)
    assert response.json() == {"detail": "请求过于频繁，请稍后再试。", "errors": []}


def test_registration_is_limited_per_address_and_the_window_slides(world, today):
    assert post("register", registration(world, "甲")).status_code == 201
    today.set(today.now + dt.timedelta(minutes=20))
    assert post("register", registration(world, "乙")).status_code == 201
    assert post("register", {"name": "丙"}).status_code == 422  # a bad request counts too
    refused = post("register", registration(world, "丁"))
    assert_refused(refused, retry_after=40 * 60)
    assert not Person.objects.filter(name="丁").exists()
    assert post("register", registration(world, "丁"), address="10.0.0.2").status_code == 201
    today.set(today.now + dt.timedelta(minutes=40))
    assert post("register", registration(world, "丁")).status_code == 201


def test_the_web_form_shares_the_limit_and_says_when_to_retry(world, today):
    for name in ("甲", "乙", "丙"):
        assert post("register", registration(world, name)).status_code == 201
    data = {**registration(world, "丁"), "unit_id": world.unit.pk, "password2": "Xuexi2025ok"}
    response = Client().post("/accounts/register/", data, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 429 and response["Retry-After"] == "3600"
    html = response.content.decode()
    assert "注册请求过于频繁，请 3600 秒后再试。" in html and "丁" in html
    assert not Person.objects.filter(name="丁").exists()


def test_token_requests_are_limited_per_address_beyond_the_lockout(world):
    credentials = {"username": world.unit_user.username, "password": factories.PASSWORD}
    assert post("auth/token", credentials).status_code == 200
    assert post("auth/token", {**credentials, "password": "wrong"}).status_code == 401
    assert_refused(post("auth/token", credentials), retry_after=60)
    assert post("auth/token", credentials, address="10.0.0.2").status_code == 200


def test_pushes_are_limited_per_platform_not_per_address(world, today):
    token = platform_token(world)
    for address in ("10.0.0.1", "10.0.0.2"):
        assert post("platform/completions", {"items": []}, address, token).status_code == 200
    assert_refused(post("platform/completions", {"items": []}, "10.0.0.3", token), retry_after=60)
    # Every key of the platform (another year's, a rotated one) counts against the same limit;
    # asking for the items' fate is not limited.
    other_year = platform_token(world, name="测试学习平台2025", year=2025)
    assert post("platform/completions", {"items": []}, "10.0.0.3", other_year).status_code == 429
    fates = Client().get("/api/v1/platform/completions", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert fates.status_code == 200
    today.set(today.now + dt.timedelta(seconds=61))
    assert post("platform/completions", {"items": []}, "10.0.0.1", token).status_code == 200


def test_an_empty_rate_switches_a_limit_off(world):
    credentials = {"username": world.unit_user.username, "password": factories.PASSWORD}
    with override_settings(CE_RATE_LIMITS={**LIMITS, "token": ""}):
        assert all(post("auth/token", credentials).status_code == 200 for _ in range(5))
