"""Every role's home in a real browser: it renders, says who is logged in, fits a phone."""

import pytest

from tests import factories
from tests.browser.conftest import PHONE
from tests.credits.helpers import declare

pytestmark = pytest.mark.browser


def test_public_home_on_desktop_and_phone(site):
    desktop = site()
    desktop.go("/")
    assert desktop.page.get_by_test_id("req-total").inner_text().startswith("≥ 90")
    assert desktop.page.get_by_test_id("entrance-manage").is_visible()
    assert desktop.page.get_by_test_id("entrance-learn").is_visible()
    desktop.screenshot("public-home")
    phone = site(PHONE)
    phone.go("/")
    assert phone.horizontal_overflow() == 0
    phone.screenshot("public-home-375")


def test_each_role_home(site, world):
    users = world.user_of_each_role()
    factories.person(world.unit, confirmed=False, name="王待确认")
    declare(world.person)
    declare(world.person, title="服务基层技术指导", method="grassroots", hours="8", category="public")
    extra_pages = {
        "unit": [("/hours/reviews/", "unit-review-queue"), ("/hours/compliance/", "unit-compliance")],
        "authority": [("/hours/timeliness/", "authority-timeliness")],
        "bureau": [("/bureau/calendar/", "bureau-calendar"), ("/bureau/policy/", "bureau-policy")],
        "person": [("/hours/me/declarations/", "person-declarations")],
    }
    for role, user in users.items():
        s = site()
        s.login(user.username, factories.PASSWORD)
        assert s.page.url.endswith("/dashboard/"), role
        assert s.page.get_by_test_id("whoami").is_visible()
        s.screenshot(f"home-{role}")
        for path, name in extra_pages.get(role, []):
            assert s.go(path).status == 200, path
            s.screenshot(name)
        s.close()
    phone = site(PHONE)
    phone.login(world.person.user.username, factories.PASSWORD)
    assert phone.page.get_by_test_id("progress").is_visible()
    assert phone.horizontal_overflow() == 0
    phone.screenshot("home-person-375")
    for path in ("/hours/me/declarations/new/", "/hours/me/hours/", "/accounts/unit/"):
        phone.go(path)
        assert phone.horizontal_overflow() == 0, path
        assert phone.unlabelled_inputs() == [], path
    phone.logout()
    phone.login(world.unit_user.username, factories.PASSWORD)
    for path, name in (
        ("/dashboard/", "home-unit-375"),
        ("/hours/reviews/", "unit-review-queue-375"),
        ("/unit/members/", "unit-members-375"),
        ("/hours/compliance/", "unit-compliance-375"),
    ):
        phone.go(path)
        assert phone.horizontal_overflow() == 0, path
        assert phone.unlabelled_inputs() == [], path
        phone.screenshot(name)
