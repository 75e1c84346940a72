"""Scope: a person, a unit, an authority and a bureau read and act only on what is theirs (404)."""

import pytest

from accounts.models import RoleAssignment
from core import errors
from core.actors import Role
from credits import selectors, services
from credits.models import Declaration, HourRecord
from tests import factories
from tests.credits.helpers import actor, declare, pdf_file, person_actor

pytestmark = pytest.mark.django_db


@pytest.fixture
def theirs(world):
    """A submitted declaration of the other unit's person (other authority)."""
    return declare(world.other_person)


def test_a_person_cannot_read_or_touch_another_persons_declaration(api_as, world, theirs):
    client = api_as(world.person.user)
    assert client.get(f"declarations/{theirs.pk}").status_code == 404
    assert client.post(f"declarations/{theirs.pk}/submit").status_code == 404
    assert client.upload(f"declarations/{theirs.pk}/evidence", {"file": pdf_file()}).status_code == 404
    response = client.client.patch(
        f"/api/v1/declarations/{theirs.pk}",
        {"title": "x"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {client.token}",
    )
    assert response.status_code == 404
    assert client.get("declarations").json()["count"] == 0
    assert client.get(f"persons/{world.other_person.pk}/progress").status_code == 404
    assert client.get(f"persons/{world.other_person.pk}/hours").status_code == 404
    assert client.get(f"persons/{world.other_person.pk}/title-readiness").status_code == 404


def test_a_persons_drafts_are_invisible_to_their_unit(api_as, world):
    draft = declare(world.person, submit=False)
    assert api_as(world.unit_user).get(f"declarations/{draft.pk}").status_code == 404


@pytest.mark.parametrize("who", ["unit_user", "sibling_unit_user", "authority_user"])
def test_reviewers_of_another_chain_get_404(api_as, world, theirs, who):
    client = api_as(getattr(world, who))
    assert client.get(f"declarations/{theirs.pk}").status_code == 404
    response = client.post(f"declarations/{theirs.pk}/review", {"decision": "approve"})
    assert response.status_code == 404
    assert theirs.pk not in [q["id"] for q in client.get("reviews", state="all").json()]
    assert client.get(f"persons/{world.other_person.pk}/hours").status_code == 404
    assert client.get(f"persons/{world.other_person.pk}/progress").status_code == 404
    assert Declaration.objects.get(pk=theirs.pk).state == "pending_unit"


def test_a_sibling_unit_under_the_same_authority_sees_nothing_of_its_neighbour(api_as, world):
    mine = declare(world.person)
    client = api_as(world.sibling_unit_user)
    assert client.get(f"declarations/{mine.pk}").status_code == 404
    assert client.post(f"declarations/{mine.pk}/review", {"decision": "approve"}).status_code == 404


def test_the_supervising_authority_sees_its_units_declarations_but_decides_only_at_its_level(api_as, world):
    mine = declare(world.person)
    client = api_as(world.authority_user)
    assert client.get(f"declarations/{mine.pk}").status_code == 200
    assert client.post(f"declarations/{mine.pk}/review", {"decision": "approve"}).status_code == 409


def test_bureau_scope_follows_its_region(api_as, world):
    mine = declare(world.person)  # unit in 湖滨区 (411202)
    sibling_person = factories.person(world.sibling_unit, name="赵六")  # unit in 灵宝市
    theirs = declare(sibling_person)
    city = api_as(world.bureau_user)
    county = api_as(world.county_bureau_user)
    assert city.get(f"declarations/{mine.pk}").status_code == 200
    assert city.get(f"declarations/{theirs.pk}").status_code == 200
    assert county.get(f"declarations/{mine.pk}").status_code == 200
    assert county.get(f"declarations/{theirs.pk}").status_code == 404
    assert city.post(f"declarations/{mine.pk}/review", {"decision": "approve"}).status_code == 403


def test_base_operators_and_anonymous_callers_see_nothing(api, api_as, world, theirs):
    assert api_as(world.base_user).get(f"declarations/{theirs.pk}").status_code == 404
    assert api.get(f"declarations/{theirs.pk}").status_code == 401
    assert api.get("me/progress").status_code == 401
    assert api_as(world.base_user).get("reviews").status_code == 403


def test_records_are_scoped_through_their_person(api_as, world, theirs):
    assert api_as(world.person.user).get("me/hours", year=2026).json() == []
    assert len(api_as(world.other_person.user).get("me/hours", year=2026).json()) == 1
    assert api_as(world.other_unit_user).get(f"persons/{world.other_person.pk}/hours").status_code == 200
    assert api_as(world.unit_user).get(f"persons/{world.other_person.pk}/hours").status_code == 404


@pytest.fixture
def reviewer_and_person(world):
    """Someone who is both a person of the unit and one of its unit reviewers."""
    both = factories.person(world.unit, name="身兼两职")
    RoleAssignment.objects.create(user=both.user, role=Role.UNIT, organisation=world.unit)
    return both


def test_no_one_reviews_their_own_declaration(api_as, world, reviewer_and_person):
    own = declare(reviewer_and_person)
    other = declare(world.person)
    as_reviewer = api_as(reviewer_and_person.user, Role.UNIT)
    queue = as_reviewer.get("reviews", state="pending").json()
    assert [q["id"] for q in queue] == [other.pk]
    assert as_reviewer.get(f"declarations/{own.pk}").status_code == 404
    response = as_reviewer.post(f"declarations/{own.pk}/review", {"decision": "approve"})
    assert response.status_code == 404
    batch = as_reviewer.post("reviews/batch-approve", {"ids": [own.pk, other.pk]}).json()
    assert batch["approved"] == [other.pk]
    assert [f["id"] for f in batch["failed"]] == [own.pk]
    assert Declaration.objects.get(pk=own.pk).state == "pending_unit"
    # Another reviewer of the unit decides it normally.
    services.review_declaration(actor(world.unit_user), declaration_id=own.pk, decision="approve")
    assert Declaration.objects.get(pk=own.pk).state == "pending_authority"
    # In their person role they still see their own declaration.
    assert api_as(reviewer_and_person.user, Role.PERSON).get(f"declarations/{own.pk}").status_code == 200


def test_selectors_enforce_the_same_scope(world, theirs):
    with pytest.raises(errors.NotFound):
        selectors.declaration_for(actor(world.unit_user), theirs.pk)
    with pytest.raises(errors.NotFound):
        selectors.person_progress(actor(world.authority_user), world.other_person.pk, 2026)
    with pytest.raises(errors.NotFound):
        services.update_declaration(
            person_actor(world.person), declaration_id=theirs.pk, change=services.DeclarationChange(title="x")
        )
    assert HourRecord.objects.filter(person=world.other_person).count() == 1
