"""In a real browser: a person prints the record and an employer verifies its code; a unit
exports its staff compliance through the job page. Screenshots in artifacts/screenshots/."""

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.browser.conftest import CHROMIUM, PHONE
from tests.factories import PASSWORD
from tests.reports.conftest import credit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is missing"),
]


def test_print_the_record_and_verify_its_code(site, world):
    credit(world.person, "public", 30, title="新发展理念专题", organizer="豫才继续教育在线")
    person = site()
    person.login(world.person.user.username, PASSWORD)
    person.go("/hours/me/hours/?year=2026")
    button = person.page.get_by_test_id("print-record")
    assert button.get_attribute("href") == "/reports/record.pdf?year=2026"
    response = person.context.request.get(person.base_url + button.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.body())).pages[0].extract_text().replace(" ", "").replace("\n", "")
    code = re.search(r"核验码：([A-Z0-9-]{14})", text).group(1)

    for viewport, name in ((None, "record-verify"), (PHONE, "record-verify-375")):
        employer = site(viewport)
        employer.go("/reports/verify/")
        employer.page.get_by_label("核验码").fill(code.lower())
        employer.submit(employer.page.get_by_role("button", name="核验"))
        assert employer.page.get_by_test_id("verified-name").inner_text() == "张*"
        assert "30 学时（要求 30）" in employer.page.get_by_test_id("verified").inner_text()
        assert employer.horizontal_overflow() == 0
        assert employer.unlabelled_inputs() == []
        employer.screenshot(name)


def test_a_unit_exports_through_the_job_page(site, world):
    unit = site()
    unit.login(world.unit_user.username, PASSWORD)
    unit.go("/hours/compliance/")
    unit.submit(unit.page.get_by_test_id("export"))
    assert re.search(r"/reports/exports/\d+/$", unit.page.url)
    assert unit.page.get_by_test_id("export-job").get_attribute("data-state") == "done"
    assert "已写 1 / 1 人" in unit.page.get_by_test_id("export-progress").inner_text()
    unit.screenshot("export-job-done")
    with unit.page.expect_download() as info:
        unit.page.get_by_test_id("download").click()
    download = info.value
    assert download.suggested_filename == "2026年度学时达标情况-测试设计院.xlsx"
    with open(download.path(), "rb") as fh:
        rows = list(load_workbook(io.BytesIO(fh.read())).active.iter_rows(values_only=True))
    assert rows[3][1] == "张三" and rows[3][2] == world.person.id_number_masked
