"""Issue 14's forms and pages in Chromium: every error of a form on one submit, beside its
field, with what was typed (and the chosen file) kept; a return needs a comment; a person not
yet confirmed is told before filling; no 重置密码 where it cannot work; a base's attendance page
agrees with the records; the plan form adds rows in place (and without script) and marks its
required columns; the review queue shows 200 a page; the compliance list in pinyin order."""

import pytest

from accounts.models import Person
from credits.models import Declaration, PendingEvidence
from organisations.models import Organisation
from organisations.services import OrganisationInput, upsert_organisation
from tests import factories
from tests.browser.conftest import certificate_pdf
from tests.credits.helpers import declare
from tests.reports.conftest import credit

pytestmark = pytest.mark.browser


def _pdf(name="结业证书.pdf"):
    return {"name": name, "mimeType": "application/pdf", "buffer": certificate_pdf()}


def feedback_of(page, label: str, exact: bool = True) -> str:
    """The error text shown in the same form group as the control labelled `label`."""
    control = page.get_by_label(label, exact=exact)
    return control.evaluate(
        """e => { const box = e.closest('.mb-3, fieldset, [class*="col-"]');
                  return [...box.querySelectorAll('.invalid-feedback')].map(f => f.innerText).join(' '); }"""
    )


def test_registration_shows_every_error_at_once_and_keeps_what_was_typed(site, world):
    good = factories.valid_id_number()
    wrong_check_digit = good[:-1] + ("0" if good[-1] != "0" else "1")
    s = site()
    s.go("/accounts/register/")
    page = s.page
    page.get_by_label("姓名").fill("赵六")
    page.get_by_label("身份证号码").fill(wrong_check_digit)
    page.get_by_label("手机号码").fill("12345678901")
    page.get_by_label("工作单位", exact=True).select_option(label=world.unit.name)
    page.get_by_label("职称系列").select_option(label="工程技术")
    page.get_by_label("密码", exact=True).fill("Zhaoliu2026")
    page.get_by_label("确认密码").fill("Zhaoliu2027")
    s.submit(page.get_by_role("button", name="注册"))  # one submit
    assert "身份证号码" in feedback_of(page, "身份证号码")
    assert "手机号码" in feedback_of(page, "手机号码")
    assert "两次输入的密码不一致" in feedback_of(page, "确认密码")
    for label in ("身份证号码", "手机号码", "确认密码"):  # no green tick on a refused field
        classes = page.get_by_label(label, exact=True).get_attribute("class")
        assert "is-invalid" in classes and "is-valid" not in classes.split(), label
    password = page.get_by_label("密码", exact=True)  # emptied, so no green tick on it
    assert (
        password.input_value() == ""
        and password.evaluate("e => getComputedStyle(e).backgroundImage") == "none"
    )
    assert page.get_by_label("姓名").input_value() == "赵六"
    assert page.get_by_label("身份证号码").input_value() == wrong_check_digit
    assert page.get_by_label("手机号码").input_value() == "12345678901"
    assert page.get_by_label("工作单位", exact=True).input_value() == str(world.unit.pk)
    assert not Person.objects.filter(name="赵六").exists()
    s.screenshot("register-every-error")


def test_the_declare_form_shows_every_error_at_once_and_keeps_the_chosen_file(site, world, running_today):
    s = site()
    s.login(world.person.user.username, factories.PASSWORD)
    s.go("/hours/me/declarations/new/")
    page = s.page
    page.get_by_label("专业科目").check()
    page.get_by_label("实践操作", exact=True).check()
    page.get_by_label("学习内容").fill("桥梁检测实践")
    page.get_by_label("举办单位").fill("三门峡市建筑设计研究院")
    page.get_by_label("开始日期").fill("2026-11-05")
    page.get_by_label("结束日期").fill("2026-11-03")  # before the start
    page.get_by_label("申报学时").fill("100")  # over the daily cap
    s.submit(page.get_by_role("button", name="提交审核", exact=True))  # and no file
    assert "不能晚于结束日期" in feedback_of(page, "开始日期")
    assert "每日不超过" in feedback_of(page, "申报学时")
    assert "请至少上传一份证明材料" in feedback_of(page, "证明材料", exact=True)
    assert page.get_by_label("学习内容").input_value() == "桥梁检测实践"
    s.screenshot("declare-every-error")

    # The dates mended and a file chosen, the hours still too many: the file is kept.
    page.get_by_label("开始日期").fill("2026-11-02")
    page.get_by_label("证明材料", exact=True).set_input_files(_pdf())
    s.submit(page.get_by_role("button", name="提交审核", exact=True))
    assert "每日不超过" in feedback_of(page, "申报学时")
    kept = page.get_by_test_id("pending-files")
    assert "结业证书.pdf" in kept.inner_text() and kept.get_by_role("checkbox").is_checked()
    assert "本次未保存" not in page.content()
    assert not Declaration.objects.filter(person=world.person).exists()
    s.screenshot("declare-file-kept")

    page.get_by_label("申报学时").fill("16")
    s.submit(page.get_by_role("button", name="提交审核", exact=True))
    assert page.get_by_test_id("state").inner_text() == "待单位审核"
    declaration = Declaration.objects.get(person=world.person)
    assert [e.original_name for e in declaration.evidence.all()] == ["结业证书.pdf"]
    assert not PendingEvidence.objects.exists()

    # On the home, the declaration under 审核进度 links to its page (no href="").
    s.go("/dashboard/")
    links = s.page.get_by_test_id("reviews").get_by_role("link")
    assert all(
        href and href != "#" for href in links.evaluate_all("ls => ls.map(a => a.getAttribute('href'))")
    )
    s.submit(s.page.get_by_test_id("reviews").get_by_role("link", name="桥梁检测实践"))
    assert s.page.url.endswith(f"/hours/me/declarations/{declaration.pk}/")


def test_a_return_without_a_comment_is_refused_with_a_message(site, world):
    declaration = declare(world.person)
    s = site()
    s.login(world.unit_user.username, factories.PASSWORD)
    s.go(f"/hours/reviews/{declaration.pk}/")
    s.page.get_by_label("退回修改", exact=True).check()
    s.submit(s.page.get_by_role("button", name="提交审核结果"))
    assert "退回修改时必须写明需要修改什么" in feedback_of(s.page, "审核意见")
    declaration.refresh_from_db()
    assert declaration.state == "pending_unit"
    assert s.page.get_by_label("退回修改", exact=True).is_checked()  # the choice is kept


def test_an_unconfirmed_person_is_told_before_filling_and_saves_a_draft(site, world, running_today):
    newcomer = factories.person(world.unit, confirmed=False, name="新人")
    s = site()
    s.login(newcomer.user.username, factories.PASSWORD)
    s.go("/dashboard/")
    s.submit(s.page.get_by_role("link", name="申报学时").first)
    warning = s.page.get_by_test_id("cannot-submit")
    assert warning.is_visible() and "尚待单位确认" in warning.inner_text()
    assert s.page.get_by_role("button", name="提交审核", exact=True).count() == 0
    page = s.page
    page.get_by_label("专业科目").check()
    page.get_by_label("实践操作", exact=True).check()
    page.get_by_label("学习内容").fill("桥梁检测实践")
    page.get_by_label("举办单位").fill("三门峡市建筑设计研究院")
    page.get_by_label("开始日期").fill("2026-11-02")
    page.get_by_label("结束日期").fill("2026-11-03")
    page.get_by_label("申报学时").fill("16")
    page.get_by_label("证明材料", exact=True).set_input_files(_pdf())
    s.submit(page.get_by_role("button", name="只保存草稿"))
    assert "已保存草稿" in page.get_by_test_id("message").first.inner_text()
    declaration = Declaration.objects.get(person=newcomer)
    assert declaration.state == "draft" and declaration.evidence.count() == 1


def test_no_password_reset_is_offered_on_a_pending_member(site, world):
    pending = factories.person(world.unit, confirmed=False, name="王待确认")
    s = site()
    s.login(world.unit_user.username, factories.PASSWORD)
    s.go("/unit/members/?state=pending")
    row = s.page.locator(f'tr[data-person="{pending.pk}"]')
    assert row.get_by_role("button", name="确认", exact=True).is_visible()
    assert row.get_by_text("重置密码").count() == 0
    assert s.go(f"/accounts/people/{pending.pk}/reset-password/").status == 404
    s.go("/unit/members/?state=confirmed")
    confirmed = s.page.locator(f'tr[data-person="{world.person.pk}"]')
    s.submit(confirmed.get_by_role("link", name="重置密码"))
    assert "为 张三 重置密码" in s.page.get_by_role("heading", level=1).inner_text()


def test_the_base_attendance_pages_count_a_person_credited_from_the_class(site, world, running_today):
    from credits import services as credit_services

    upsert_organisation(
        factories.SYSTEM,
        organisation=OrganisationInput(
            kind=Organisation.Kind.BASE, name=world.base.name, supervisor_id=world.authority.pk
        ),
    )
    plan = factories.accepted_plan(
        world,
        world.base_user,
        year=2026,
        items=[
            factories.plan_item_data(starts_on=running_today.now.date(), hours=24, category="professional")
        ],
    )
    item = plan.items.get()
    credit_services.credit_attendance(
        factories.actor(world.base_user), plan_item_id=item.pk, rows=[(world.person, 24)]
    )
    s = site()
    s.login(world.base_user.username, factories.PASSWORD)
    s.go("/filings/attendance/")
    row = s.page.locator("tr", has_text=item.project)
    assert "1 人" in row.inner_text() and "尚未报送" not in row.inner_text()
    s.go(f"/filings/items/{item.pk}/attendance/")
    assert s.page.get_by_test_id("credited-people").inner_text().startswith("本班已计入学时：1 人")
    assert "尚未报送" not in s.page.locator("main").inner_text()
    s.screenshot("base-attendance")


def _fill_row(row, project, hours, venue="灵宝市"):
    row.get_by_label("培训项目").fill(project)
    row.get_by_label("培训对象及人数").fill("工程技术人员 30人")
    row.get_by_label("开班时间").fill("2025-10-12")
    row.get_by_label("培训学时数").fill(hours)
    row.get_by_label("培训方式").fill("面授")
    row.get_by_label("办班地点").fill(venue)


def test_the_plan_form_marks_required_columns_and_shows_every_row_error_at_once(site, world):
    s = site()
    s.login(world.sibling_unit_user.username, factories.PASSWORD)
    s.go("/filings/plans/new/")
    page = s.page
    first = page.locator("fieldset[data-row]").first
    marks = {
        label: first.get_by_label(label).evaluate(
            "e => getComputedStyle(e.labels[0], '::after').content.includes('*')"
        )
        for label in (
            "培训项目",
            "培训对象及人数",
            "开班时间",
            "培训学时数",
            "培训方式",
            "办班地点",
            "培训师资",
        )
    }
    assert marks == {**{k: True for k in marks}, "培训师资": False}
    page.get_by_label("申报年度").select_option("2025")
    page.get_by_label("联系人").fill("乔宇")
    page.get_by_label("电话").fill("0398-2850937")
    page.get_by_label("申报单位（基地）意见").fill("同意申报")
    rows = page.locator("fieldset[data-row]")
    _fill_row(rows.nth(0), "市政工程新技术研修班", "-5")  # below zero
    _fill_row(rows.nth(1), "道路养护技术培训班", "8", venue="")  # no venue
    s.submit(page.get_by_role("button", name="保存", exact=True))
    rows = page.locator("fieldset[data-row]")
    assert feedback_of(rows.nth(0), "培训学时数") == "培训学时数：不能小于 0。"
    assert feedback_of(rows.nth(1), "办班地点") == "办班地点：必须填写。"
    assert rows.nth(0).get_by_label("培训项目").input_value() == "市政工程新技术研修班"
    assert rows.nth(1).get_by_label("培训项目").input_value() == "道路养护技术培训班"
    s.screenshot("plan-form-every-error")


def test_the_plan_form_adds_rows_without_script_too(site, world):
    s = site(javascript=False)
    s.login(world.sibling_unit_user.username, factories.PASSWORD)
    s.go("/filings/plans/new/")
    assert s.page.locator("fieldset[data-row]").count() == 2
    _fill_row(s.page.locator("fieldset[data-row]").first, "市政工程新技术研修班", "16")
    s.submit(s.page.get_by_role("button", name="增加一行"))
    rows = s.page.locator("fieldset[data-row]")
    assert rows.count() == 7
    assert rows.first.get_by_label("培训项目").input_value() == "市政工程新技术研修班"
    assert rows.last.locator("legend").inner_text() == "第 7 行"


def test_the_review_queue_shows_200_a_page(site, world):
    people = [factories.person(world.unit, name=f"学员{i}") for i in range(5)]
    for n, person in enumerate(people):
        for i in range(41):
            day = f"2026-11-{1 + i % 10:02d}"
            declare(person, title=f"讲座{n}-{i}", hours="1", started_on=day, ended_on=day)
    s = site()
    s.login(world.unit_user.username, factories.PASSWORD)
    s.go("/hours/reviews/")
    assert s.page.locator("tr[data-declaration]").count() == 20
    s.page.get_by_label("每页").select_option("200")  # the select submits itself
    s.page.wait_for_url("**per_page=200**")
    assert s.page.locator("tr[data-declaration]").count() == 200
    s.submit(s.page.get_by_role("link", name="下一页").first)
    assert s.page.locator("tr[data-declaration]").count() == 5
    assert "per_page=200" in s.page.url


def test_the_compliance_list_is_in_pinyin_order(site, world):
    for name in ("曾强", "单雪", "安娜", "李娜"):
        credit(factories.person(world.unit, name=name), "public", 6)
    s = site()
    s.login(world.unit_user.username, factories.PASSWORD)
    s.go("/hours/compliance/")
    names = [
        cell.split("\n")[0].strip()
        for cell in s.page.get_by_test_id("compliance").locator("td[data-label='姓名']").all_inner_texts()
    ]
    assert names == ["安娜", "李娜", "单雪", "曾强", "张三"]
