"""Browser tests: Playwright (sync) driving Debian's Chromium against pytest-django's live server.

Screenshots go to artifacts/screenshots/ (git-ignored); look at them after a run.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Sync Playwright runs an event loop in this thread; Django refuses ORM calls from a thread
# with a running loop unless told that this is deliberate (the test code is synchronous).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing: apt-get install chromium fonts-noto-cjk")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


_RUNTIME: dict = {}


def _chromium():
    """One Playwright and one Chromium per test process, however many modules import the
    `browser` fixture (a second sync Playwright in the same thread would fail)."""
    if "browser" not in _RUNTIME:
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        _RUNTIME["playwright"] = playwright
        _RUNTIME["browser"] = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    return _RUNTIME["browser"]


def _stop_chromium():
    chromium = _RUNTIME.pop("browser", None)
    playwright = _RUNTIME.pop("playwright", None)
    if chromium is not None:
        chromium.close()
    if playwright is not None:
        playwright.stop()


@pytest.fixture(scope="session")
def browser():
    yield _chromium()
    _stop_chromium()


def certificate_pdf(title: str = "结业证书") -> bytes:
    """A real one-page PDF with Chinese text (reportlab's built-in CID font needs no file)."""
    import io

    from reportlab.lib.pagesizes import A5, landscape
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=landscape(A5))
    page.setFont("STSong-Light", 28)
    page.drawCentredString(298, 300, title)
    page.setFont("STSong-Light", 14)
    page.drawCentredString(298, 240, "兹证明 学员 参加桥梁检测实践，共计 16 学时。")
    page.drawCentredString(298, 200, "三门峡市建筑设计研究院  2026年11月3日")
    page.showPage()
    page.save()
    return out.getvalue()


class Site:
    """A browser page on the live server, with the few steps every journey repeats."""

    def __init__(self, browser, base_url: str, viewport: dict, javascript: bool = True):
        self.context = browser.new_context(
            viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai", java_script_enabled=javascript
        )
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        self.base_url = base_url
        self.errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def go(self, path: str):
        response = self.page.goto(self.base_url + path)
        return response

    def login(self, username: str, password: str):
        self.go("/accounts/login/")
        self.page.get_by_label("账号或身份证号码").fill(username)
        self.page.get_by_label("密码").fill(password)
        self.submit(self.page.get_by_role("button", name="登录"))

    def submit(self, locator):
        """Click something that loads a new page, and wait until that page is there."""
        with self.page.expect_navigation():
            locator.click()

    def logout(self):
        self.submit(self.page.get_by_role("button", name="退出"))

    def screenshot(self, name: str, full_page: bool = True) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def horizontal_overflow(self) -> int:
        """How many pixels the page is wider than the window (0 when it fits)."""
        return self.page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )

    def unlabelled_inputs(self) -> list[str]:
        """Form controls in the page body that have neither a <label> nor an aria-label."""
        return self.page.evaluate(
            """() => [...document.querySelectorAll(
                     'main input:not([type=hidden]), main select, main textarea')]
                 .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
                              && !e.getAttribute('aria-labelledby'))
                 .map(e => e.name || e.id)"""
        )

    def close(self):
        self.context.close()


@pytest.fixture
def site(browser, live_server):
    sites = []

    def open_site(viewport: dict | None = None, javascript: bool = True) -> Site:
        s = Site(browser, live_server.url, viewport or DESKTOP, javascript)
        sites.append(s)
        return s

    yield open_site
    for s in sites:
        assert not s.errors, f"JavaScript errors: {s.errors}"
        s.close()
