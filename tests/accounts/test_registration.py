import pytest

from accounts.models import Membership, Person, User
from audit.models import AuditEntry
from core import crypto
from tests import factories

pytestmark = pytest.mark.django_db


def _payload(world, **overrides):
    data = {
        "name": "王五",
        "id_number": factories.valid_id_number(),
        "phone": "13812345678",
        "password": "Xuexi2025ok",
        "unit_id": world.unit.pk,
        "profession": "engineering",
    }
    data.update(overrides)
    return data


def test_register_creates_person_who_can_log_in_at_once_with_pending_unit_link(api, world):
    data = _payload(world)
    response = api.post("register", data)
    assert response.status_code == 201, response.content
    body = response.json()
    person = Person.objects.get(pk=body["person_id"])
    assert body["username"] == person.user.username
    assert person.memberships.get().state == Membership.State.PENDING
    token = api.post("auth/token", {"username": body["username"], "password": data["password"]})
    assert token.status_code == 200 and token.json()["role"] == "person"
    by_id = api.post("auth/token", {"username": data["id_number"], "password": data["password"]})
    assert by_id.status_code == 200


def test_id_number_is_stored_encrypted_with_lookup_hash(api, world):
    data = _payload(world)
    person = Person.objects.get(pk=api.post("register", data).json()["person_id"])
    assert data["id_number"] not in person.id_number_encrypted
    assert person.id_number_hash == crypto.lookup_hash(data["id_number"])
    assert person.reveal_id_number() == data["id_number"]
    assert person.id_number_masked == data["id_number"][:3] + "*" * 11 + data["id_number"][-4:]
    assert data["id_number"] not in person.user.username


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"id_number": "110105194912310021"}, "id_number", "校验位"),
        ({"id_number": "11010519491331002X"}, "id_number", "出生日期"),
        ({"id_number": "1101051949"}, "id_number", "18位"),
        ({"password": "abc"}, "password", "密码"),
        ({"password": "12345678901"}, "password", "密码"),
        ({"unit_id": 999999}, "unit_id", "工作单位"),
        ({"phone": "12345"}, "phone", "手机号码"),
        ({"profession": "astronaut"}, "profession", "职称系列"),
        ({"name": "  "}, "name", "姓名"),
    ],
)
def test_bad_registration_is_422_naming_the_field_and_writes_nothing(api, world, overrides, field, fragment):
    users, audits = User.objects.count(), AuditEntry.objects.count()
    response = api.post("register", _payload(world, **overrides))
    assert response.status_code == 422
    body = response.json()
    assert field in [e["field"] for e in body["errors"]]
    assert any(fragment in e["message"] for e in body["errors"] if e["field"] == field)
    assert (User.objects.count(), AuditEntry.objects.count()) == (users, audits)


def test_duplicate_id_number_is_refused(api, world):
    number = factories.valid_id_number()
    assert api.post("register", _payload(world, id_number=number)).status_code == 201
    response = api.post("register", _payload(world, id_number=number.lower(), name="别人"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "id_number"
    assert "已注册" in response.json()["errors"][0]["message"]


def test_missing_field_is_named_in_chinese(api):
    response = api.post("register", {"name": "王五"})
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"id_number", "phone", "password", "unit_id", "profession"} <= fields
    assert response.json()["errors"][0]["message"].split("：")[1] == "必须填写。"


def test_registration_is_audited(api, world):
    person_id = api.post("register", _payload(world)).json()["person_id"]
    actions = set(AuditEntry.objects.filter(actor__person__pk=person_id).values_list("action", flat=True))
    assert {"person.registered", "membership.requested"} <= actions


def test_unit_change_ends_old_link_and_waits_for_new_unit(world):
    from accounts.services import request_unit_change

    actor = factories.actor(world.person.user)
    request_unit_change(actor, unit_id=world.sibling_unit.pk)
    states = dict(world.person.memberships.values_list("unit_id", "state"))
    assert states == {world.unit.pk: "ended", world.sibling_unit.pk: "pending"}


def test_the_registration_page_shows_every_error_at_once(world):
    from django.test import Client

    response = Client().post(
        "/accounts/register/",
        {
            "name": "王",
            "id_number": "411202199001011234",  # wrong check digit
            "phone": "12345",
            "password": "abc12345",
            "password2": "zzz",
            "unit_id": world.unit.pk,
            "profession": "engineering",
        },
    )
    errors = response.context["form"].errors
    assert set(errors) == {"id_number", "phone", "password", "password2"}
    assert "校验位" in errors["id_number"][0] and "手机号码" in errors["phone"][0]
    assert not Person.objects.filter(name="王").exists()
