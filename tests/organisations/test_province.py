"""A province install: every current Henan city and county (GB/T 2260, data/gbt2260.csv) in the
tree province → city → county, each with its HR bureau, under the province bureau."""

import pytest
from django.core.management import call_command
from django.test import override_settings

from audit.models import AuditEntry
from core.actors import SYSTEM
from organisations.models import Organisation, Region
from organisations.provinces import PROVINCES, current_divisions
from organisations.services import load_province
from provisioning.reference import load_reference_data

pytestmark = pytest.mark.django_db

HENAN = PROVINCES["henan"]
# 17 prefecture-level cities and 济源 (419001, 省直辖县级行政区划, taken as a city of its own).
CITIES = {
    "410100": "郑州市",
    "410200": "开封市",
    "410300": "洛阳市",
    "410400": "平顶山市",
    "410500": "安阳市",
    "410600": "鹤壁市",
    "410700": "新乡市",
    "410800": "焦作市",
    "410900": "濮阳市",
    "411000": "许昌市",
    "411100": "漯河市",
    "411200": "三门峡市",
    "411300": "南阳市",
    "411400": "商丘市",
    "411500": "信阳市",
    "411600": "周口市",
    "411700": "驻马店市",
    "419001": "济源市",
}


def _bureau(code: str) -> Organisation:
    return Organisation.objects.get(kind=Organisation.Kind.BUREAU, region__code=code)


def test_the_source_gives_18_cities_and_156_counties_that_exist_today():
    divisions = current_divisions(HENAN)
    cities = {d.code: d.name for d in divisions if d.level == "city"}
    counties = [d for d in divisions if d.level == "county"]
    assert cities == CITIES
    # 157 county-level divisions in all, 济源 among them (it is the 18th city here).
    assert len(counties) == 156
    codes = {d.code for d in counties}
    # retired codes are not loaded: 偃师市 and 孟津县 became districts of Luoyang in 2021
    assert {"410307", "410308"} <= codes and not {"410381", "410322"} & codes
    assert "410183" in codes  # 新密市
    assert all(d.parent in cities and d.parent != "419001" for d in counties)


def test_loading_henan_builds_the_tree_with_a_bureau_for_every_region():
    load_province(SYSTEM, key="henan")
    province = Region.objects.get(code="410000")
    assert province.level == Region.Level.PROVINCE and province.parent is None
    cities = Region.objects.filter(level=Region.Level.CITY)
    assert {c.code: c.name for c in cities} == CITIES
    assert all(c.parent_id == province.pk for c in cities)
    counties = Region.objects.filter(level=Region.Level.COUNTY)
    assert counties.count() == 156
    assert all(c.parent.level == Region.Level.CITY and c.parent.code == c.code[:4] + "00" for c in counties)
    assert Region.objects.get(code="419001").children.count() == 0
    assert Region.objects.get(code="410100").children.count() == 12
    # Sanmenxia keeps its six counties and the three zones of the notice
    assert Region.objects.get(code="411200").children.count() == 9
    # one bureau per region: province, 18 cities, 156 counties and the three zones
    bureaus = Organisation.objects.filter(kind=Organisation.Kind.BUREAU)
    assert bureaus.count() == 1 + 18 + 156 + 3
    assert bureaus.values("region").distinct().count() == bureaus.count()
    assert _bureau("410000").name == "河南省人力资源和社会保障厅"
    assert _bureau("410100").name == "郑州市人力资源和社会保障局"
    assert _bureau("419001").name == "济源市人力资源和社会保障局"
    assert _bureau("410105").name == "郑州市金水区人力资源和社会保障局"  # a district carries its city
    assert _bureau("410122").name == "中牟县人力资源和社会保障局"
    assert _bureau("410181").name == "巩义市人力资源和社会保障局"
    assert _bureau("411202").name == "湖滨区人力资源和社会保障局"  # Sanmenxia's as it was
    # the province bureau governs every city and county
    assert set(Region.objects.values_list("pk", flat=True)) == set(province.descendant_ids())
    assert AuditEntry.objects.filter(
        action="region.created", target_id=str(Region.objects.get(code="410300").pk)
    )


def test_loading_again_adds_nothing_and_keeps_what_a_bureau_renamed():
    first = load_province(SYSTEM, key="henan")
    assert first == (18 - 1 + 156 - 6) * 2  # regions and bureaus beyond Sanmenxia's
    zhengzhou = _bureau("410100")
    zhengzhou.name = "郑州市人力资源和社会保障局（市人才服务中心）"
    zhengzhou.save(update_fields=["name"])
    regions, bureaus, entries = (
        Region.objects.count(),
        Organisation.objects.filter(kind=Organisation.Kind.BUREAU).count(),
        AuditEntry.objects.count(),
    )
    assert load_province(SYSTEM, key="henan") == 0
    assert Region.objects.count() == regions
    assert Organisation.objects.filter(kind=Organisation.Kind.BUREAU).count() == bureaus
    assert AuditEntry.objects.count() == entries
    assert _bureau("410100").name == "郑州市人力资源和社会保障局（市人才服务中心）"


def test_the_command_and_the_setting_load_the_province_the_default_keeps_sanmenxia(capsys):
    assert load_reference_data()["regions_and_bureaus"] == 0  # the suite's reference data
    assert not Region.objects.filter(code="410300").exists()  # the embedded demo: Sanmenxia only
    with override_settings(CE_PROVINCE="henan"):
        counts = load_reference_data()
    assert counts["province_regions_and_bureaus"] > 0
    assert Region.objects.filter(level=Region.Level.CITY).count() == 18
    call_command("load_reference_data", "--province", "henan")
    assert "'province_regions_and_bureaus': 0" in capsys.readouterr().out


def test_an_unknown_province_is_refused():
    with pytest.raises(ValueError, match="unknown province"):
        load_province(SYSTEM, key="hubei")
