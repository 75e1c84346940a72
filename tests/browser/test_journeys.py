"""The journeys of the issue, in Chromium, against the live server: nothing through the API."""

import pytest

from accounts.models import Membership, Person
from credits import services
from credits.models import Declaration
from tests import factories
from tests.browser.conftest import PHONE, certificate_pdf
from tests.credits.helpers import declare, pdf_file

pytestmark = pytest.mark.browser

PASSWORD = "Zhaoliu2026"


def _pdf(name="结业证书.pdf", title="结业证书"):
    return {"name": name, "mimeType": "application/pdf", "buffer": certificate_pdf(title)}


def _fill_declaration(page, title="桥梁检测实践", hours="16"):
    page.get_by_label("专业科目").check()
    page.get_by_label("实践操作", exact=True).check()
    page.get_by_label("学习内容").fill(title)
    page.get_by_label("举办单位").fill("三门峡市建筑设计研究院")
    page.get_by_label("开始日期").fill("2026-11-02")
    page.get_by_label("结束日期").fill("2026-11-03")
    page.get_by_label("申报学时").fill(hours)


def _decide(site, user, declaration_id, decision, comment=""):
    s = site()
    s.login(user.username, factories.PASSWORD)
    s.submit(s.page.get_by_role("link", name="学时审核").first)
    s.submit(s.page.locator(f'tr[data-declaration="{declaration_id}"]').get_by_role("link", name="审核"))
    s.page.get_by_label(decision, exact=True).check()
    if comment:
        s.page.get_by_label("审核意见").fill(comment)
    s.submit(s.page.get_by_role("button", name="提交审核结果"))
    feedback = s.page.locator(".invalid-feedback, [data-testid=message]").all_inner_texts()
    assert s.page.get_by_test_id("message").count(), ("the decision was not taken", feedback)
    return s


def test_register_confirm_declare_two_approvals_progress(site, world):
    number = factories.valid_id_number()
    # 1. Registration through the management entrance.
    person = site()
    person.go("/")
    person.submit(person.page.get_by_role("link", name="首次参加：注册账号"))
    person.page.get_by_label("姓名").fill("赵六")
    person.page.get_by_label("身份证号码").fill(number)
    person.page.get_by_label("手机号码").fill("13912345678")
    person.page.get_by_label("查找工作单位").fill("设计院")
    person.page.get_by_label("工作单位", exact=True).select_option(label=world.unit.name)
    person.page.get_by_label("职称系列").select_option(label="工程技术")
    person.page.get_by_label("密码", exact=True).fill(PASSWORD)
    person.page.get_by_label("确认密码").fill(PASSWORD)
    person.screenshot("register-form")
    person.submit(person.page.get_by_role("button", name="注册"))
    assert "注册成功" in person.page.get_by_test_id("message").first.inner_text()
    assert "待单位确认" in person.page.get_by_test_id("membership").inner_text()
    registered = Person.objects.get(name="赵六")
    person.close()

    # 2. The unit confirms the member.
    unit = site()
    unit.login(world.unit_user.username, factories.PASSWORD)
    unit.submit(unit.page.get_by_role("link", name="本单位人员", exact=True))
    row = unit.page.locator(f'tr[data-person="{registered.pk}"]')
    unit.submit(row.get_by_role("button", name="确认", exact=True))
    assert "已确认 赵六 为本单位人员" in unit.page.get_by_test_id("message").inner_text()
    assert Membership.objects.get(person=registered).state == "confirmed"
    unit.close()

    # 3. The person (logging in with the ID number) declares with a PDF.
    person = site()
    person.login(number, PASSWORD)
    person.submit(person.page.get_by_role("link", name="申报学时").first)
    _fill_declaration(person.page)
    person.page.get_by_label("证明材料", exact=True).set_input_files(_pdf())
    person.screenshot("declaration-form")
    person.submit(person.page.get_by_role("button", name="提交审核", exact=True))
    assert person.page.get_by_test_id("state").inner_text() == "待单位审核"
    assert "等待测试设计院审核" in person.page.get_by_test_id("message").inner_text()
    declaration = Declaration.objects.get(person=registered)
    person.close()

    # 4. The unit approves (the evidence is previewed on the page), then 5. the authority.
    unit = _decide(site, world.unit_user, declaration.pk, "通过")
    assert "已转行业主管部门审核" in unit.page.get_by_test_id("message").inner_text()
    unit.close()
    authority = _decide(site, world.authority_user, declaration.pk, "通过", "同意")
    assert "16 学时已计入本人 2026 年度学时" in authority.page.get_by_test_id("message").inner_text()
    authority.close()

    # 6. The person's progress shows the hours, on a desktop and on a phone.
    person = site()
    person.login(number, PASSWORD)
    assert person.page.get_by_test_id("professional-hours").inner_text() == "16"
    assert "还差 74 学时" in person.page.get_by_test_id("compliance").inner_text()
    person.screenshot("person-home-after-approval")
    phone = site(PHONE)
    phone.login(number, PASSWORD)
    assert phone.page.get_by_test_id("professional-hours").inner_text() == "16"
    assert phone.horizontal_overflow() == 0
    phone.screenshot("person-home-375")
    phone.page.get_by_role("button", name="展开导航").click()
    phone.submit(phone.page.get_by_role("link", name="学时档案"))
    assert phone.horizontal_overflow() == 0
    phone.screenshot("person-records-375")


def test_rejection_with_reason_is_seen_by_the_person(site, world):
    declaration = declare(world.person, title="自学网络安全", evidence=False, submit=False)
    who = factories.actor(world.person.user)
    services.attach_evidence(
        who, declaration_id=declaration.pk, uploaded=pdf_file("结业证书.pdf", certificate_pdf())
    )
    declaration = services.submit_declaration(who, declaration_id=declaration.pk)
    unit = site()
    unit.login(world.unit_user.username, factories.PASSWORD)
    unit.go(f"/hours/reviews/{declaration.pk}/")
    assert unit.page.get_by_title("证明材料预览：结业证书.pdf").is_visible()
    unit.page.wait_for_load_state("networkidle")
    unit.page.wait_for_timeout(1000)  # only so that the screenshot shows the rendered PDF
    unit.screenshot("review-detail")
    unit.page.get_by_label("不通过").check()
    unit.submit(unit.page.get_by_role("button", name="提交审核结果"))
    # Refused: the field says why, nothing changed.
    assert "审核意见：不通过时必须填写原因。" in unit.page.locator(".invalid-feedback").first.inner_text()
    unit.page.get_by_label("审核意见").fill("证明材料与申报内容不符")
    unit.submit(unit.page.get_by_role("button", name="提交审核结果"))
    assert "已不予通过" in unit.page.get_by_test_id("message").inner_text()

    person = site()
    person.login(world.person.user.username, factories.PASSWORD)
    person.go(f"/hours/me/declarations/{declaration.pk}/")
    assert person.page.get_by_test_id("state").inner_text() == "未通过"
    assert "证明材料与申报内容不符" in person.page.get_by_test_id("review-comment").inner_text()
    person.screenshot("person-rejected-declaration")


def test_returned_declaration_is_edited_and_resubmitted(site, world):
    declaration = declare(world.person)
    _decide(site, world.unit_user, declaration.pk, "退回修改", "请补充签到表").close()
    person = site()
    person.login(world.person.user.username, factories.PASSWORD)
    person.go(f"/hours/me/declarations/{declaration.pk}/")
    assert person.page.get_by_test_id("state").inner_text() == "退回修改"
    person.submit(person.page.get_by_role("link", name="修改申报 / 添加证明材料"))
    assert "请补充签到表" in person.page.get_by_test_id("returned-reason").inner_text()
    person.page.get_by_label("申报学时").fill("12")
    person.page.get_by_label("证明材料", exact=True).set_input_files(_pdf("签到表.pdf", "签到表"))
    person.submit(person.page.get_by_role("button", name="保存并重新提交审核"))
    assert person.page.get_by_test_id("state").inner_text() == "待单位审核"
    assert person.page.get_by_test_id("declared-hours").inner_text().startswith("12 学时")
    declaration.refresh_from_db()
    assert declaration.state == "pending_unit" and declaration.evidence.count() == 2


def test_reviewer_of_another_unit_gets_404(site, world):
    declaration = declare(world.person)
    other = site()
    other.login(world.other_unit_user.username, factories.PASSWORD)
    response = other.go(f"/hours/reviews/{declaration.pk}/")
    assert response.status == 404
    assert other.page.get_by_test_id("not-found").is_visible()
    evidence = declaration.evidence.get()
    assert other.go(f"/hours/declarations/{declaration.pk}/evidence/{evidence.pk}/").status == 404
    other.screenshot("other-unit-404")


def test_batch_approval_names_its_count_and_refuses_an_empty_selection(site, world):
    ids = [
        declare(
            world.person, title=f"讲座{i}", hours="1", started_on=f"2026-11-0{i}", ended_on=f"2026-11-0{i}"
        ).pk
        for i in (1, 2, 3)
    ]
    unit = site()
    unit.login(world.unit_user.username, factories.PASSWORD)
    unit.go("/hours/reviews/")
    asked = []

    def answer(dialog):
        asked.append(dialog.message)
        dialog.accept()

    unit.page.on("dialog", answer)
    unit.page.get_by_role("button", name="通过所勾选的申报").click()
    unit.page.wait_for_timeout(300)
    assert asked == ["请先勾选要通过的申报。"]
    assert not Declaration.objects.filter(state="pending_authority").exists()
    for pk in ids[:2]:
        unit.page.locator(f"tr[data-declaration='{pk}'] input[name='ids']").check()
    unit.submit(unit.page.get_by_role("button", name="通过所勾选的申报"))
    assert asked[-1] == "确认通过所勾选的 2 条申报？"
    assert "已批量通过 2 条申报" in unit.page.get_by_test_id("message").inner_text()
    unit.submit(unit.page.get_by_test_id("approve-matching"))
    assert asked[-1] == "确认通过全部符合当前筛选条件的 1 条申报（不限本页）？"
    assert set(Declaration.objects.filter(pk__in=ids).values_list("state", flat=True)) == {
        "pending_authority"
    }
