"""Every page with an object id in its URL answers 404 to a user of another scope (never 200,
never 403 with data), and changes nothing."""

import pytest
from django.test import Client

from accounts.models import Membership
from credits.models import Declaration
from tests import factories
from tests.credits.helpers import declare, person_actor

# Their declarations and plans are dated in 2026: the outcome depends on the date.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def submitted(world):
    return declare(world.person)


@pytest.fixture
def stranger(world):
    """Another person of the same unit: same unit, but not the declaration's owner."""
    return factories.person(world.unit, name="同事")


def _person_urls(d):
    e = d.evidence.get()
    return [
        ("get", f"/hours/me/declarations/{d.pk}/"),
        ("get", f"/hours/me/declarations/{d.pk}/edit/"),
        ("post", f"/hours/me/declarations/{d.pk}/submit/"),
        ("post", f"/hours/me/declarations/{d.pk}/delete/"),
        ("post", f"/hours/me/declarations/{d.pk}/evidence/{e.pk}/remove/"),
        ("get", f"/hours/declarations/{d.pk}/evidence/{e.pk}/"),
    ]


def test_another_person_gets_404_on_every_declaration_page(world, submitted, stranger):
    client = client_for(stranger.user)
    for method, url in _person_urls(submitted):
        assert getattr(client, method)(url).status_code == 404, url
    submitted.refresh_from_db()
    assert submitted.state == "pending_unit" and submitted.evidence.count() == 1


def test_a_draft_is_private_to_its_owner(world, stranger):
    draft = declare(world.person, submit=False)
    for user in (stranger.user, world.unit_user, world.authority_user, world.bureau_user):
        client = client_for(user)
        e = draft.evidence.get()
        assert client.get(f"/hours/declarations/{draft.pk}/evidence/{e.pk}/").status_code == 404
        if user != stranger.user:
            assert client.get(f"/hours/reviews/{draft.pk}/").status_code == 404
    assert Declaration.objects.get(pk=draft.pk).state == "draft"


REVIEW_OUTSIDERS = ["other_unit_user", "sibling_unit_user", "other_authority_user"]


@pytest.mark.parametrize("attr", REVIEW_OUTSIDERS)
def test_reviewer_of_another_scope_gets_404(world, submitted, attr):
    client = client_for(getattr(world, attr))
    e = submitted.evidence.get()
    assert client.get(f"/hours/reviews/{submitted.pk}/").status_code == 404
    assert client.get(f"/hours/declarations/{submitted.pk}/evidence/{e.pk}/").status_code == 404
    response = client.post(f"/hours/reviews/{submitted.pk}/decide/", {"decision": "approve"})
    assert response.status_code == 404
    assert client.post("/hours/reviews/batch-approve/", {"ids": [submitted.pk]}).status_code == 302
    assert client.get(f"/hours/people/{world.person.pk}/").status_code == 404
    submitted.refresh_from_db()
    assert submitted.state == "pending_unit"


def test_evidence_of_another_declaration_is_404_even_in_scope(world, submitted):
    other = declare(world.other_person)
    wrong = other.evidence.get()
    client = client_for(world.unit_user)
    assert client.get(f"/hours/declarations/{submitted.pk}/evidence/{wrong.pk}/").status_code == 404


def test_bureau_of_another_county_gets_404(world):
    outsider = factories.person(world.sibling_unit, name="灵宝人员")  # unit in 灵宝市
    d = declare(outsider)
    client = client_for(world.county_bureau_user)  # 湖滨区
    assert client.get(f"/hours/reviews/{d.pk}/").status_code == 404
    assert client.get(f"/hours/people/{outsider.pk}/").status_code == 404
    # the city bureau sees it (read-only)
    assert client_for(world.bureau_user).get(f"/hours/reviews/{d.pk}/").status_code == 200


def test_unit_member_actions_on_another_units_person_are_404(world):
    pending = factories.person(world.unit, confirmed=False, name="待确认丙")
    client = client_for(world.other_unit_user)
    assert client.post(f"/accounts/members/{pending.pk}/confirm/").status_code == 404
    assert client.get(f"/accounts/members/{pending.pk}/reject/").status_code == 404
    assert client.post(f"/accounts/members/{pending.pk}/reject/", {"reason": "x"}).status_code == 404
    assert client.get(f"/accounts/people/{pending.pk}/reset-password/").status_code == 404
    assert Membership.objects.get(person=pending).state == "pending"


def test_person_cannot_reach_reviewer_pages_of_their_own_declaration(world, submitted):
    client = client_for(world.person.user)
    assert client.get(f"/hours/reviews/{submitted.pk}/").status_code == 403
    assert client.get(f"/hours/people/{world.person.pk}/").status_code == 403


def test_reviewer_never_reviews_themself(world):
    """A unit reviewer who is also a person of the unit does not see their own declaration."""
    from accounts.models import RoleAssignment
    from core.actors import Role

    reviewer_person = factories.person(world.unit, name="兼任审核员")
    RoleAssignment.objects.create(user=reviewer_person.user, role=Role.UNIT, organisation=world.unit)
    d = declare(reviewer_person)
    assert person_actor(reviewer_person).person == reviewer_person
    client = Client()
    client.force_login(reviewer_person.user)
    unit_role = RoleAssignment.objects.get(user=reviewer_person.user, role=Role.UNIT)
    client.post("/accounts/switch-role/", {"role_id": unit_role.pk})
    assert client.get(f"/hours/reviews/{d.pk}/").status_code == 404
    queue = client.get("/hours/reviews/").content.decode()
    assert f'data-declaration="{d.pk}"' not in queue and "没有待审核的申报" in queue
