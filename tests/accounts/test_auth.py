import pytest
from django.conf import settings
from django.contrib.auth.hashers import identify_hasher

from accounts.models import User
from tests import factories

pytestmark = pytest.mark.django_db


def test_staff_token_carries_role_and_expiry(api, world):
    response = api.post("auth/token", {"username": world.unit_user.username, "password": factories.PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert body["role"] == "unit" and body["token"] and body["expires_at"]


def test_wrong_password_is_401(api, world):
    response = api.post("auth/token", {"username": world.unit_user.username, "password": "nope"})
    assert response.status_code == 401
    assert response.json()["detail"] == "用户名或密码错误。"


def test_repeated_failures_are_throttled_even_with_the_right_password(api, world):
    username = world.unit_user.username
    for _ in range(settings.AXES_FAILURE_LIMIT):
        api.post("auth/token", {"username": username, "password": "wrong"})
    response = api.post("auth/token", {"username": username, "password": factories.PASSWORD})
    assert response.status_code == 429
    assert "锁定" in response.json()["detail"]


def test_bad_and_missing_tokens_are_401(api):
    from tests.conftest import ApiClient

    assert api.get("unit/members").status_code == 401
    assert ApiClient("forged").get("unit/members").status_code == 401


def test_production_hasher_is_argon2():
    from config import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_argon2_hash_is_what_production_stores(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = User(username="argon")
    user.set_password("Secret123abc")
    assert identify_hasher(user.password).algorithm == "argon2"


def test_password_reset_by_unit_forces_change(api_as, world):
    from accounts.services import reset_password

    temporary = reset_password(factories.actor(world.unit_user), person_id=world.person.pk)
    world.person.user.refresh_from_db()
    assert world.person.user.must_change_password
    assert world.person.user.check_password(temporary)


def test_unit_cannot_reset_password_of_another_units_person(world):
    from accounts.services import reset_password
    from core.errors import NotFound

    with pytest.raises(NotFound):
        reset_password(factories.actor(world.other_unit_user), person_id=world.person.pk)
