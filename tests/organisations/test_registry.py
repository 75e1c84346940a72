import json

import pytest
import time_machine

from organisations.models import Organisation, Region
from organisations.services import load_base_registry
from tests.clock import TODAY

pytestmark = pytest.mark.django_db


def test_registry_has_48_provincial_and_2_municipal_bases(api):
    bases = api.get("bases").json()
    assert len([b for b in bases if b["level"] == "provincial"]) == 48
    assert len([b for b in bases if b["level"] == "municipal"]) == 2


def test_registry_matches_the_notice_order_and_names(api):
    provincial = [b for b in api.get("bases").json() if b["level"] == "provincial"]
    by_no = {b["registry_no"]: b["name"] for b in provincial}
    assert by_no[1] == "河南大学"
    assert by_no[19] == "中国人民银行郑州培训学院"
    assert by_no[32] == "三门峡社会管理职业学院"
    assert by_no[48] == "河南省工业和信息化人才交流中心"
    assert sorted(by_no) == list(range(1, 49))


def test_municipal_bases_carry_contacts_from_attachment_2(api):
    municipal = {b["name"]: b for b in api.get("bases").json() if b["level"] == "municipal"}
    assert municipal["三门峡市建筑业协会"]["contact_name"] == "乔宇"
    assert municipal["三门峡市建筑业协会"]["contact_phone"] == "03982850937"
    assert municipal["灵宝市高级技工学校"]["contact_name"] == "孟宪龙"
    assert municipal["灵宝市高级技工学校"]["contact_phone"] == "18625399969"


def test_base_shape_is_the_public_contract(api):
    base = api.get("bases").json()[0]
    assert set(base) >= {"id", "name", "level", "contact_name", "contact_phone"}


def test_bases_are_searchable(api):
    found = api.get("bases", q="灵宝").json()
    assert [b["name"] for b in found] == ["灵宝市高级技工学校"]


def test_regions_cover_counties_and_the_three_zones():
    city = Region.objects.get(code="411200")
    names = set(city.children.values_list("name", flat=True))
    assert {"湖滨区", "陕州区", "渑池县", "卢氏县", "义马市", "灵宝市"} <= names
    assert {"城乡一体化示范区", "经济开发区", "三门峡现代服务业开发区"} <= names
    assert city.parent.name == "河南省"


def test_reloading_reference_data_neither_fails_nor_duplicates():
    from provisioning.reference import load_reference_data

    before = Organisation.objects.count(), Region.objects.count()
    # on the day the suite's data were loaded (a later real day would add that year's policy)
    with time_machine.travel(TODAY, tick=False):
        counts = load_reference_data()
    assert counts == {
        "regions_and_bureaus": 0,
        "bases": 0,
        "professions": 0,
        "catalogue_years": 0,
        "calendar_years": 0,
        "faq": 0,
    }
    assert (Organisation.objects.count(), Region.objects.count()) == before


def test_registry_file_is_the_source(settings, tmp_path):
    data = json.loads((settings.BASE_DIR / "data" / "bases.json").read_text(encoding="utf-8"))
    assert len(data["provincial"]) == 48 and len(data["municipal"]) == 2
    assert load_base_registry() == 0


def test_units_endpoint_lists_units_for_registration(api, world):
    names = [u["name"] for u in api.get("units", q="测试").json()]
    assert "测试设计院" in names
    assert all("region" in u for u in api.get("units").json())
