"""The register follows the ledger; a printout is verifiable by number and code (good, changed
since print, unknown number or wrong code — the same answer, no data); scope of the pages."""

import datetime as dt
import re
from io import BytesIO
from urllib.parse import parse_qs, urlparse

import pytest
from django.db import transaction
from django.test import Client
from pypdf import PdfReader

from certificates import numbering, services
from certificates.models import CertificatePrint
from certificates.register import register_of
from core.actors import SYSTEM
from credits import ledger
from credits.models import RecordState
from tests.certificates.conftest import credit

pytestmark = pytest.mark.django_db


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def year(register, y):
    return next(entry for entry in register if entry["year"] == y)


def test_the_register_follows_credits_and_revocations(world, hours):
    y2026 = year(register_of(hours), 2026)
    assert (y2026["public"], y2026["professional"], y2026["total"]) == ("30", "48", "78")
    assert y2026["required"] == {"public": "30", "professional": "60", "total": "90"}
    assert y2026["compliant"] is False
    assert y2026["records"][0]["title"] == "新发展理念专题"
    assert "审核中的自学" not in [r["title"] for r in y2026["records"]]  # pending: not registered
    assert year(register_of(hours), 2025)["public"] == "6"

    record = credit(hours, "professional", 12, title="补充专业课", day=dt.date(2026, 10, 9))
    y2026 = year(register_of(hours), 2026)
    assert (y2026["professional"], y2026["compliant"]) == ("60", True)

    with transaction.atomic():
        ledger.move_records([record], RecordState.REJECTED, "抽查核验撤销：证明材料不实")
    y2026 = year(register_of(hours), 2026)
    assert (y2026["professional"], y2026["compliant"]) == ("48", False)
    assert "补充专业课" not in [r["title"] for r in y2026["records"]]


def _print(world):
    response = client_for(world.person.user).get("/certificates/print.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    printout = CertificatePrint.objects.latest("id")
    return response, printout


def test_a_printout_verifies_by_number_and_code_until_the_register_changes(world, hours):
    _response, printout = _print(world)
    number = printout.certificate.number
    page = Client().get("/certificates/verify/", {"number": numbering.display(number), "code": printout.code})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="unchanged"' in html and 'data-testid="changed"' not in html
    assert "张*" in html and "张三" not in html
    assert hours.reveal_id_number() not in html and hours.id_number_masked not in html
    assert "建筑节能新技术研修班" in html

    # typed from paper: lower case, spaces, dashes
    typed = Client().get(
        "/certificates/verify/",
        {"number": number, "code": " " + printout.code.lower()[:4] + "-" + printout.code[4:]},
    )
    assert typed.status_code == 200

    credit(hours, "professional", 12, title="打印之后计入的课程", day=dt.date(2026, 11, 2))
    later = Client().get("/certificates/verify/", {"number": number, "code": printout.code})
    html = later.content.decode()
    assert 'data-testid="changed"' in html and "2026 年度" in html
    assert "打印之后计入的课程" not in html  # the page shows the register as printed


def test_unknown_number_wrong_code_and_another_certificates_code_answer_alike(world, hours):
    _response, printout = _print(world)
    other = services.ensure_certificate(SYSTEM, person_id=world.other_person.pk)
    number = printout.certificate.number
    wrong_code = "ABCDEFGHJKLM" if printout.code != "ABCDEFGHJKLM" else "MLKJHGFEDCBA"
    unknown = numbering.compose("411200", 2026, 999)
    answers = [
        Client().get("/certificates/verify/", {"number": unknown, "code": printout.code}),
        Client().get("/certificates/verify/", {"number": number, "code": wrong_code}),
        Client().get("/certificates/verify/", {"number": other.number, "code": printout.code}),
        Client().get("/certificates/verify/", {"number": "not-a-number", "code": "x"}),
    ]
    assert {a.status_code for a in answers} == {404}
    bodies = {re.sub(r'value="[^"]*"', "", a.content.decode()) for a in answers}
    assert len(bodies) == 1  # nothing tells a number that exists from one that does not
    body = bodies.pop()
    assert "未找到与该证书编号和核验码相符的打印件" in body and "张" not in body


def test_the_qr_code_and_address_on_the_printout_open_the_page(world, hours):
    response, printout = _print(world)
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(response.content)).pages)
    flat = re.sub(r"\s+", "", text)
    url = f"http://testserver/certificates/verify/?number={printout.certificate.number}&code={printout.code}"
    assert url in flat
    query = parse_qs(urlparse(url).query)
    page = Client().get("/certificates/verify/", {k: v[0] for k, v in query.items()})
    assert page.status_code == 200 and 'data-testid="unchanged"' in page.content.decode()


def test_pages_and_api_are_scoped(world, hours, api_as):
    mine = client_for(world.person.user).get("/certificates/")
    assert mine.status_code == 200
    number = numbering.display(hours.certificate.number)
    assert number in mine.content.decode()

    assert client_for(world.unit_user).get(f"/certificates/people/{hours.pk}/").status_code == 200
    assert client_for(world.bureau_user).get(f"/certificates/people/{hours.pk}/").status_code == 200
    assert client_for(world.other_unit_user).get(f"/certificates/people/{hours.pk}/").status_code == 404
    assert client_for(world.other_authority_user).get(f"/certificates/people/{hours.pk}/").status_code == 404
    assert client_for(world.base_user).get(f"/certificates/people/{hours.pk}/").status_code == 403
    assert client_for(world.unit_user).get("/certificates/print.pdf").status_code == 403

    body = api_as(world.person.user).get("me/certificate").json()
    assert body["number"] == hours.certificate.number
    y2026 = next(y for y in body["years"] if y["year"] == 2026)
    assert y2026["professional_hours"] == 48 and y2026["compliant"] is False
    assert y2026["records"][0]["hours"] == 18
    assert api_as(world.unit_user).get(f"persons/{hours.pk}/certificate").status_code == 200
    assert api_as(world.other_unit_user).get(f"persons/{hours.pk}/certificate").status_code == 404
