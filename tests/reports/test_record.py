"""The person's printable record of a year (继续教育学时证明): content, masking, scope, verification."""

import datetime as dt
import hashlib
import io
import re

import pytest
from django.test import Client
from pypdf import PdfReader

from audit.models import AuditEntry
from core.actors import Role
from reports.models import IssuedRecord
from reports.services import mask_name
from tests import factories
from tests.reports.conftest import credit

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "".join(page.extract_text() for page in reader.pages).replace("\n", "").replace(" ", "")


def code_in(text: str) -> str:
    match = re.search(r"核验码：([A-Z0-9]{4})-([A-Z0-9]{4})-([A-Z0-9]{4})", text)
    assert match, text
    return "".join(match.groups())


def test_the_person_prints_their_year_with_figures_records_and_a_code(world, hours):
    response = client_for(world.person.user).get("/reports/record.pdf", {"year": 2026})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    text = pdf_text(response.content)
    assert "专业技术人员继续教育学时证明" in text and "（2026年度）" in text
    assert "张三" in text and world.person.id_number_masked in text
    assert "工程技术" in text and "现工作单位测试设计院" in text
    # requirement 30/60/90 and credited 30/48/78; short of 12 professional hours
    assert "年度要求（学时）306090" in text
    assert "已计入（学时）304878" in text
    assert "未达到2026年度学时要求（还差专业科目12学时）" in text
    # every credited record, none of the pending one or of another year
    assert "已计入学时明细（4条）" in text
    for title in ("新发展理念专题", "数字经济与创新驱动", "建筑节能新技术研修班", "装配式建筑施工实践"):
        assert title in text
    assert "2026-05-20" in text and "研修培训/基地报送" in text and "实践操作/个人申报" in text
    assert "审核中的自学" not in text and "上一年的课程" not in text
    assert "出具平台：三门峡市人力资源和社会保障局专业技术人员继续教育管理平台" in text
    assert "出具时间：2026-11-1610:00（北京时间）" in text

    code = code_in(text)
    issued = IssuedRecord.objects.get(code=code)
    assert f"/reports/verify/{code}/" in text
    assert issued.person == world.person and issued.year == 2026
    assert issued.sha256 == hashlib.sha256(response.content).hexdigest()
    assert issued.issued_by == world.person.user and issued.issued_role == Role.PERSON
    assert issued.figures["name_masked"] == "张*"
    assert issued.figures["public_hours"] == 30 and issued.figures["professional_hours"] == 48
    assert issued.figures["total_hours"] == 78 and issued.figures["compliant"] is False
    assert issued.figures["required"] == {"total": 90, "public": 30, "professional": 60}
    assert issued.figures["records"] == 4
    entry = AuditEntry.objects.get(action="report.record_issued", target_id=str(issued.pk))
    assert entry.actor == world.person.user and entry.after["code"] == code


def test_the_full_id_number_never_appears_in_the_pdf(world, hours):
    full = world.person.reveal_id_number()
    content = client_for(world.person.user).get("/reports/record.pdf", {"year": 2026}).content
    reader = PdfReader(io.BytesIO(content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert full not in text and full not in text.replace(" ", "").replace("\n", "")
    assert full.encode() not in content
    assert full not in repr(reader.metadata)
    for page in reader.pages:
        assert full.encode() not in page.get_contents().get_data()
    issued = IssuedRecord.objects.get()
    assert full not in repr(issued.figures)


def test_each_print_is_a_new_code_and_every_year_can_be_printed(world, hours):
    client = client_for(world.person.user)
    first = pdf_text(client.get("/reports/record.pdf", {"year": 2026}).content)
    second = pdf_text(client.get("/reports/record.pdf", {"year": 2026}).content)
    assert code_in(first) != code_in(second)
    last_year = pdf_text(client.get("/reports/record.pdf", {"year": 2025}).content)
    assert "（2025年度）" in last_year and "上一年的课程" in last_year
    assert "已计入（学时）606" in last_year  # 6 public, 0 professional, 6 in all
    assert IssuedRecord.objects.filter(person=world.person).count() == 3


def test_a_year_without_hours_prints_an_empty_table(world):
    text = pdf_text(client_for(world.person.user).get("/reports/record.pdf", {"year": 2026}).content)
    assert "本年度暂无已计入的学时。" in text and "已计入（学时）000" in text


def test_a_compliant_year_says_so(world):
    credit(world.person, "public", 30)
    credit(world.person, "professional", 60)
    text = pdf_text(client_for(world.person.user).get("/reports/record.pdf", {"year": 2026}).content)
    assert "已达到2026年度学时要求" in text


def test_many_records_run_over_pages_each_numbered_with_the_code(world):
    for i in range(45):
        credit(
            world.person,
            "professional",
            2,
            title=f"专业课程第{i + 1}讲",
            day=dt.date(2026, 1, 1) + dt.timedelta(i),
        )
    content = client_for(world.person.user).get("/reports/record.pdf", {"year": 2026}).content
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) >= 2
    pages = len(reader.pages)
    for n, page in enumerate(reader.pages, start=1):
        text = page.extract_text().replace(" ", "").replace("\n", "")
        assert f"第{n}页共{pages}页" in text
        assert "序号" in text  # the header row repeats
    whole = pdf_text(content)
    assert "专业课程第45讲" in whole and "已计入学时明细（45条）" in whole


def test_reviewers_print_for_people_in_their_scope(world, hours):
    url = f"/reports/people/{world.person.pk}/record.pdf?year=2026"
    for user in (world.unit_user, world.authority_user, world.bureau_user):
        response = client_for(user).get(url)
        assert response.status_code == 200, user.username
        assert "张三" in pdf_text(response.content)
    issued = IssuedRecord.objects.filter(issued_role=Role.UNIT).get()
    assert issued.issued_by == world.unit_user and issued.issued_org == world.unit
    for user in (world.other_unit_user, world.sibling_unit_user, world.other_authority_user):
        assert client_for(user).get(url).status_code == 404, user.username
    assert client_for(world.base_user).get(url).status_code == 403
    # a person may print only their own record
    assert client_for(world.other_person.user).get(url).status_code == 404
    assert client_for(world.unit_user).get("/reports/record.pdf").status_code == 403
    assert IssuedRecord.objects.count() == 3


def test_the_api_serves_the_record_pdf(world, hours, api, api_as):
    response = api_as(world.person.user).get("me/record/2026.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "张三" in text and world.person.id_number_masked in text
    code = code_in(text)
    assert f"http://testserver/reports/verify/{code}/" in text

    unit = api_as(world.unit_user)
    response = unit.get(f"persons/{world.person.pk}/record.pdf", year=2026)
    assert response.status_code == 200 and "已计入（学时）304878" in pdf_text(response.content)
    assert unit.get(f"persons/{world.other_person.pk}/record.pdf", year=2026).status_code == 404
    assert api_as(world.other_unit_user).get(f"persons/{world.person.pk}/record.pdf").status_code == 404
    assert api_as(world.base_user).get(f"persons/{world.person.pk}/record.pdf").status_code == 403
    assert api_as(world.unit_user).get("me/record/2026.pdf").status_code == 403
    refused = api_as(world.person.user).get("me/record/1999.pdf")
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "year"
    assert api_as(world.person.user).get("me/record/abc.pdf").status_code == 422
    assert api.get("me/record/2026.pdf").status_code == 401
    paths = unit.get("openapi.json").json()["paths"]
    assert "/api/v1/me/record/{year}.pdf" in paths and "/api/v1/persons/{person_id}/record.pdf" in paths


def test_the_public_verification_page_shows_masked_figures(world, hours):
    content = client_for(world.person.user).get("/reports/record.pdf", {"year": 2026}).content
    code = code_in(pdf_text(content))
    anonymous = Client()
    response = anonymous.get(f"/reports/verify/{code}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="verified"' in html
    assert "张*" in html and "张三" not in html
    assert world.person.id_number_masked not in html and world.person.reveal_id_number() not in html
    assert "2026 年度" in html
    assert "30 学时（要求 30）" in html and "48 学时（要求 60）" in html and "78 学时（要求 90）" in html
    assert "未达标" in html and "2026-11-16 10:00" in html
    assert hashlib.sha256(content).hexdigest() in html
    # as typed from paper: lower case, with dashes and spaces
    typed = f" {code[:4].lower()}-{code[4:8]} {code[8:]} "
    response = anonymous.get("/reports/verify/", {"code": typed}, follow=True)
    assert response.status_code == 200 and "张*" in response.content.decode()
    missing = anonymous.get("/reports/verify/ABCDEFGHJKLM/")
    assert missing.status_code == 404 and 'data-testid="verify-missing"' in missing.content.decode()
    assert anonymous.get("/reports/verify/").status_code == 200


def test_names_are_masked_after_the_first_character():
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳修文") == "欧***"
    assert mask_name("王") == "王*"
    assert mask_name("") == ""


def test_the_buttons_are_on_the_persons_pages(world, hours):
    person = client_for(world.person.user)
    assert "/reports/record.pdf?year=2026" in person.get("/dashboard/").content.decode()
    assert "/reports/record.pdf?year=2025" in person.get("/hours/me/hours/", {"year": 2025}).content.decode()
    unit = client_for(world.unit_user)
    html = unit.get(f"/hours/people/{world.person.pk}/").content.decode()
    assert f"/reports/people/{world.person.pk}/record.pdf?year=2026" in html


def test_a_person_not_yet_confirmed_prints_with_the_unit_marked_pending(world):
    pending = factories.person(world.unit, confirmed=False, name="孙丽")
    text = pdf_text(client_for(pending.user).get("/reports/record.pdf", {"year": 2026}).content)
    assert "孙丽" in text and "测试设计院（待单位确认）" in text
