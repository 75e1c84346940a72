"""The full ID number must not appear in any API answer or page, for any role."""

import pytest
from django.test import Client

from config.api import api as ninja_api
from tests import factories

pytestmark = pytest.mark.django_db

PAGES = ["/", "/bases/", "/learn/", "/dashboard/", "/accounts/password/"]


def _get_paths_without_parameters():
    schema = ninja_api.get_openapi_schema()
    return [p for p, ops in schema["paths"].items() if "get" in ops and "{" not in p]


@pytest.fixture
def secret(world):
    pending = factories.person(world.unit, confirmed=False, name="保密人员")
    return pending.reveal_id_number(), pending


def test_no_api_answer_contains_a_full_id_number(api_as, world, secret):
    number, pending = secret
    users = [
        pending.user,
        world.person.user,
        world.unit_user,
        world.authority_user,
        world.bureau_user,
        world.base_user,
    ]
    paths = _get_paths_without_parameters()
    assert "/api/v1/unit/members" in paths
    for user in users:
        client = api_as(user)
        for path in paths:
            response = client.get(path.removeprefix("/api/v1/"), year=2026, state="pending")
            assert number not in response.content.decode(), (user.username, path)
            assert world.person.reveal_id_number() not in response.content.decode()


def test_no_page_contains_a_full_id_number(world, secret):
    number, pending = secret
    for user in (pending.user, world.unit_user, world.authority_user, world.bureau_user):
        client = Client()
        client.force_login(user)
        for page in PAGES:
            html = client.get(page).content.decode()
            assert number not in html, (user.username, page)
        assert (
            pending.id_number_masked in client.get("/dashboard/").content.decode() or user != world.unit_user
        )


def test_admin_person_pages_show_only_the_masked_number(world, secret):
    number, pending = secret
    client = Client()
    client.force_login(world.bureau_user)
    for url in ("/admin/accounts/person/", f"/admin/accounts/person/{pending.pk}/change/"):
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert number not in html
        assert pending.id_number_masked in html
