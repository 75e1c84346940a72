"""The statistics pages in a real browser: axe-core finds nothing serious, the Nu HTML checker
no error, no page is wider than a phone; screenshots of the bureau's completion page and the
unit home with its chart (artifacts/screenshots)."""

import pytest

from tests import factories
from tests.browser.conftest import PHONE
from tests.browser.test_accessibility import AXE, axe_violations, nu_errors
from tests.supervision import scenario

pytestmark = pytest.mark.browser

KEYS = ["completion", "hours", "reviews", "filings", "plans", "sampling"]


def test_statistics_pages_pass_axe_and_the_nu_checker(site, world, today):
    if not AXE.exists():
        pytest.skip(f"{AXE} is missing: npm install --prefix tests/browser/tooling")
    scenario.build(world, today)
    visits = {}
    bureau = site()
    bureau.login(world.bureau_user.username, factories.PASSWORD)
    for path in ["/statistics/", *(f"/statistics/{key}/?year=2026" for key in KEYS)]:
        response = bureau.go(path)
        assert response.status == 200, path
        visits[path] = (response.text(), axe_violations(bureau.page))
    bureau.go("/statistics/completion/?year=2026")
    bureau.screenshot("statistics-bureau-completion")
    unit = site()
    unit.login(world.unit_user.username, factories.PASSWORD)
    unit.go("/dashboard/")
    unit.screenshot("statistics-unit-home")
    response = unit.go("/statistics/completion/?year=2026")
    visits["unit completion"] = (response.text(), axe_violations(unit.page))
    phone = site(PHONE)
    phone.login(world.bureau_user.username, factories.PASSWORD)
    for key in ("completion", "hours", "reviews"):
        phone.go(f"/statistics/{key}/?year=2026")
        assert phone.horizontal_overflow() <= 1, key
    phone.go("/statistics/completion/?year=2026")
    phone.screenshot("statistics-bureau-completion-phone")
    serious = {
        name: [v for v in violations if v["impact"] in ("serious", "critical") or v["id"] == "region"]
        for name, (_html, violations) in visits.items()
    }
    assert {k: v for k, v in serious.items() if v} == {}
    errors = nu_errors(
        {
            name.strip("/").replace("/", "-").replace("?", "-") or "index": html
            for name, (html, _a) in visits.items()
        }
    )
    assert {k: v for k, v in errors.items() if v} == {}
