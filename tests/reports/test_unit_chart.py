"""The unit home's chart: its confirmed staff who met / missed each figure of this year's
requirement, from the same rows as the compliance list, and nobody else's staff."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from core.actors import Role
from reports import selectors
from tests import factories
from tests.reports.conftest import credit

pytestmark = pytest.mark.django_db
NS = {"s": "http://www.w3.org/2000/svg"}


def _staff(world):
    """张三 (nothing) and three colleagues: 90 of 30+60 (all met), 30 public only, 40 professional."""
    full = factories.person(world.unit, name="达标者")
    credit(full, "public", 30)
    credit(full, "professional", 60)
    public_only = factories.person(world.unit, name="只有公需")
    credit(public_only, "public", 30)
    professional = factories.person(world.unit, name="专业不足")
    credit(professional, "professional", 40)
    factories.person(world.unit, confirmed=False, name="待确认")  # not staff yet
    credit(world.other_person, "public", 30)  # another unit's, compliant: never counted here
    credit(world.other_person, "professional", 60)


def _svg(html: str) -> ET.Element:
    figure = html[html.index('data-testid="chart-unit-completion"') :]
    return ET.fromstring(re.search(r"<svg.*?</svg>", figure, re.S).group(0))


def test_completion_by_category_counts_the_units_confirmed_staff(world):
    _staff(world)
    figures = selectors.completion_by_category(factories.actor(world.unit_user), 2026)
    assert (figures.members, figures.public, figures.professional, figures.total, figures.compliant) == (
        4,
        2,
        1,
        1,
        1,
    )


def test_unit_home_draws_met_and_missed_per_category(world):
    _staff(world)
    client = Client()
    client.force_login(world.unit_user)
    html = client.get("/dashboard/").content.decode()
    root = _svg(html)
    assert root.get("role") == "img"
    assert root.find("s:title", NS).text == "2026 年度本单位人员学时完成情况"
    assert "本单位 4 名已确认人员中：公需科目达标 2 人" in root.find("s:desc", NS).text
    bars = root.findall(".//s:rect[@class='chart-bar']", NS)
    met = [b.get("data-value") for b in bars if b.get("data-series") == "已达标"]
    missed = [b.get("data-value") for b in bars if b.get("data-series") == "未达标"]
    assert met == ["2", "1", "1", "1"] and missed == ["2", "3", "3", "3"]
    widths = {b.get("data-series") + b.get("data-value"): float(b.get("width")) for b in bars}
    assert abs(widths["已达标2"] - widths["未达标2"]) < 0.01  # 2 of 4 either way
    table = html[html.index('data-testid="chart-table-unit-completion"') :]
    table = table[: table.index("</table>")]
    assert '<th scope="row" class="fw-normal">公需科目</th><td class="text-end">2</td>' in table
    assert "全部达标" in table and "未达标（人）" in table


def test_another_units_home_sees_only_its_own(world):
    _staff(world)
    client = Client()
    client.force_login(world.other_unit_user)
    root = _svg(client.get("/dashboard/").content.decode())
    bars = root.findall(".//s:rect[@class='chart-bar']", NS)
    assert [b.get("data-value") for b in bars if b.get("data-series") == "已达标"] == ["1", "1", "1", "1"]
    assert [b.get("data-value") for b in bars if b.get("data-series") == "未达标"] == ["0", "0", "0", "0"]


def test_a_unit_without_confirmed_staff_gets_an_empty_chart(world):
    lonely = factories.unit(world.authority, "无人单位")
    user = factories.staff(Role.UNIT, lonely)
    client = Client()
    client.force_login(user)
    html = client.get("/dashboard/").content.decode()
    root = _svg(html)
    assert root.find(".//s:text[@class='chart-empty']", NS).text == "暂无数据"
    assert root.find("s:desc", NS).text == "本单位暂无已确认的人员。"
