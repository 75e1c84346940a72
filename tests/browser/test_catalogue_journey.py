"""Declaring a paper (type 6 of the catalogue) with its three evidence slots, in Chromium, and
the unit reviewer seeing it in the queue with the slots, the standard and the cap."""

import pytest

from credits.models import Declaration
from tests import factories
from tests.browser.conftest import certificate_pdf

pytestmark = pytest.mark.browser


def _pdf(name: str, title: str):
    return {"name": name, "mimeType": "application/pdf", "buffer": certificate_pdf(title)}


def test_a_paper_is_declared_slot_by_slot_and_reviewed_with_its_slots(site, world, running_today):
    person = site()
    person.login(world.person.user.username, factories.PASSWORD)
    person.submit(person.page.get_by_role("link", name="申报学时").first)
    catalogue = person.page.get_by_test_id("catalogue")
    assert "第 6 类 · 发表论文" in catalogue.inner_text()
    person.submit(person.page.get_by_test_id("type-paper"))
    chosen = person.page.get_by_test_id("chosen-type").inner_text()
    assert "杂志封面、目录、文章" in chosen and "按项计算" in chosen
    assert person.page.get_by_label("专业科目").is_checked()  # the kind's default category
    person.page.get_by_label("项目级别").select_option(label="核心期刊")
    person.page.get_by_label("项目数量").fill("1")
    person.page.get_by_label("学习内容").fill("装配式建筑节点抗震性能研究")
    person.page.get_by_label("举办单位").fill("《建筑结构》编辑部")
    person.page.get_by_label("开始日期").fill("2026-09-01")
    person.page.get_by_label("结束日期").fill("2026-10-30")
    person.page.get_by_label("申报学时").fill("10")
    person.page.get_by_label("杂志封面").set_input_files(_pdf("封面.pdf", "建筑结构 2026年第10期"))
    person.page.get_by_label("目录", exact=True).set_input_files(_pdf("目录.pdf", "目录"))
    # The article is forgotten: the draft is kept with its files, and the slot is named.
    person.screenshot("catalogue-paper-form")
    person.submit(person.page.get_by_role("button", name="提交审核", exact=True))
    assert (
        "证明材料“文章”：“发表论文”（第 6 类）须上传此项。"
        in person.page.get_by_test_id("message").inner_text()
    )
    declaration = Declaration.objects.get(person=world.person)
    assert declaration.state == "draft"
    person.submit(person.page.get_by_role("link", name="修改申报 / 添加证明材料"))
    person.page.get_by_label("文章").set_input_files(_pdf("论文.pdf", "装配式建筑节点抗震性能研究"))
    person.submit(
        person.page.get_by_role("button", name="保存并重新提交审核", exact=True).or_(
            person.page.get_by_role("button", name="提交审核", exact=True)
        )
    )
    assert person.page.get_by_test_id("state").inner_text() == "待单位审核"
    slots = person.page.get_by_test_id("evidence-slot").all_inner_texts()
    assert sorted(slots) == sorted(["杂志封面：", "目录：", "文章："])
    person.close()

    unit = site()
    unit.login(world.unit_user.username, factories.PASSWORD)
    unit.submit(unit.page.get_by_role("link", name="学时审核").first)
    row = unit.page.locator(f'tr[data-declaration="{declaration.pk}"]')
    assert "第 6 类 · 发表论文" in row.get_by_test_id("queue-type").inner_text()
    unit.submit(row.get_by_role("link", name="审核"))
    assert unit.page.get_by_test_id("slot-name").all_inner_texts() == ["杂志封面", "目录", "文章"]
    assert unit.page.get_by_test_id("slot-empty").count() == 0
    assert "核心期刊 由审核人员认定" in unit.page.get_by_test_id("type-standard").inner_text()
    assert "不设年度上限" in unit.page.get_by_test_id("type-cap").inner_text()
    assert unit.page.get_by_title("证明材料预览：论文.pdf").is_visible()
    unit.screenshot("catalogue-paper-review")


def test_the_catalogue_pages_pass_axe_and_the_nu_checker(site, world, running_today):
    from tests.browser.test_accessibility import AXE, axe_violations, nu_errors

    if not AXE.exists():
        pytest.skip(f"{AXE} is missing: npm install --prefix tests/browser/tooling")
    visits = {}
    for user, pages in (
        (world.person.user, ("/hours/me/declarations/new/", "/hours/me/declarations/new/?type=paper")),
        (world.bureau_user, ("/catalogue/", "/catalogue/2026/paper/")),
    ):
        s = site()
        s.login(user.username, factories.PASSWORD)
        for path in pages:
            response = s.go(path)
            assert response.status == 200, path
            visits[path] = (response.text(), axe_violations(s.page))
        s.close()
    serious = {
        path: [v for v in axe if v["impact"] in ("serious", "critical") or v["id"] == "region"]
        for path, (_html, axe) in visits.items()
    }
    assert {k: v for k, v in serious.items() if v} == {}
    errors = nu_errors(
        {path.strip("/").replace("/", "-").replace("?", "-"): html for path, (html, _a) in visits.items()}
    )
    assert {k: v for k, v in errors.items() if v} == {}
