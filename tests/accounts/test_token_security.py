import pytest
from axes.models import AccessAttempt

from accounts import services
from accounts.models import RoleAssignment
from core.actors import Role
from core.errors import Forbidden, NotFound
from tests import factories
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db


def _token(api, username, password=factories.PASSWORD, **extra):
    return api.post("auth/token", {"username": username, "password": password, **extra})


def test_a_user_with_two_roles_chooses_the_role_of_the_token(api, world):
    user = world.person.user
    RoleAssignment.objects.create(user=user, role=Role.UNIT, organisation=world.unit)
    default = _token(api, user.username).json()
    assert default["role"] == "unit"
    as_person = _token(api, user.username, role="person").json()
    assert as_person["role"] == "person"
    assert ApiClient(as_person["token"]).get("me/progress").status_code == 200
    refused = _token(api, user.username, role="bureau")
    assert refused.status_code == 403 and refused.json()["errors"][0]["field"] == "role"


def test_withdrawing_a_role_ends_its_tokens(api, world):
    token = _token(api, world.unit_user.username).json()["token"]
    assert ApiClient(token).get("unit/members").status_code == 200
    RoleAssignment.objects.filter(user=world.unit_user).delete()
    assert ApiClient(token).get("unit/members").status_code == 401


def test_a_reset_password_gives_no_token_until_changed(api, world):
    old = _token(api, world.person.user.username).json()["token"]
    temporary = services.reset_password(factories.actor(world.unit_user), person_id=world.person.pk)
    assert ApiClient(old).get("me/progress").status_code == 401
    response = _token(api, world.person.user.username, password=temporary)
    assert response.status_code == 403 and "修改密码" in response.json()["detail"]


def test_changing_the_password_ends_existing_tokens(api, world):
    token = _token(api, world.person.user.username).json()["token"]
    services.change_password(
        factories.actor(world.person.user), old_password=factories.PASSWORD, new_password="NewPassw0rd99"
    )
    assert ApiClient(token).get("me/progress").status_code == 401
    assert _token(api, world.person.user.username, password="NewPassw0rd99").status_code == 200


def test_a_unit_cannot_reset_an_account_that_also_holds_a_staff_role(world):
    RoleAssignment.objects.create(user=world.person.user, role=Role.BUREAU, organisation=world.bureau)
    with pytest.raises(Forbidden):
        services.reset_password(factories.actor(world.unit_user), person_id=world.person.pk)
    assert world.person.user.check_password(factories.PASSWORD)


def test_a_unit_cannot_reset_someone_who_only_registered_under_it(world):
    pending = factories.person(world.unit, confirmed=False)
    with pytest.raises(NotFound):
        services.reset_password(factories.actor(world.unit_user), person_id=pending.pk)


def test_failed_logins_with_an_unregistered_id_number_never_store_it(api):
    number = factories.valid_id_number()
    assert _token(api, number, password="whatever1").status_code == 401
    stored = list(AccessAttempt.objects.values_list("username", flat=True))
    assert stored and all(number not in u for u in stored)


def test_a_token_answers_its_actor_only_while_everything_still_holds(world, settings):
    import datetime as dt

    from django.utils import timezone

    from accounts.models import ApiToken

    staff_token = factories.token_for(world.unit_user)
    person_token = factories.token_for(world.person.user)
    staff = services.actor_for_token(staff_token)
    assert (staff.user, staff.role, staff.organisation) == (world.unit_user, Role.UNIT, world.unit)
    person = services.actor_for_token(person_token)
    assert (person.user, person.role, person.organisation) == (world.person.user, Role.PERSON, None)
    assert services.actor_for_token("not-a-token") is None

    # the same role at another unit does not keep a withdrawn one alive
    RoleAssignment.objects.create(user=world.unit_user, role=Role.UNIT, organisation=world.sibling_unit)
    RoleAssignment.objects.filter(user=world.unit_user, organisation=world.unit).delete()
    assert services.actor_for_token(staff_token) is None

    world.person.user.must_change_password = True
    world.person.user.save()
    assert services.actor_for_token(person_token) is None
    world.person.user.must_change_password = False
    world.person.user.is_active = False
    world.person.user.save()
    assert services.actor_for_token(person_token) is None
    world.person.user.is_active = True
    world.person.user.save()
    assert services.actor_for_token(person_token).user == world.person.user

    ApiToken.objects.filter(user=world.person.user).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert services.actor_for_token(person_token) is None
    ApiToken.objects.filter(user=world.person.user).update(expires_at=timezone.now() + dt.timedelta(hours=1))
    RoleAssignment.objects.filter(user=world.person.user, role=Role.PERSON).delete()
    assert services.actor_for_token(person_token) is None
