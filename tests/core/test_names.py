"""People are listed in pinyin order (issue: the compliance list was in code-point order)."""

import pytest
from django.test import Client

from accounts import services as account_services
from core.names import sort_key
from credits import selectors
from tests import factories
from tests.credits.helpers import actor


def test_names_read_as_pinyin_with_surnames_read_as_surnames():
    assert sort_key("张三") == "zhang1 san1"
    assert sort_key("曾小明") == "zeng1 xiao3 ming2"  # not céng
    assert sort_key("单田芳") == "shan4 tian2 fang1"  # not dān
    assert sort_key("万俟卨").startswith("mo4 qi2")
    assert sort_key(" 李四 ") == "li3 si4"


@pytest.mark.django_db
def test_the_compliance_list_and_its_page_are_in_pinyin_order(world, today):
    for name in ("王五", "曾小明", "阿大", "单田芳"):
        factories.person(world.unit, name=name)
    rows = selectors.staff_compliance(actor(world.unit_user), 2026)
    names = [r.person.name for r in rows]
    assert names == ["阿大", "单田芳", "王五", "曾小明", "张三"]
    client = Client()
    client.force_login(world.unit_user)
    html = client.get("/hours/compliance/").content.decode()
    assert [html.index(n) for n in names] == sorted(html.index(n) for n in names)


@pytest.mark.django_db
def test_a_corrected_name_moves_in_the_order(world, today):
    person = account_services.correct_person_name(
        actor(world.bureau_user), person_id=world.person.pk, name="艾张三", reason="身份证更正"
    )
    person.refresh_from_db()
    assert person.name_sort == "ai4 zhang1 san1"
