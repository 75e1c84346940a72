import pytest

from accounts.models import Membership
from audit.models import AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(world):
    return factories.person(world.unit, confirmed=False, name="待确认")


def test_unit_sees_its_pending_members_masked(api_as, world, pending):
    body = api_as(world.unit_user).get("unit/members", state="pending").json()
    assert [m["person_id"] for m in body] == [pending.pk]
    assert body[0]["id_number"] == pending.id_number_masked
    assert "*" in body[0]["id_number"]


def test_other_unit_does_not_see_them(api_as, world, pending):
    assert api_as(world.other_unit_user).get("unit/members", state="pending").json() == []


def test_confirm_links_the_person_and_is_audited(api_as, world, pending):
    response = api_as(world.unit_user).post(f"unit/members/{pending.pk}/confirm")
    assert response.status_code == 200 and response.json()["state"] == "confirmed"
    assert Membership.objects.get(person=pending).state == "confirmed"
    entry = AuditEntry.objects.get(action="membership.confirmed")
    assert entry.actor == world.unit_user and entry.before == {"state": "pending"}


def test_reject_needs_a_reason(api_as, world, pending):
    client = api_as(world.unit_user)
    response = client.post(f"unit/members/{pending.pk}/reject", {"reason": ""})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "reason"
    response = client.post(f"unit/members/{pending.pk}/reject", {"reason": "非本单位职工"})
    assert response.json()["state"] == "rejected" and response.json()["reason"] == "非本单位职工"


def test_another_unit_guessing_the_id_gets_404_and_nothing_changes(api_as, world, pending):
    response = api_as(world.other_unit_user).post(f"unit/members/{pending.pk}/confirm")
    assert response.status_code == 404
    assert Membership.objects.get(person=pending).state == "pending"


@pytest.mark.parametrize("role_user", ["authority_user", "bureau_user", "base_user"])
def test_non_unit_roles_cannot_use_member_endpoints(api_as, world, pending, role_user):
    client = api_as(getattr(world, role_user))
    assert client.get("unit/members").status_code == 403
    assert client.post(f"unit/members/{pending.pk}/confirm").status_code == 403


def test_person_token_cannot_confirm_itself(api_as, world, pending):
    assert api_as(pending.user).post(f"unit/members/{pending.pk}/confirm").status_code == 403
