"""Filings pages: forms, the opinion and the bureau's inbox, scoping (404), tokens, attendance."""

import datetime as dt
import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from core.actors import Role
from core.errors import DomainError
from filings import services
from filings.models import AttendanceUpload, FilingState, PlatformCredential, PlatformFiling, TrainingPlan
from filings.selectors import credential_for_token
from organisations.models import Organisation
from organisations.services import OrganisationInput, upsert_organisation
from policy.selectors import today
from tests import factories
from tests.factories import in_time, plan_data, plan_input, plan_item_data
from tests.filings.xlsx import PLAN_HEADER

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _formset(rows, total=None, prefix="items"):
    data = {
        f"{prefix}-TOTAL_FORMS": str(total or len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{i}-{key}"] = value
    return data


ROW = {
    "project": "建筑节能新技术研修班",
    "audience": "设计人员 40人",
    "starts_on": "2025-10-20",
    "hours": "24",
    "teachers": "王工",
    "mode": "面授",
    "venue": "协会培训中心",
    "funding": "自筹",
    "remark": "",
    "category": "professional",
}


@pytest.fixture
def supervised_base(world):
    upsert_organisation(
        factories.SYSTEM,
        organisation=OrganisationInput(
            kind=Organisation.Kind.BASE, name=world.base.name, supervisor_id=world.authority.pk
        ),
    )
    world.base.refresh_from_db()
    return world.base


def test_plan_pages_create_edit_submit_opinion_accept(world, monkeypatch):
    unit = login(world.unit_user)
    page = unit.get(reverse("filings:plan_create"))
    assert page.status_code == 200
    html = page.content.decode()
    for label in (
        "培训项目",
        "培训对象及人数",
        "开班时间",
        "培训学时数",
        "培训师资",
        "培训方式",
        "办班地点",
        "经费来源",
        "备注",
    ):
        assert f">{label}" in html
    # a bad row is reported on its own field, nothing is saved
    post = {
        "year": "2025",
        "contact_name": "乔宇",
        "contact_phone": "0398-2850937",
        "filer_opinion": "同意申报",
    }
    bad = unit.post(reverse("filings:plan_create"), {**post, **_formset([{**ROW, "venue": ""}, {}], total=2)})
    assert bad.status_code == 200 and "办班地点：必须填写。" in bad.content.decode()
    assert not TrainingPlan.objects.exists()
    r = unit.post(reverse("filings:plan_create"), {**post, **_formset([ROW, {}], total=2)})
    plan = TrainingPlan.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("filings:plan_detail", args=[plan.pk])
    assert [i.project for i in plan.items.all()] == ["建筑节能新技术研修班"]
    # edit: the rows come back as initial forms plus blank ones
    edit = unit.get(reverse("filings:plan_edit", args=[plan.pk])).content.decode()
    assert 'value="建筑节能新技术研修班"' in edit
    r = unit.post(
        reverse("filings:plan_edit", args=[plan.pk]),
        {**post, **_formset([ROW, {**ROW, "project": "第二个班", "category": "public", "hours": "8"}])},
    )
    assert r.status_code == 302 and plan.items.count() == 2
    monkeypatch.setattr("filings.services.common.now", lambda now=None: now or in_time(2025))
    r = unit.post(reverse("filings:plan_submit", args=[plan.pk]), follow=True)
    assert "等待行业主管部门出具意见" in r.content.decode()
    plan.refresh_from_db()
    assert plan.state == FilingState.PENDING_OPINION
    # the authority's inbox lists it, the opinion form works
    authority = login(world.authority_user)
    assert (
        f'href="{reverse("filings:plan_detail", args=[plan.pk])}"'
        in authority.get(reverse("filings:inbox")).content.decode()
    )
    detail = authority.get(reverse("filings:plan_detail", args=[plan.pk])).content.decode()
    assert "提交意见" in detail
    r = authority.post(
        reverse("filings:opinion", args=["plan", plan.pk]), {"decision": "agree", "opinion": "同意"}
    )
    assert r.status_code == 302
    plan.refresh_from_db()
    assert plan.state == FilingState.SUBMITTED
    # the bureau: return needs a reason, then accept
    bureau = login(world.bureau_user)
    inbox = bureau.get(reverse("filings:inbox")).content.decode()
    assert "测试设计院" in inbox
    r = bureau.post(
        reverse("filings:decide", args=["plan", plan.pk]), {"decision": "return", "reason": ""}, follow=True
    )
    assert "退回原因" in r.content.decode()
    plan.refresh_from_db()
    assert plan.state == FilingState.SUBMITTED
    r = bureau.post(reverse("filings:decide", args=["plan", plan.pk]), {"decision": "accept"}, follow=True)
    assert "已备案" in r.content.decode()
    plan.refresh_from_db()
    assert plan.state == FilingState.ACCEPTED
    # the unit can no longer edit; exports download
    assert unit.get(reverse("filings:plan_edit", args=[plan.pk])).status_code == 302
    for fmt in ("docx", "xlsx", "pdf"):
        r = unit.get(reverse("filings:plan_export", args=[plan.pk, fmt]))
        assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    assert unit.get(reverse("filings:plan_export", args=[plan.pk, "odt"])).status_code == 404


def test_the_plan_form_marks_required_columns_and_adds_rows_without_script(world):
    unit = login(world.unit_user)
    html = unit.get(reverse("filings:plan_create")).content.decode()
    assert html.count('class="form-label required" for="id_items-0-') == 6  # the six required of a row
    assert (
        'for="id_items-0-teachers"' in html
        and 'class="form-label required" for="id_items-0-teachers"' not in html
    )
    data = {"year": "2025", "contact_name": "乔宇", **_formset([ROW, {}], total=2), "more_rows": "1"}
    response = unit.post(reverse("filings:plan_create"), data)
    assert response.status_code == 200 and len(response.context["formset"].forms) == 7
    assert 'value="建筑节能新技术研修班"' in response.content.decode()
    assert not TrainingPlan.objects.exists()


def test_pages_are_scoped(world):
    plan = factories.accepted_plan(world)
    filing, _token = factories.accepted_platform(world)
    outsiders = (world.other_unit_user, world.other_authority_user, world.sibling_unit_user)
    for user in outsiders:
        client = login(user)
        for url in (
            reverse("filings:plan_detail", args=[plan.pk]),
            reverse("filings:plan_export", args=[plan.pk, "pdf"]),
            reverse("filings:attendance", args=[plan.items.first().pk]),
        ):
            assert client.get(url).status_code == 404, (user, url)
        assert "测试设计院" not in client.get(reverse("filings:plan_list")).content.decode()
    for user in (world.other_authority_user, world.unit_user):
        assert login(user).get(reverse("filings:platform_detail", args=[filing.pk])).status_code == 404
    county = login(world.county_bureau_user)  # 湖滨区: the base is a city-level organisation
    assert county.get(reverse("filings:platform_detail", args=[filing.pk])).status_code == 404
    assert (
        county.post(
            reverse("filings:decide", args=["platform", filing.pk]), {"decision": "accept"}
        ).status_code
        == 404
    )
    # a unit cannot open the bureau's pages
    unit = login(world.unit_user)
    assert unit.get(reverse("filings:inbox")).status_code == 403
    assert unit.get(reverse("filings:exceptions")).status_code == 403
    assert login(world.person.user).get(reverse("filings:plan_list")).status_code == 403


def test_platform_pages_validation_accept_token_once_rotate_revoke(world, supervised_base, monkeypatch):
    base = login(world.base_user)
    data = {k: v for k, v in factories.platform_data().items() if v is not False}
    r = base.post(reverse("filings:platform_create"), {**data, "domain": "bad domain", "manager_phone": "12"})
    html = r.content.decode()
    assert r.status_code == 200 and "域名：域名格式不正确" in html and "负责人联系电话：" in html
    r = base.post(reverse("filings:platform_create"), data)
    filing = PlatformFiling.objects.get()
    assert r.status_code == 302
    monkeypatch.setattr("filings.services.common.now", lambda now=None: now or in_time(2025))
    base.post(reverse("filings:platform_submit", args=[filing.pk]))
    services.give_opinion(
        factories.actor(world.authority_user), kind="platform", filing_id=filing.pk, opinion="同意"
    )
    bureau = login(world.bureau_user)
    r = bureau.post(reverse("filings:decide", args=["platform", filing.pk]), {"decision": "accept"})
    assert r.status_code == 200
    token = re.search(r'value="(lp_[^"]+)"', r.content.decode()).group(1)
    assert "只显示这一次" in r.content.decode()
    assert credential_for_token(token).filing_id == filing.pk
    # never shown again
    detail = bureau.get(reverse("filings:platform_detail", args=[filing.pk])).content.decode()
    assert token not in detail and token[:10] in detail
    # the filer rotates: a new token, the old one stops authenticating
    r = base.post(reverse("filings:credential_rotate", args=[filing.pk]))
    new_token = re.search(r'value="(lp_[^"]+)"', r.content.decode()).group(1)
    assert new_token != token and credential_for_token(token) is None and credential_for_token(new_token)
    # revoke
    live = PlatformCredential.objects.get(revoked_at__isnull=True)
    r = bureau.post(reverse("filings:credential_revoke", args=[live.pk]), follow=True)
    assert "已吊销" in r.content.decode() and credential_for_token(new_token) is None
    for fmt in ("docx", "pdf"):
        assert base.get(reverse("filings:platform_export", args=[filing.pk, fmt])).status_code == 200


def test_import_page_reports_rows(world):
    actor = factories.actor(world.unit_user)
    plan = services.create_plan(actor, plan=plan_input(plan_data(), [plan_item_data()]))
    wb = Workbook()
    ws = wb.active
    ws.append(PLAN_HEADER)
    ws.append([1, "项目", "人员", "2025-10-01", -2, "", "面授", "地点", "", ""])
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = "plan.xlsx"
    r = login(world.unit_user).post(reverse("filings:plan_import", args=[plan.pk]), {"file": buffer})
    assert r.status_code == 422
    html = r.content.decode()
    assert "第 2 行" in html and "培训学时数：应大于 0。" in html and "未导入任何行" in html
    template = login(world.unit_user).get(reverse("filings:plan_template") + "?year=2025")
    assert template.status_code == 200 and template.content.startswith(b"PK")


def test_exceptions_and_late_missing_pages(world):
    bureau = login(world.bureau_user)
    page = bureau.get(reverse("filings:exceptions"))
    assert page.status_code == 200
    r = bureau.post(
        reverse("filings:exceptions"),
        {"organisation": world.unit.pk, "year": "2025", "kind": "plan", "reason": "单位合并"},
        follow=True,
    )
    assert "已登记" in r.content.decode() and "单位合并" in r.content.decode()
    r = bureau.post(
        reverse("filings:exceptions"),
        {"organisation": world.unit.pk, "year": "2025", "kind": "plan", "reason": "再次登记"},
    )
    assert "已登记" in r.content.decode() and r.status_code == 200
    html = bureau.get(reverse("filings:late_missing") + "?year=2025").content.decode()
    assert "测试医院" in html and "测试设计院" in html  # neither has filed a plan
    factories.accepted_plan(world)
    html = bureau.get(reverse("filings:late_missing") + "?year=2025").content.decode()
    assert "测试医院" in html and ">测试设计院<" not in html


def _attendance_file(rows, header=("身份证号码", "姓名", "学时")):
    wb = Workbook()
    ws = wb.active
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = "attendance.xlsx"
    return buffer


def test_attendance_upload_all_or_nothing(world, supervised_base):
    from credits.models import HourRecord

    year = today().year
    plan = factories.accepted_plan(
        world,
        world.base_user,
        year=year,
        items=[plan_item_data(starts_on=today(), hours=16, category="public")],
    )
    item = plan.items.get()
    base = login(world.base_user)
    assert item.pk in [i.pk for i in base.get(reverse("filings:attendance_upload")).context["page"]]
    zhang = world.person
    li = world.other_person
    stranger_id = factories.valid_id_number()
    bad = _attendance_file(
        [
            (zhang.reveal_id_number(), "张三", 16),
            ("411202199001011234", "某人", 8),  # bad check digit
            (stranger_id, "路人", 8),  # not registered
            (li.reveal_id_number(), "王五", 8),  # name mismatch
            (zhang.reveal_id_number(), "张三", 4),  # duplicate within the file
            (li.reveal_id_number(), "李四", 20),  # above the class's 16 hours
        ]
    )
    r = base.post(reverse("filings:attendance", args=[item.pk]), {"file": bad})
    assert r.status_code == 422
    rows = [e["row"] for e in r.context["report"].rows]
    assert sorted(set(rows)) == [3, 4, 5, 6, 7]  # row 7: a second 李四 and too many hours
    html = r.content.decode()
    assert "身份证号码：身份证号码校验位错误" in html and "平台上没有该人员" in html
    assert "姓名不一致" in html and "与第2行重复" in html and "不能超过该培训项目的学时数 16" in html
    assert stranger_id not in html and zhang.reveal_id_number() not in html
    assert not HourRecord.objects.filter(plan_item=item).exists() and not AttendanceUpload.objects.exists()
    good = _attendance_file([(zhang.reveal_id_number(), "张三", 16), (li.reveal_id_number(), "李四", 12.5)])
    r = base.post(reverse("filings:attendance", args=[item.pk]), {"file": good}, follow=True)
    assert "新计入 2 人" in r.content.decode()
    records = HourRecord.objects.filter(plan_item=item).order_by("person_id")
    assert [(rec.person_id, float(rec.hours), rec.state, rec.category) for rec in records] == [
        (zhang.pk, 16.0, "credited", "public"),
        (li.pk, 12.5, "credited", "public"),
    ]
    # sent again: nobody is credited twice
    again = _attendance_file([(zhang.reveal_id_number(), "张三", 16)])
    r = base.post(reverse("filings:attendance", args=[item.pk]), {"file": again}, follow=True)
    assert "新计入 0 人" in r.content.decode() and HourRecord.objects.filter(plan_item=item).count() == 2
    # only the filer may upload; an unaccepted plan's class cannot take attendance
    assert (
        login(world.authority_user)
        .post(reverse("filings:attendance", args=[item.pk]), {"file": _attendance_file([])})
        .status_code
        == 403
    )
    draft = services.create_plan(
        factories.actor(world.base_user),
        plan=plan_input(plan_data(year), [plan_item_data(starts_on=today())]),
    )
    with pytest.raises(DomainError):
        services.start_import(
            factories.actor(world.base_user),
            kind="attendance",
            target_id=draft.items.get().pk,
            upload=_attendance_file([]),
        )


def test_attendance_pages_count_the_hours_credited_however_they_arrived(world, supervised_base):
    from credits import services as credit_services

    plan = factories.accepted_plan(
        world,
        world.base_user,
        year=today().year,
        items=[plan_item_data(starts_on=today(), hours=24, category="professional")],
    )
    item = plan.items.get()
    base = login(world.base_user)
    listed = base.get(reverse("filings:attendance_upload"))
    assert "尚未报送" in listed.content.decode()
    credit_services.credit_attendance(
        factories.actor(world.base_user),
        plan_item_id=item.pk,
        rows=[(world.person, 24), (world.other_person, 24)],
    )
    listed = base.get(reverse("filings:attendance_upload"))
    row = next(i for i in listed.context["page"] if i.pk == item.pk)
    assert (row.credited_people, row.upload_count) == (2, 0)
    assert "2 人" in listed.content.decode() and "尚未报送" not in listed.content.decode()
    page = base.get(reverse("filings:attendance", args=[item.pk])).content.decode()
    assert "本班已计入学时：<strong>2</strong> 人" in page and "尚未报送" not in page


def test_learning_entrance_lists_accepted_platform(world, client):
    year = today().year
    factories.accepted_platform(
        world, year=year, site_name="入口测试平台", domain="entry.example.cn", url="https://entry.example.cn/"
    )
    html = client.get("/learn/").content.decode()
    assert "入口测试平台" in html and "公需科目" in html


def test_role_staff_factory_for_other_authority(world):
    """The plan of a base without a supervisor goes straight to the bureau."""
    base_user = factories.staff(Role.BASE, Organisation.objects.get(name="灵宝市高级技工学校"))
    actor = factories.actor(base_user)
    plan = services.create_plan(actor, plan=plan_input(plan_data(), [plan_item_data()]))
    plan = services.submit_plan(actor, plan_id=plan.pk, now=in_time(2025))
    assert plan.state == FilingState.SUBMITTED and plan.opinion_authority is None
    assert dt.date(2025, 9, 1) == plan.declared_on


def test_the_plan_form_shows_the_row_checks_beside_a_mistyped_number(world):
    unit = login(world.sibling_unit_user)
    row = {"project": "市政工程新技术研修班", "audience": "工程技术人员 30人", "starts_on": "2025-10-12",
           "mode": "面授", "venue": "灵宝市", "category": "professional"}  # fmt: skip
    data = {"year": "2025", "contact_name": "乔宇", "contact_phone": "0398-2850937", "filer_opinion": "同意",
            "items-TOTAL_FORMS": "2", "items-INITIAL_FORMS": "0"}  # fmt: skip
    data.update({f"items-0-{k}": v for k, v in {**row, "hours": "-5"}.items()})
    data.update({f"items-1-{k}": v for k, v in {**row, "hours": "8", "venue": ""}.items()})
    response = unit.post(reverse("filings:plan_create"), data)
    forms = response.context["formset"].forms
    assert forms[0].errors == {"hours": ["培训学时数：不能小于 0。"]}
    assert forms[1].errors == {"venue": ["办班地点：必须填写。"]}
    assert not TrainingPlan.objects.filter(filer=world.sibling_unit).exists()
