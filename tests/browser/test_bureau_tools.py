"""Bureau tools in Chromium: the work calendar's month grid (clicking days fills the date
lists, saving enters them; it fits a phone) and the searchable organisation picker of the
late-filing exceptions."""

import datetime as dt

import pytest

from policy.models import CalendarDay
from tests import factories
from tests.browser.conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_city_bureau_enters_days_by_clicking_the_month_grid(site, world, running_today):
    bureau = site()
    bureau.login(world.bureau_user.username, factories.PASSWORD)
    bureau.go("/bureau/calendar/2027/")
    page = bureau.page
    page.locator("button[data-date='2027-10-04']").click()  # a Monday: 放假
    page.locator("button[data-date='2027-09-26']").click()  # a Sunday: 调休上班
    page.locator("button[data-date='2027-10-05']").click()
    page.locator("button[data-date='2027-10-05']").click()  # clicked twice: back to a working day
    assert page.get_by_label("放假的工作日（周一至周五）").input_value().split() == ["2027-10-04"]
    assert page.get_by_label("调休上班的周末").input_value().split() == ["2027-09-26"]
    assert page.locator("button[data-date='2027-10-04']").get_attribute("aria-pressed") == "true"
    assert page.locator("td:has(button[data-date='2027-09-26'])").get_attribute("data-kind") == "makeup"
    bureau.screenshot("calendar-grid")
    bureau.submit(page.get_by_role("button", name="保存 2027 年日历"))
    assert set(CalendarDay.objects.filter(date__year=2027).values_list("date", "is_working_day")) == {
        (dt.date(2027, 10, 4), False),
        (dt.date(2027, 9, 26), True),
    }
    phone = site(PHONE)
    phone.login(world.bureau_user.username, factories.PASSWORD)
    phone.go("/bureau/calendar/2027/")
    assert phone.horizontal_overflow() == 0
    phone.screenshot("calendar-grid-375")


def test_the_exception_form_finds_an_organisation_by_typing(site, world, running_today):
    bureau = site()
    bureau.login(world.bureau_user.username, factories.PASSWORD)
    bureau.go("/filings/exceptions/")
    page = bureau.page
    page.get_by_label("查找申报单位").fill("市政")
    visible = page.locator("#id_organisation option:not([hidden])").all_inner_texts()
    assert any("测试市政公司" in text for text in visible)
    assert not any("测试设计院" in text for text in visible)
    page.get_by_label("查找申报单位").fill("")
    assert page.locator("#id_organisation option[hidden]").count() == 0
