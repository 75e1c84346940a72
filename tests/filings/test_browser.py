"""Filings pages in a real browser at 375 px: they render, every input has a label, nothing
overflows sideways; a unit files a plan through the formset.

Playwright runs in its own thread here: tests/browser keeps a session-wide sync Playwright
open in the main thread of the same worker, and two cannot share a thread."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from filings import services
from filings.models import FilingState, TrainingPlan
from tests import factories
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, DESKTOP, PHONE, Site
from tests.factories import plan_input
from tests.filings import xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

UNLABELED = """() => [...document.querySelectorAll(
    'main input:not([type=hidden]), main select, main textarea')]
  .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))
  .map(e => e.name)"""


def _drive(base_url, unit, bureau, sibling, unit_paths, bureau_paths) -> dict:
    from playwright.sync_api import sync_playwright

    found = {"pages": {}, "errors": [], "saved": False}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        phone = Site(browser, base_url, PHONE)
        for who, paths in ((unit, unit_paths), (bureau, bureau_paths)):
            phone.login(who, factories.PASSWORD)
            for path, name in paths:
                status = phone.go(path).status
                found["pages"][path] = (status, phone.horizontal_overflow(), phone.page.evaluate(UNLABELED))
                phone.screenshot(f"filings-{name}-375")
            phone.logout()
        desktop = Site(browser, base_url, DESKTOP)
        desktop.login(sibling, factories.PASSWORD)
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
        for _ in range(2):  # rows are added in place: nothing typed so far is sent or lost
            page.get_by_role("button", name="增加一行").click()
        rows = page.locator("fieldset[data-row]")
        found["rows"] = rows.count()
        found["last_row_title"] = rows.last.locator("legend").inner_text()
        last = rows.last
        last.get_by_label("培训项目").fill("道路养护技术培训班")
        last.get_by_label("培训对象及人数").fill("养护人员 20人")
        last.get_by_label("开班时间").fill("2025-11-03")
        last.get_by_label("培训学时数").fill("8")
        last.get_by_label("培训方式").fill("面授")
        last.get_by_label("办班地点").fill("陕州区")
        found["first_kept"] = first.get_by_label("培训项目").input_value()
        page.get_by_role("button", name="保存", exact=True).click()
        page.wait_for_load_state()
        found["saved"] = "培训计划已保存" in page.content()
        desktop.screenshot("filings-plan-saved")
        found["errors"] = phone.errors + desktop.errors
        phone.close()
        desktop.close()
        browser.close()
    return found


def test_filing_pages_fit_a_phone_and_a_plan_is_filed(live_server, world):
    plan = factories.accepted_plan(world)
    filing, _token = factories.accepted_platform(world)
    draft = services.create_plan(
        factories.actor(world.unit_user), plan=plan_input(factories.plan_data(), [factories.plan_item_data()])
    )
    bad_rows = xlsx.workbook(
        [(1, xlsx.PLAN_HEADER), (2, [1, "", "人员", "2025-10-01", -2, "", "面授", "地点", "", ""])]
    )
    failed = services.start_import(
        factories.actor(world.unit_user), kind="plan_items", target_id=draft.pk, upload=bad_rows
    )
    unit_paths = [
        ("/filings/plans/", "plan-list"),
        ("/filings/plans/new/", "plan-form"),
        (f"/filings/plans/{plan.pk}/", "plan-detail"),
        (f"/filings/items/{plan.items.first().pk}/attendance/", "attendance"),
        (f"/filings/imports/{failed.pk}/", "import-job"),
    ]
    bureau_paths = [
        ("/filings/inbox/?state=all", "inbox"),
        (f"/filings/platforms/{filing.pk}/", "platform-detail"),
        ("/filings/exceptions/", "exceptions"),
        ("/filings/late-missing/?year=2025", "late-missing"),
    ]
    with ThreadPoolExecutor(max_workers=1) as pool:
        found = pool.submit(
            _drive,
            live_server.url,
            world.unit_user.username,
            world.bureau_user.username,
            world.sibling_unit_user.username,
            unit_paths,
            bureau_paths,
        ).result(timeout=240)
    for path, (status, overflow, unlabeled) in found["pages"].items():
        assert status == 200, path
        assert overflow == 0, path
        assert unlabeled == [], (path, unlabeled)
    assert not found["errors"]
    assert found["saved"]
    created = TrainingPlan.objects.get(filer=world.sibling_unit)
    assert created.state == FilingState.DRAFT
    assert (found["rows"], found["last_row_title"], found["first_kept"]) == (
        4,
        "第 4 行",
        "市政工程新技术研修班",
    )
    assert [i.project for i in created.items.order_by("seq")] == [
        "市政工程新技术研修班",
        "道路养护技术培训班",
    ]
