"""Filings pages in a real browser at 375 px: they render, every input has a label, nothing
overflows sideways; the base files a plan through the formset."""

import pytest

from filings.models import FilingState, TrainingPlan
from tests import factories
from tests.browser.conftest import PHONE, browser, site  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_filing_pages_fit_a_phone_and_a_plan_is_filed(site, world):  # noqa: F811
    plan = factories.accepted_plan(world)
    filing, _token = factories.accepted_platform(world)
    phone = site(PHONE)
    phone.login(world.unit_user.username, factories.PASSWORD)
    for path, name in (
        ("/filings/plans/", "plan-list"),
        ("/filings/plans/new/", "plan-form"),
        (f"/filings/plans/{plan.pk}/", "plan-detail"),
        (f"/filings/items/{plan.items.first().pk}/attendance/", "attendance"),
    ):
        assert phone.go(path).status == 200, path
        assert phone.horizontal_overflow() == 0, path
        unlabeled = phone.page.evaluate(
            """() => [...document.querySelectorAll(
                     'main input:not([type=hidden]), main select, main textarea')]
                 .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))
                 .map(e => e.name)"""
        )
        assert unlabeled == [], (path, unlabeled)
        phone.screenshot(f"filings-{name}-375")
    phone.logout()
    phone.login(world.bureau_user.username, factories.PASSWORD)
    for path, name in (
        ("/filings/inbox/?state=all", "inbox"),
        (f"/filings/platforms/{filing.pk}/", "platform-detail"),
        ("/filings/exceptions/", "exceptions"),
        ("/filings/late-missing/?year=2025", "late-missing"),
    ):
        assert phone.go(path).status == 200, path
        assert phone.horizontal_overflow() == 0, path
        phone.screenshot(f"filings-{name}-375")
    # the sibling unit files a plan through the form in the browser
    desktop = site()
    desktop.login(world.sibling_unit_user.username, factories.PASSWORD)
    desktop.go("/filings/plans/new/")
    page = desktop.page
    page.get_by_label("申报年度").select_option("2025")
    page.get_by_label("联系人").fill("乔宇")
    page.get_by_label("电话").fill("0398-2850937")
    page.get_by_label("申报单位（基地）意见").fill("同意申报")
    first = page.locator("fieldset").first
    first.get_by_label("培训项目").fill("市政工程新技术研修班")
    first.get_by_label("培训对象及人数").fill("工程技术人员 30人")
    first.get_by_label("开班时间").fill("2025-10-12")
    first.get_by_label("培训学时数").fill("16")
    first.get_by_label("培训方式").fill("面授")
    first.get_by_label("办班地点").fill("灵宝市")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    assert "培训计划已保存" in page.content()
    desktop.screenshot("filings-plan-saved")
    created = TrainingPlan.objects.get(filer=world.sibling_unit)
    assert created.state == FilingState.DRAFT
    assert [i.project for i in created.items.all()] == ["市政工程新技术研修班"]
