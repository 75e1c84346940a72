"""One person, one ID number, however it is typed; and no number from a region that never was."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from accounts.models import Person
from core import crypto, idnumber
from tests import factories
from tests.credits.helpers import platform_token

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def test_full_width_spaced_and_dashed_forms_normalise_to_the_same_number():
    number = "11010519491231002X"  # the standard's example
    for typed in (
        number.translate(FULL_WIDTH),
        number.lower(),
        f" {number[:6]} {number[6:14]} {number[14:]} ",
        f"{number[:6]}-{number[6:14]}-{number[14:].lower()}",
        f"{number[:6]}\u3000{number[6:]}".translate(FULL_WIDTH),
    ):
        assert idnumber.validate(typed) == number


@pytest.mark.parametrize("region", ["000000", "999999", "123456", "411299", "110000"])
def test_a_region_code_that_is_no_county_is_refused(region):
    with pytest.raises(ValidationError) as exc:
        idnumber.validate(idnumber.complete(f"{region}19880612002"))
    assert exc.value.code == "region" and region in exc.value.messages[0]


@pytest.mark.parametrize(
    "region",
    [
        "411202",  # 湖滨区, in use
        "110103",  # 崇文区, merged into 东城区 in 2010
        "422201",  # 孝感市 (county-level) before 1993, a retired code
        "440301",  # 深圳市市辖区, carried by many numbers issued in the 1980s
        "810000",  # residence permit of a Hong Kong resident
    ],
)
def test_county_codes_in_use_retired_city_district_and_permit_codes_are_accepted(region):
    number = idnumber.complete(f"{region}19700101002")
    assert idnumber.validate(number) == number


def _registration(world, number):
    return {
        "name": "王五",
        "id_number": number,
        "phone": "13812345678",
        "password": "Xuexi2025ok",
        "unit_id": world.unit.pk,
        "profession": "engineering",
    }


@pytest.mark.django_db
def test_full_width_digits_register_the_same_person_as_ascii(api, world):
    number = factories.valid_id_number()
    first = api.post("register", _registration(world, number.translate(FULL_WIDTH)))
    assert first.status_code == 201, first.content
    person = Person.objects.get(pk=first.json()["person_id"])
    assert person.id_number_hash == crypto.lookup_hash(number) and person.reveal_id_number() == number
    second = api.post("register", _registration(world, number))
    assert second.status_code == 422
    assert second.json()["errors"][0]["field"] == "id_number" and "已注册" in second.json()["detail"]
    spaced = f"{number[:6]} {number[6:14]} {number[14:]}"
    login = api.post("auth/token", {"username": spaced.translate(FULL_WIDTH), "password": "Xuexi2025ok"})
    assert login.status_code == 200, login.content


@pytest.mark.django_db
def test_web_registration_accepts_a_spaced_number_and_refuses_an_unknown_region(client, world):
    number = factories.valid_id_number()
    form = {**_registration(world, f"{number[:6]} {number[6:14]} {number[14:]}"), "password2": "Xuexi2025ok"}
    assert client.post("/accounts/register/", form).status_code == 302
    assert Person.objects.filter(id_number_hash=crypto.lookup_hash(number)).exists()
    bad = {**form, "id_number": idnumber.complete("00000019880612002"), "phone": "13812345679"}
    response = client.post("/accounts/register/", bad)
    assert response.status_code == 200 and "地址码" in response.content.decode()


@pytest.mark.django_db
def test_a_push_and_the_bureau_search_find_the_person_by_a_full_width_number(world, api_as, today):
    number = world.person.reveal_id_number()
    token = platform_token(world)
    item = {
        "external_id": "fw-1",
        "id_number": number.translate(FULL_WIDTH),
        "name": world.person.name,
        "course": "数字技术与网络安全",
        "category": "public",
        "hours": 2,
        "completed_on": "2026-11-10",
    }
    pushed = Client().post(
        "/api/v1/platform/completions",
        {"items": [item]},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert pushed.json()["accepted"] == ["fw-1"]
    from web.selectors import search_people

    typed = f"{number[:6]}-{number[6:]}".translate(FULL_WIDTH)
    found = search_people(factories.actor(world.bureau_user), typed)
    assert list(found) == [world.person]
