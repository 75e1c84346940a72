"""Password reset by the unit (its members) or the bureau (its region), shown once,
changed at the next login; outside the scope it is a 404."""

import pytest
from django.test import Client

from audit.models import AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def _temporary(html: str) -> str:
    marker = 'data-testid="temporary-password">'
    return html.split(marker, 1)[1].split("<", 1)[0].strip()


def test_unit_resets_a_members_password_which_must_then_be_changed(world):
    client = client_for(world.unit_user)
    url = f"/accounts/people/{world.person.pk}/reset-password/"
    confirm = client.get(url)
    assert confirm.status_code == 200 and "确认重置" in confirm.content.decode()
    world.person.user.refresh_from_db()
    assert not world.person.user.must_change_password  # GET changes nothing
    done = client.post(url)
    assert done.status_code == 200 and done["Cache-Control"] == "no-store"
    temporary = _temporary(done.content.decode())
    assert len(temporary) == 10
    assert AuditEntry.objects.filter(action="user.password_reset").count() == 1

    person = Client()
    response = person.post(
        "/accounts/login/", {"username": world.person.reveal_id_number(), "password": temporary}
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/password/"
    # Every other page sends them back until the password is changed.
    assert person.get("/dashboard/")["Location"] == "/accounts/password/"
    html = person.get("/accounts/password/").content.decode()
    assert "一次性密码" in html
    response = person.post(
        "/accounts/password/",
        {"old_password": temporary, "new_password": "Xinmima2026", "new_password2": "Xinmima2026"},
        follow=True,
    )
    assert "密码已修改" in response.content.decode()
    assert person.get("/dashboard/").status_code == 200


def test_password_change_refusal_keeps_the_form_and_names_the_field(world):
    client = client_for(world.person.user)
    response = client.post(
        "/accounts/password/",
        {"old_password": "wrong", "new_password": "Xinmima2026", "new_password2": "Xinmima2026"},
    )
    html = response.content.decode()
    assert "原密码：原密码不正确。" in html and "is-invalid" in html
    response = client.post(
        "/accounts/password/",
        {"old_password": factories.PASSWORD, "new_password": "Xinmima2026", "new_password2": "Other2026x"},
    )
    assert "两次输入的新密码不一致" in response.content.decode()


def test_bureau_finds_a_person_of_its_region_and_resets(world):
    client = client_for(world.bureau_user)
    response = client.post("/bureau/people/", {"q": world.person.reveal_id_number()}, follow=True)
    html = response.content.decode()
    assert "张三" in html and world.person.id_number_masked in html
    assert world.person.reveal_id_number() not in html
    html = client.post("/bureau/people/", {"q": "张"}, follow=True).content.decode()
    assert "张三" in html
    assert client.post(f"/accounts/people/{world.person.pk}/reset-password/").status_code == 200


@pytest.mark.parametrize("attr", ["other_unit_user", "sibling_unit_user"])
def test_another_unit_gets_404(world, attr):
    client = client_for(getattr(world, attr))
    url = f"/accounts/people/{world.person.pk}/reset-password/"
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    world.person.user.refresh_from_db()
    assert not world.person.user.must_change_password


def test_county_bureau_of_another_county_gets_404(world):
    # world.person's unit is in 湖滨区 (411202); a person of a unit in 灵宝市 is outside 湖滨区's bureau.
    outsider = factories.person(world.sibling_unit, name="灵宝人员")
    client = client_for(world.county_bureau_user)
    assert client.get(f"/accounts/people/{outsider.pk}/reset-password/").status_code == 404
    assert client.get(f"/accounts/people/{world.person.pk}/reset-password/").status_code == 200


@pytest.mark.parametrize("attr", ["authority_user", "base_user"])
def test_other_roles_may_not_reset(world, attr):
    client = client_for(getattr(world, attr))
    assert client.post(f"/accounts/people/{world.person.pk}/reset-password/").status_code == 403


def test_person_may_not_reset_even_themself(world):
    client = client_for(world.person.user)
    assert client.post(f"/accounts/people/{world.person.pk}/reset-password/").status_code == 403


def test_the_people_search_keeps_id_numbers_out_of_every_url_and_the_session(world):
    client = client_for(world.bureau_user)
    number = world.person.reveal_id_number()
    typed = f"{number[:6]} {number[6:]}"
    response = client.post("/bureau/people/", {"q": typed})
    assert response.status_code == 302 and response["Location"] == "/bureau/people/"
    assert number not in str(dict(client.session))
    page = client.get("/bureau/people/", {"page": 1})
    assert [p for p, _m in page.context["rows"]] == [world.person]
    # An ID number put into the address by hand is not searched for (nor echoed).
    other = client_for(world.bureau_user)
    html = other.get("/bureau/people/", {"q": number}).content.decode()
    assert number not in html and '<form method="post"' in html
