"""Hours print one way everywhere (24, never 24.0; 12.5 stays 12.5: core.hours.format_hours)
and no text doubles its Chinese punctuation ("成绩。。", "，，", "：。"), on every page each
role reaches from its menu (and the pages those link to), in the text of every PDF kind and in
the cells of every sheet."""

import io
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve
from openpyxl import load_workbook
from pypdf import PdfReader

from credits import services as credit_services
from credits.models import Source
from filings import exports
from policy.models import Method
from reports.models import ExportJob
from tests import factories
from tests.credits.helpers import declare
from tests.reports.conftest import credit
from tests.web.test_links import NOT_FOLLOWED
from web import nav

pytestmark = pytest.mark.django_db

# A number with a useless decimal ("24.0", "24.00"), not part of a longer dotted figure (a
# version such as 1.0.3, an IP address); a doubled mark of Chinese punctuation.
USELESS_DECIMAL = re.compile(r"(?<![\d.])(?<![A-Za-z] )\d+\.0+(?![\d.])")
DOUBLED_PUNCTUATION = re.compile(r"[。，、；：！？][。，、；：！？]")


class _Text(HTMLParser):
    """The text a reader sees: no scripts, styles or templates; attribute values people read
    (title, aria-label, placeholder, value of text inputs) included."""

    SKIPPED = {"script", "style", "template"}
    READ_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.hrefs: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in self.SKIPPED:
            self._skip += 1
        if tag == "a" and attributes.get("href"):
            self.hrefs.append(attributes["href"])
        self.parts += [attributes[a] for a in self.READ_ATTRIBUTES if attributes.get(a)]
        if tag == "input" and attributes.get("type", "text") == "text" and attributes.get("value"):
            self.parts.append(attributes["value"])

    def handle_endtag(self, tag):
        if tag in self.SKIPPED and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def read(html: str) -> tuple[str, list[str]]:
    parser = _Text()
    parser.feed(html)
    return "\n".join(parser.parts), parser.hrefs


def problems_in(text: str, where: str) -> list[str]:
    found = []
    for pattern, what in ((USELESS_DECIMAL, "useless decimal"), (DOUBLED_PUNCTUATION, "doubled punctuation")):
        for match in pattern.finditer(text):
            context = text[max(0, match.start() - 20) : match.end() + 20].replace("\n", " ")
            found.append(f"{where}: {what} {match.group()!r} in …{context}…")
    return found


def crawl(client: Client, start: list[str]) -> dict[str, str]:
    """The text of the start pages and of every platform page they link to (GET only)."""
    texts, queue, seen = {}, [(path, True) for path in start], set()
    while queue:
        path, follow = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code >= 400 or "text/html" not in response.get("Content-Type", ""):
            continue
        text, hrefs = read(response.content.decode())
        texts[path] = text
        if not follow:
            continue
        for href in hrefs:
            target = urlsplit(href)
            if target.scheme or target.netloc or not target.path or target.path.startswith(NOT_FOLLOWED):
                continue
            try:
                resolve(target.path)
            except Resolver404:
                continue
            queue.append((href, False))
    return texts


@pytest.fixture
def records(world, today):
    """Whole and half hours in every state a page shows: credited (platform, attendance, a
    declaration), pending review, a returned one, a plan of 24-hour classes credited from."""
    credit(world.person, "public", 24, title="新发展理念专题", organizer="豫才继续教育在线")
    credit(world.person, "public", 12.5, title="数字经济", organizer="豫才继续教育在线")
    credit(world.person, "professional", 24, title="建筑节能新技术研修班", source=Source.ATTENDANCE,
           method=Method.TRAINING)  # fmt: skip
    declare(world.person, hours="16")
    returned = declare(
        world.person, title="服务基层技术指导", method="grassroots", hours="8.5", category="public"
    )
    credit_services.review_declaration(
        factories.actor(world.unit_user),
        declaration_id=returned.pk,
        decision="return",
        comment="请补充签到表和考核成绩。",
    )
    factories.person(world.unit, confirmed=False, name="王待确认")
    plan = factories.accepted_plan(
        world,
        world.base_user,
        year=2026,
        items=[factories.plan_item_data(starts_on=today.now.date(), hours=24, category="professional")],
    )
    credit_services.credit_attendance(
        factories.actor(world.base_user), plan_item_id=plan.items.get().pk, rows=[(world.other_person, 24)]
    )
    return plan


@pytest.mark.parametrize("role", ["person", "unit", "authority", "base", "bureau"])
def test_every_page_of_a_role_prints_hours_one_way_and_punctuates_once(role, world, records):
    client = Client()
    client.force_login(world.user_of_each_role()[role])
    start = [item.url for item in nav.items_for(role, "/")]
    texts = crawl(client, start)
    assert len(texts) >= len(start)
    if role == "person":  # the half hour is printed as it is
        assert any("12.5" in text for text in texts.values())
    assert [p for path, text in texts.items() for p in problems_in(text, path)] == []


def test_public_pages_print_hours_one_way_and_punctuate_once(client, today):
    texts = crawl(client, ["/", "/accounts/login/", "/accounts/register/", "/bases/", "/learn/", "/help/"])
    assert [p for path, text in texts.items() for p in problems_in(text, path)] == []


def test_the_checks_see_what_they_look_for():
    (found,) = problems_in("合计 24.0 学时，12.5 学时，xAPI 1.0.3，版本 5.3.8", "x")
    assert found.startswith("x: useless decimal '24.0'")
    assert len(problems_in("请查看成绩。。要求：。", "x")) == 2
    assert problems_in("（总/公需/专业）……", "x") == []


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_every_pdf_prints_hours_one_way_and_punctuates_once(world, records):
    from tests.reports.test_pdf_embedding import MAKERS

    found = []
    for which, (make, _title) in MAKERS.items():
        text = _pdf_text(make(world))
        found += problems_in(text, which)
        if which in ("record", "plan"):  # the 24-hour items are there
            assert re.search(r"(?<![\d.])24(?![\d.])", text), which
    assert found == []


def _cells(content: bytes) -> list[str]:
    book = load_workbook(io.BytesIO(content))
    return [
        str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None
    ]


def test_every_sheet_prints_hours_one_way_and_punctuates_once(
    world, records, django_capture_on_commit_callbacks
):
    client = Client()
    client.force_login(world.unit_user)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get("/reports/compliance.xlsx", {"year": 2026}).status_code == 302
    job = ExportJob.objects.latest("pk")
    assert job.state == ExportJob.State.DONE, job.error
    sheets = {
        "plan": exports.export_plan(records, "xlsx")[0],
        "template": exports.plan_template_xlsx(2026),
        "compliance": job.file.read(),
    }
    found = []
    for which, content in sheets.items():
        for value in _cells(content):
            found += problems_in(value, which)
    assert found == []
