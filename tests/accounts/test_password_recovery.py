"""找回密码 by a code sent to the registered phone: the whole flow, what it never reveals, its
limits, and the Tencent Cloud SMS adapter against a local fake of its API."""

import datetime as dt
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.test import Client, override_settings

from accounts import services
from accounts.models import ApiToken, PasswordRecovery
from audit.models import AuditEntry
from core.errors import DomainError
from tests import factories

pytestmark = pytest.mark.django_db

PHONE = "13900000000"  # the factories' registered phone
NEW = "Xin-mima-2026"


def code_from(caplog) -> str:
    sent = [r.getMessage() for r in caplog.records if r.name == "ce.sms"]
    assert sent, "no SMS was sent"
    assert "未真实发送" in sent[-1] and PHONE not in sent[-1] and "139****0000" in sent[-1]
    return re.search(r"验证码为 (\d{6})", sent[-1]).group(1)


def test_a_person_sets_a_new_password_with_the_code_sent_to_their_phone(world, today, caplog):
    person = world.person
    ApiToken.objects.create(user=person.user, role="person", key_hash="x" * 64, expires_at=today.now)
    client = Client()
    response = client.post(
        "/accounts/recover/", {"login": person.reveal_id_number(), "phone": PHONE}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/accounts/recover/code/"
    html = response.content.decode()
    assert "如果账号与注册手机号码相符，验证码已发送" in html and "139****0000" in html
    code = code_from(caplog)
    response = client.post(
        "/accounts/recover/code/", {"code": code, "new_password": NEW, "new_password2": NEW}, follow=True
    )
    assert "密码已重新设置" in response.content.decode()
    person.user.refresh_from_db()
    assert person.user.check_password(NEW) and not ApiToken.objects.filter(user=person.user).exists()
    actions = set(AuditEntry.objects.filter(target_id=str(person.user.pk)).values_list("action", flat=True))
    assert {"user.password_recovery_sent", "user.password_recovered"} <= actions
    again = client.post("/accounts/recover/code/", {"code": code, "new_password": NEW, "new_password2": NEW})
    assert again.status_code == 302 and again["Location"] == "/accounts/recover/"  # used once


@pytest.mark.parametrize("login_of", ["unknown", "wrong_phone", "staff"])
def test_the_answer_never_tells_whether_an_account_or_phone_matches(world, today, caplog, login_of):
    logins = {
        "unknown": (factories.valid_id_number(), PHONE),
        "wrong_phone": (world.person.user.username, "13911112222"),
        "staff": (world.unit_user.username, PHONE),
    }
    login, phone = logins[login_of]
    response = Client().post("/accounts/recover/", {"login": login, "phone": phone}, follow=True)
    assert "如果账号与注册手机号码相符，验证码已发送" in response.content.decode()
    assert not PasswordRecovery.objects.exists()
    assert not [r for r in caplog.records if r.name == "ce.sms"]


def test_a_code_dies_after_five_wrong_tries_and_after_ten_minutes(world, today, caplog):
    login = world.person.user.username
    services.request_password_recovery(login=login, phone=PHONE)
    code = code_from(caplog)
    for _ in range(5):
        with pytest.raises(DomainError):
            services.complete_password_recovery(
                login=login, phone=PHONE, code="000000" if code != "000000" else "111111", new_password=NEW
            )
    with pytest.raises(DomainError) as refused:
        services.complete_password_recovery(login=login, phone=PHONE, code=code, new_password=NEW)
    assert refused.value.errors[0]["field"] == "code"
    today.set(today.now + dt.timedelta(minutes=2))
    services.request_password_recovery(login=login, phone=PHONE)
    fresh = code_from(caplog)
    today.set(today.now + dt.timedelta(minutes=10, seconds=1))
    with pytest.raises(DomainError):
        services.complete_password_recovery(login=login, phone=PHONE, code=fresh, new_password=NEW)
    world.person.user.refresh_from_db()
    assert world.person.user.check_password(factories.PASSWORD)


def test_one_code_a_minute_and_five_a_day_per_account(world, today, caplog):
    login = world.person.user.username
    services.request_password_recovery(login=login, phone=PHONE)
    services.request_password_recovery(login=login, phone=PHONE)  # within the minute: nothing new
    assert PasswordRecovery.objects.count() == 1
    for _ in range(6):
        today.set(today.now + dt.timedelta(minutes=2))
        services.request_password_recovery(login=login, phone=PHONE)
    assert PasswordRecovery.objects.count() == 5
    assert PasswordRecovery.objects.filter(used_at=None).count() == 1  # a new code ends the older


def test_a_weak_new_password_is_refused_by_field_and_the_code_stays_usable(world, today, caplog):
    login = world.person.user.username
    services.request_password_recovery(login=login, phone=PHONE)
    code = code_from(caplog)
    with pytest.raises(DomainError) as refused:
        services.complete_password_recovery(login=login, phone=PHONE, code=code, new_password="12345678")
    assert refused.value.errors[0]["field"] == "new_password"
    services.complete_password_recovery(login=login, phone=PHONE, code=code, new_password=NEW)


def test_requests_from_one_address_are_limited(world, today):
    client = Client()
    with override_settings(CE_RATE_LIMITS={"recovery": "2/h"}):
        for _ in range(2):
            assert client.post("/accounts/recover/", {"login": "x", "phone": PHONE}).status_code == 302
        refused = client.post("/accounts/recover/", {"login": "x", "phone": PHONE})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "请求过于频繁" in refused.content.decode()


class _FakeTencentSms(BaseHTTPRequestHandler):
    """Answers SendSms as Tencent Cloud's API 3.0 does; remembers what it was sent."""

    received: list = []
    status_code = "Ok"

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).received.append({"headers": dict(self.headers), "body": body})
        answer = {
            "Response": {
                "SendStatusSet": [
                    {
                        "SerialNo": "2645:1",
                        "PhoneNumber": body["PhoneNumberSet"][0],
                        "Fee": 1,
                        "SessionContext": "",
                        "Code": type(self).status_code,
                        "Message": "send success",
                        "IsoCode": "CN",
                    }
                ],
                "RequestId": "a0aabda6-cf91-4f3e-a81f-9198114a2279",
            }
        }
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_tencent():
    _FakeTencentSms.received = []
    _FakeTencentSms.status_code = "Ok"
    server = HTTPServer(("127.0.0.1", 0), _FakeTencentSms)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    config = {
        "secret_id": "AKIDtest",
        "secret_key": "secret",
        "app_id": "1400000001",
        "sign_name": "三门峡人社",
        "template_id": "100001",
        "region": "ap-guangzhou",
        "endpoint": f"127.0.0.1:{server.server_port}",
        "protocol": "http",
    }
    with override_settings(SMS_SENDER="accounts.sms.TencentCloudSender", SMS_TENCENT=config):
        yield _FakeTencentSms
    server.shutdown()


def test_the_tencent_cloud_adapter_sends_the_code_through_the_sdk(world, today, fake_tencent):
    services.request_password_recovery(login=world.person.user.username, phone=PHONE)
    [sent] = fake_tencent.received
    assert sent["headers"]["X-TC-Action"] == "SendSms"
    assert sent["headers"]["Authorization"].startswith("TC3-HMAC-SHA256 Credential=AKIDtest/")
    body = sent["body"]
    assert body["PhoneNumberSet"] == ["+8613900000000"] and body["SmsSdkAppId"] == "1400000001"
    assert body["SignName"] == "三门峡人社" and body["TemplateId"] == "100001"
    code, minutes = body["TemplateParamSet"]
    assert minutes == "10"
    services.complete_password_recovery(
        login=world.person.user.username, phone=PHONE, code=code, new_password=NEW
    )


def test_a_refused_sms_withdraws_the_code_and_answers_as_always(world, today, fake_tencent, caplog):
    fake_tencent.status_code = "LimitExceeded.PhoneNumberDailyLimit"
    response = Client().post(
        "/accounts/recover/", {"login": world.person.user.username, "phone": PHONE}, follow=True
    )
    assert "如果账号与注册手机号码相符，验证码已发送" in response.content.decode()
    assert len(fake_tencent.received) == 1 and not PasswordRecovery.objects.exists()
    assert any("LimitExceeded" in r.getMessage() and PHONE not in r.getMessage() for r in caplog.records)
