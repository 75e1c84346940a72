"""In a real browser: the 2025 notice on the public home and its page, the help page with the
footer's contact lines, and a unit home with its completion chart, on a desktop and a phone.
Screenshots in artifacts/screenshots/."""

import pytest

from core.actors import Role
from organisations.models import Organisation
from provisioning.notice import TITLE, publish_notice_2025
from tests import factories
from tests.browser.conftest import PHONE
from tests.reports.conftest import credit

pytestmark = pytest.mark.browser


def test_public_home_with_the_notice_and_the_help_page(site, world, running_today):
    bureau = Organisation.objects.get(pk=world.bureau.pk)
    bureau.contact_phone = "0398-2811234"
    bureau.save()
    notice = publish_notice_2025(factories.actor(world.bureau_user, Role.BUREAU))
    desktop = site()
    desktop.go("/")
    row = desktop.page.get_by_test_id("home-notices").get_by_test_id("notice-row").first
    assert TITLE in row.inner_text() and "置顶" in row.inner_text()
    footer = desktop.page.get_by_test_id("footer-contacts")
    assert "0398-2811234" in footer.inner_text()
    assert "乔宇" in desktop.page.locator("footer").inner_text()
    desktop.screenshot("public-home-notice")
    desktop.submit(row.get_by_role("link"))
    assert desktop.page.get_by_role("heading", level=1).inner_text() == TITLE
    attachments = desktop.page.get_by_test_id("notice-attachments").inner_text()
    assert "三人社专技〔2025〕1号.pdf" in attachments and ".docx" in attachments and ".xlsx" in attachments
    link = desktop.page.get_by_test_id("notice-attachments").get_by_role("link").first
    response = desktop.context.request.get(desktop.base_url + link.get_attribute("href"))
    assert response.ok and response.body().startswith(b"%PDF-")
    desktop.screenshot("notice-2025")
    desktop.go("/help/")
    assert desktop.page.get_by_test_id("faq-person").is_visible()
    answer = desktop.page.get_by_text("用它登录后必须立即设置新密码")
    assert not answer.is_visible()  # answers open one by one
    desktop.page.get_by_text("忘记密码怎么办？").click()
    assert answer.is_visible()
    assert "0398-2811234" in desktop.page.get_by_test_id("help-contacts").inner_text()
    desktop.screenshot("help")

    phone = site(PHONE)
    for path, name in (
        ("/", "public-home-notice-375"),
        (f"/notices/{notice.pk}/", "notice-2025-375"),
        ("/help/", "help-375"),
    ):
        phone.go(path)
        assert phone.horizontal_overflow() == 0, path
        phone.screenshot(name)


def test_unit_home_with_its_chart_and_unread_notices(site, world, running_today):
    full = factories.person(world.unit, name="达标者")
    credit(full, "public", 30)
    credit(full, "professional", 60)
    half = factories.person(world.unit, name="只有公需")
    credit(half, "public", 30)
    credit(world.person, "professional", 40)
    publish_notice_2025(factories.actor(world.bureau_user, Role.BUREAU))
    desktop = site()
    desktop.login(world.unit_user.username, factories.PASSWORD)
    chart = desktop.page.get_by_test_id("chart-unit-completion")
    assert chart.locator("svg[role=img]").is_visible()
    box = chart.locator("svg").bounding_box()
    assert box["width"] > 300 and box["height"] > 100
    table = desktop.page.get_by_test_id("chart-table-unit-completion").inner_text()
    assert "公需科目" in table and "全部达标" in table
    assert desktop.page.get_by_test_id("unread-notices").inner_text().startswith("1")
    desktop.screenshot("home-unit-chart")
    phone = site(PHONE)
    phone.login(world.unit_user.username, factories.PASSWORD)
    assert phone.horizontal_overflow() == 0
    svg = phone.page.get_by_test_id("chart-unit-completion").locator("svg").bounding_box()
    assert svg["width"] <= PHONE["width"]
    phone.page.get_by_test_id("chart-unit-completion").scroll_into_view_if_needed()
    phone.screenshot("home-unit-chart-375")
