"""Filings through the API: plans and platform filings, the inbox, scoping, deadlines,
exceptions, credentials and the exports."""

import datetime as dt
import io

import pytest
from docx import Document
from openpyxl import Workbook

from audit.models import AuditEntry
from core.actors import Role
from core.dates import SHANGHAI
from filings.models import FilingState, PlatformFiling, TrainingPlan
from organisations.models import Organisation
from organisations.services import OrganisationInput, upsert_organisation
from tests import factories
from tests.factories import plan_data, plan_input, plan_item_data, platform_data
from tests.filings.xlsx import PLAN_HEADER

pytestmark = pytest.mark.django_db


def _item_json(**kw):
    data = plan_item_data(**kw)
    data["starts_on"] = str(data["starts_on"])
    return data


@pytest.fixture
def at(monkeypatch):
    """Pretend the current instant is `moment` (aware) for the filing services (the clock
    that submissions are timed with); API tokens keep the real clock."""

    def set_now(moment):
        monkeypatch.setattr("filings.services.common.now", lambda now=None: now or moment)

    return set_now


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


def _submitted_plan(world, api_as, at, user=None):
    client = api_as(user or world.unit_user)
    r = client.post("filings/plans", {**plan_data(), "items": [_item_json()]})
    assert r.status_code == 201, r.json()
    at(dt.datetime(2025, 9, 10, 9, 0, tzinfo=SHANGHAI))
    r = client.post(f"filings/plans/{r.json()['id']}/submit")
    assert r.status_code == 200, r.json()
    return r.json()


def test_plan_lifecycle_unit_authority_bureau(world, api_as, at):
    unit = api_as(world.unit_user)
    r = unit.post(
        "filings/plans",
        {**plan_data(), "items": [_item_json(), _item_json(project="公需课", category="public", hours=6.5)]},
    )
    assert r.status_code == 201
    plan = r.json()
    assert plan["state"] == "draft" and plan["filer"]["name"] == "测试设计院"
    assert [(i["seq"], i["hours"]) for i in plan["items"]] == [(1, 24.0), (2, 6.5)]
    # edit the rows while a draft
    r = unit.client.put(
        f"/api/v1/filings/plans/{plan['id']}",
        {"items": [_item_json(project="改后的项目")], "contact_name": "王五"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {unit.token}",
    )
    assert r.status_code == 200 and r.json()["items"][0]["project"] == "改后的项目"
    assert r.json()["contact_name"] == "王五"
    at(dt.datetime(2025, 9, 15, 23, 59, 59, tzinfo=SHANGHAI))
    r = unit.post(f"filings/plans/{plan['id']}/submit")
    assert r.status_code == 200 and r.json()["state"] == "pending_opinion"
    assert r.json()["declared_on"] == "2025-09-15" and r.json()["late"] is False
    # the bureau cannot decide before the authority's opinion
    bureau = api_as(world.bureau_user)
    assert bureau.post(f"filings/plans/{plan['id']}/accept").status_code == 422
    # another authority does not even see it; the unit's authority gives its opinion
    assert (
        api_as(world.other_authority_user)
        .post(f"filings/plans/{plan['id']}/opinion", {"opinion": "同意"})
        .status_code
        == 404
    )
    authority = api_as(world.authority_user)
    inbox = authority.get("filings/inbox").json()
    assert [(row["kind"], row["id"]) for row in inbox["items"]] == [("plan", plan["id"])]
    r = authority.post(f"filings/plans/{plan['id']}/opinion", {"decision": "agree", "opinion": "同意报送"})
    assert r.status_code == 200 and r.json()["state"] == "submitted"
    assert r.json()["opinion_authority"]["name"] == "测试住建局"
    # the bureau returns with a reason; a reason is required
    r = bureau.post(f"filings/plans/{plan['id']}/return", {"reason": ""})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "reason"
    r = bureau.post(f"filings/plans/{plan['id']}/return", {"reason": "培训学时数偏高，请核实"})
    assert r.status_code == 200 and r.json()["state"] == "returned"
    assert r.json()["return_reason"] == "培训学时数偏高，请核实"
    # returned: editable, resubmittable after the deadline because first submitted in time
    at(dt.datetime(2025, 9, 20, 10, 0, tzinfo=SHANGHAI))
    r = unit.client.put(
        f"/api/v1/filings/plans/{plan['id']}",
        {"items": [_item_json(hours=16)]},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {unit.token}",
    )
    assert r.status_code == 200
    r = unit.post(f"filings/plans/{plan['id']}/submit")
    assert r.status_code == 200 and r.json()["state"] == "pending_opinion" and r.json()["late"] is False
    authority.post(f"filings/plans/{plan['id']}/opinion", {"opinion": "同意"})
    r = bureau.post(f"filings/plans/{plan['id']}/accept")
    assert r.status_code == 200 and r.json()["state"] == "accepted"
    # accepted: no more edits
    r = unit.post(f"filings/plans/{plan['id']}/submit")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "state"
    actions = list(
        AuditEntry.objects.filter(target_type="filings.trainingplan", target_id=str(plan["id"])).values_list(
            "action", flat=True
        )
    )
    for action in ("created", "changed", "submitted", "opinion", "returned", "accepted"):
        assert f"training_plan.{action}" in actions


def test_authority_may_return_with_its_opinion(world, api_as, at):
    plan = _submitted_plan(world, api_as, at)
    r = api_as(world.authority_user).post(
        f"filings/plans/{plan['id']}/opinion", {"decision": "return", "opinion": "请补充师资"}
    )
    assert (
        r.status_code == 200 and r.json()["state"] == "returned" and r.json()["return_reason"] == "请补充师资"
    )


def test_authority_filing_its_own_plan_goes_straight_to_the_bureau(world, api_as, at):
    plan = _submitted_plan(world, api_as, at, user=world.authority_user)
    assert plan["state"] == "submitted" and plan["authority_opinion"] == "同意申报"
    assert plan["opinion_authority"]["id"] == world.authority.pk


def test_plan_validation_names_fields_in_chinese(world, api_as):
    unit = api_as(world.unit_user)
    r = unit.post("filings/plans", {**plan_data(), "items": [_item_json(hours=0, project="")]})
    assert r.status_code == 422
    fields = {e["field"]: e["message"] for e in r.json()["errors"]}
    assert fields["items.1.project"] == "第1行 培训项目：必须填写。"
    assert fields["items.1.hours"].startswith("第1行 培训学时数：")
    r = unit.post("filings/plans", {**plan_data(), "items": [_item_json(starts_on="2024-12-01")]})
    assert r.json()["errors"][0]["message"] == "第1行 开班时间：应在 2025 年度内。"
    r = unit.post("filings/plans", {**plan_data(contact_phone="12345")})
    assert r.json()["errors"][0]["field"] == "contact_phone" and "电话" in r.json()["errors"][0]["message"]
    r = unit.post("filings/plans", {**plan_data(year=1999)})
    assert r.json()["errors"][0]["field"] == "year"
    r = unit.post("filings/plans", {"year": 2025, "items": [{"project": "x"}]})
    messages = [e["message"] for e in r.json()["errors"]]
    assert "培训对象及人数：必须填写。" in messages
    # a plan needs rows, an opinion and a contact to be submitted
    r = unit.post("filings/plans", plan_data(filer_opinion=""))
    r = unit.post(f"filings/plans/{r.json()['id']}/submit")
    fields = {e["field"] for e in r.json()["errors"]}
    assert fields == {"items", "filer_opinion"}
    # a person may not file
    person = api_as(world.person.user)
    assert person.post("filings/plans", plan_data()).status_code == 403


def test_deadline_boundary_in_shanghai_time(world, api_as, at):
    unit = api_as(world.unit_user)
    last = unit.post("filings/plans", {**plan_data(), "items": [_item_json()]}).json()
    late = unit.post("filings/plans", {**plan_data(), "items": [_item_json()]}).json()
    at(dt.datetime(2025, 9, 15, 23, 59, 59, tzinfo=SHANGHAI))
    assert unit.post(f"filings/plans/{last['id']}/submit").status_code == 200
    # 2025-09-16 00:00:00 +08:00 is 2025-09-15 16:00 UTC: already late in Shanghai
    at(dt.datetime(2025, 9, 15, 16, 0, 0, tzinfo=dt.UTC))
    r = unit.post(f"filings/plans/{late['id']}/submit")
    assert r.status_code == 422
    body = r.json()
    assert body["errors"][0]["field"] == "year"
    assert "2025-09-15" in body["detail"] and "已逾期" in body["detail"] and "特批" in body["detail"]
    assert TrainingPlan.objects.get(pk=late["id"]).state == FilingState.DRAFT
    # the bureau records an exception (who, why): the late plan can be submitted, marked late
    bureau = api_as(world.bureau_user)
    r = bureau.post(
        "filings/exceptions",
        {"organisation_id": world.unit.pk, "year": 2025, "kind": "plan", "reason": "单位合并，材料延误"},
    )
    assert r.status_code == 201 and r.json()["granted_by"]
    r = unit.post(f"filings/plans/{late['id']}/submit")
    assert (
        r.status_code == 200 and r.json()["late"] is True and r.json()["late_reason"] == "单位合并，材料延误"
    )
    assert AuditEntry.objects.filter(action="filing_exception.granted").exists()
    # the exception is once per organisation, year and kind
    r = bureau.post(
        "filings/exceptions",
        {"organisation_id": world.unit.pk, "year": 2025, "kind": "plan", "reason": "再次"},
    )
    assert r.status_code == 409
    # a platform exception does not cover plans, and vice versa (kind is part of the key)
    assert bureau.get("filings/exceptions", year=2025).json()[0]["kind"] == "plan"


def test_exception_rules(world, api_as):
    bureau = api_as(world.bureau_user)
    r = bureau.post(
        "filings/exceptions", {"organisation_id": world.unit.pk, "year": 2025, "kind": "plan", "reason": ""}
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "reason"
    r = bureau.post(
        "filings/exceptions",
        {"organisation_id": world.unit.pk, "year": 2025, "kind": "platform", "reason": "原因"},
    )
    assert (
        r.status_code == 422 and r.json()["errors"][0]["field"] == "organisation_id"
    )  # units file no platforms
    # a county bureau grants nothing (the city bureau the units file with does), neither outside
    # its region (world.sibling_unit is in 灵宝) nor inside it (world.unit is in 湖滨区)
    county = api_as(world.county_bureau_user)
    for organisation in (world.sibling_unit, world.unit):
        r = county.post(
            "filings/exceptions",
            {"organisation_id": organisation.pk, "year": 2025, "kind": "plan", "reason": "原因说明"},
        )
        assert r.status_code == 403
    assert (
        api_as(world.unit_user)
        .post(
            "filings/exceptions",
            {"organisation_id": world.unit.pk, "year": 2025, "kind": "plan", "reason": "原因"},
        )
        .status_code
        == 403
    )


def test_scoping_of_lists_and_objects(world, api_as, at):
    plan = _submitted_plan(world, api_as, at)
    sibling_plan = _submitted_plan(world, api_as, at, user=world.sibling_unit_user)
    other_plan = _submitted_plan(world, api_as, at, user=world.other_unit_user)

    def ids(user, path="filings/plans"):
        return {p["id"] for p in api_as(user).get(path).json()["items"]}

    assert ids(world.unit_user) == {plan["id"]}
    assert ids(world.authority_user) == {plan["id"], sibling_plan["id"]}
    assert ids(world.other_authority_user) == {other_plan["id"]}
    assert ids(world.bureau_user) >= {plan["id"], sibling_plan["id"], other_plan["id"]}
    # the county bureau (湖滨区) sees its region only: not the 灵宝 sibling unit
    county = ids(world.county_bureau_user)
    assert plan["id"] in county and sibling_plan["id"] not in county
    # guessing an id outside the scope is a 404 everywhere
    other = api_as(world.other_unit_user)
    for path in (f"filings/plans/{plan['id']}", f"filings/plans/{plan['id']}/export"):
        assert other.get(path).status_code == 404
    assert other.post(f"filings/plans/{plan['id']}/submit").status_code == 404
    assert (
        api_as(world.county_bureau_user).post(f"filings/plans/{sibling_plan['id']}/accept").status_code == 404
    )
    assert api_as(world.sibling_unit_user).get(f"filings/plans/{plan['id']}").status_code == 404
    # the authority sees but may not edit its unit's plan
    r = api_as(world.authority_user).post(f"filings/plans/{plan['id']}/submit")
    assert r.status_code == 403
    # the inbox is scoped too
    rows = api_as(world.county_bureau_user).get("filings/inbox", state="all").json()["items"]
    assert sibling_plan["id"] not in {r["id"] for r in rows if r["kind"] == "plan"}


def test_inbox_filters_and_pages(world, api_as, at):
    first = _submitted_plan(world, api_as, at, user=world.authority_user)
    second = _submitted_plan(world, api_as, at, user=factories.staff(Role.AUTHORITY, world.other_authority))
    bureau = api_as(world.bureau_user)
    page = bureau.get("filings/inbox", kind="plan", year=2025, page_size=1).json()
    assert page["count"] == 2 and len(page["items"]) == 1
    page2 = bureau.get("filings/inbox", kind="plan", year=2025, page_size=1, page=2).json()
    assert {page["items"][0]["id"], page2["items"][0]["id"]} == {first["id"], second["id"]}
    assert bureau.get("filings/inbox", kind="platform").json()["count"] == 0
    assert bureau.get("filings/inbox", state="accepted").json()["count"] == 0
    assert bureau.get("filings/inbox", state="bogus").status_code == 422
    assert bureau.get("filings/inbox", year=2026).json()["count"] == 0
    assert api_as(world.unit_user).get("filings/inbox").status_code == 403


def test_late_and_missing_filers(world, api_as, at):
    _submitted_plan(world, api_as, at)
    bureau = api_as(world.bureau_user)
    bureau.post(
        "filings/exceptions",
        {"organisation_id": world.sibling_unit.pk, "year": 2025, "kind": "plan", "reason": "特殊情况"},
    )
    client = api_as(world.sibling_unit_user)
    late_plan = client.post("filings/plans", {**plan_data(), "items": [_item_json()]}).json()
    at(dt.datetime(2025, 10, 8, 9, 0, tzinfo=SHANGHAI))
    assert client.post(f"filings/plans/{late_plan['id']}/submit").status_code == 200
    result = bureau.get("filings/late-missing", year=2025).json()
    assert result["deadline"] == "2025-09-15"
    assert [(r["kind"], r["id"]) for r in result["late"]] == [("plan", late_plan["id"])]
    assert result["exceptions"][0]["organisation"]["id"] == world.sibling_unit.pk
    missing = {m["id"] for m in result["missing"]}
    assert world.other_unit.pk in missing and world.base.pk in missing
    assert world.unit.pk not in missing and world.sibling_unit.pk not in missing
    assert all(m["kind"] in ("unit", "base") for m in result["missing"])
    assert api_as(world.authority_user).get("filings/late-missing", year=2025).status_code == 403


def test_plan_import_reports_every_bad_row_and_writes_nothing(world, api_as):
    unit = api_as(world.unit_user)
    plan = unit.post("filings/plans", {**plan_data(), "items": [_item_json(project="原有项目")]}).json()
    wb = Workbook()
    ws = wb.active
    ws.append(["2025年度三门峡市专业技术人员继续教育培训计划申报表"])
    ws.append(["申报日期：  年  月  日"])
    ws.append(PLAN_HEADER)
    ws.append(
        [
            1,
            "好的项目",
            "设计人员 30人",
            dt.datetime(2025, 10, 1),
            8,
            "",
            "面授",
            "本单位",
            "",
            "公需科目；线上",
        ]
    )
    ws.append([2, "", "设计人员", "2025-10-02", 8, "", "面授", "本单位", "", ""])
    ws.append([3, "坏学时", "设计人员", "2025/10/03", "八", "", "面授", "本单位", "", ""])
    ws.append([4, "坏日期", "设计人员", "十月", 4.25, "", "面授", "本单位", "", ""])
    ws.append([5])  # numbered but empty: skipped
    ws.append(["申报单位（基地）意见", None, "同意"])

    def upload(workbook, name="plan.xlsx"):
        buffer = io.BytesIO()
        workbook.save(buffer)
        buffer.seek(0)
        buffer.name = name
        return unit.upload(f"filings/plans/{plan['id']}/import", {"file": buffer})

    r = upload(wb)
    assert r.status_code == 422
    messages = [e["message"] for e in r.json()["errors"]]
    assert "第5行 培训项目：必须填写。" in messages
    assert any(m.startswith("第6行 培训学时数：") for m in messages)
    assert any(m.startswith("第7行 开班时间：") for m in messages)
    assert any(m.startswith("第7行 培训学时数：最多保留 1 位小数") for m in messages)
    assert "3 行有误" in r.json()["detail"]
    assert [i.project for i in TrainingPlan.objects.get(pk=plan["id"]).items.all()] == ["原有项目"]
    ws.delete_rows(5, 3)
    r = upload(wb)
    assert r.status_code == 200, r.json()
    items = r.json()["items"]
    assert [(i["project"], i["category"], i["remark"], i["starts_on"]) for i in items] == [
        ("好的项目", "public", "线上", "2025-10-01")
    ]
    assert upload(wb, name="plan.csv").json()["errors"][0]["field"] == "file"
    bad = io.BytesIO(b"not a workbook")
    bad.name = "x.xlsx"
    r = unit.upload(f"filings/plans/{plan['id']}/import", {"file": bad})
    assert r.status_code == 422 and r.json()["errors"][0]["message"].startswith("文件：")


def test_template_and_exports_download(world, api_as):
    plan = factories.accepted_plan(world)
    unit = api_as(world.unit_user)
    r = unit.get("filings/plans/template/2025")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    for fmt, magic in (("docx", b"PK"), ("xlsx", b"PK"), ("pdf", b"%PDF")):
        r = unit.get(f"filings/plans/{plan.pk}/export", format=fmt)
        assert r.status_code == 200 and r.content.startswith(magic), fmt
        assert "attachment" in r["Content-Disposition"]
    doc = Document(io.BytesIO(unit.get(f"filings/plans/{plan.pk}/export", format="docx").content))
    assert doc.tables[-1].rows[1].cells[1].text == "建筑节能新技术研修班"
    assert unit.get(f"filings/plans/{plan.pk}/export", format="odt").status_code == 422


def test_accepted_plan_items_for_declarations(world, api_as):
    plan = factories.accepted_plan(world)
    draft = factories.actor(world.sibling_unit_user)
    from filings import services

    services.create_plan(draft, plan=plan_input(plan_data(), [plan_item_data(project="未备案项目")]))
    items = api_as(world.person.user).get("filings/plan-items", year=2025).json()
    assert [i["project"] for i in items] == ["建筑节能新技术研修班"]
    assert items[0]["plan_id"] == plan.pk and items[0]["filer"]["name"] == "测试设计院"
    assert items[0]["plan_accepted"] is True


def test_plan_items_of_submitted_plans_on_request(world, api_as):
    from filings import services

    filer = factories.actor(world.sibling_unit_user)
    services.create_plan(filer, plan=plan_input(plan_data(), [plan_item_data(project="草稿项目")]))
    submitted = services.create_plan(
        filer, plan=plan_input(plan_data(), [plan_item_data(project="备案中项目")])
    )
    services.submit_plan(filer, plan_id=submitted.pk, now=factories.in_time())
    person = api_as(world.person.user)
    assert person.get("filings/plan-items", year=2025).json() == []
    items = person.get("filings/plan-items", year=2025, include_filed="true").json()
    assert [(i["project"], i["plan_accepted"]) for i in items] == [("备案中项目", False)]


# --- platform filings --------------------------------------------------------------------------


def test_platform_filing_validation(world, api_as, supervised_base):
    base = api_as(world.base_user)
    bad = platform_data(
        icp_number="ICP2025",
        domain="http://learn.example.cn/path",
        url="ftp://learn.example.cn",
        manager_phone="123",
        tech_mobile="2380000000",
        tech_office_phone="abc",
        offers_public=False,
        offers_professional=False,
    )
    r = base.post("filings/platforms", bad)
    assert r.status_code == 422
    fields = {e["field"]: e["message"] for e in r.json()["errors"]}
    assert fields["icp_number"].startswith("网站备案号：") and "豫ICP备" in fields["icp_number"]
    assert fields["domain"].startswith("域名：")
    assert fields["url"].startswith("网址：")
    assert fields["manager_phone"].startswith("负责人联系电话：")
    assert fields["tech_mobile"].startswith("技术支持客服手机：")
    assert fields["tech_office_phone"].startswith("技术支持客服办公电话：")
    assert fields["offers_public"].startswith("培训内容：")
    r = base.post("filings/platforms", platform_data(url="https://other.example.com/"))
    assert r.json()["errors"][0]["field"] == "url" and "不一致" in r.json()["errors"][0]["message"]
    r = base.post(
        "filings/platforms", platform_data(icp_number="豫ICP备12345678号-1", domain="Learn.Example.CN")
    )
    assert r.status_code == 201 and r.json()["domain"] == "learn.example.cn"
    # units do not file platforms
    assert api_as(world.unit_user).post("filings/platforms", platform_data()).status_code == 403


def test_platform_acceptance_issues_a_credential_and_lists_it_on_learn(
    world, api_as, at, client, supervised_base, today
):
    base = api_as(world.base_user)
    filing = base.post("filings/platforms", platform_data(year=2026, offers_professional=True)).json()
    at(dt.datetime(2026, 9, 15, 12, 0, tzinfo=SHANGHAI))
    assert base.post(f"filings/platforms/{filing['id']}/submit").json()["state"] == "pending_opinion"
    authority = api_as(world.authority_user)
    assert authority.post(f"filings/platforms/{filing['id']}/opinion", {"opinion": "同意"}).status_code == 200
    bureau = api_as(world.bureau_user)
    r = bureau.post(f"filings/platforms/{filing['id']}/accept")
    assert r.status_code == 200
    body = r.json()
    assert body["state"] == "accepted" and body["token"].startswith("lp_") and body["platform_id"]
    platform = Organisation.objects.get(pk=body["platform_id"])
    assert platform.kind == "platform" and platform.name == "豫才继续教育在线"
    assert platform.supervisor == world.authority
    # the token is shown once: never in the filing or the credentials list; only its hash is stored
    assert "token" not in bureau.get(f"filings/platforms/{filing['id']}").json()
    creds = bureau.get(f"filings/platforms/{filing['id']}/credentials").json()
    assert len(creds) == 1 and creds[0]["live"] and body["token"] not in str(creds)
    from filings.models import PlatformCredential

    assert body["token"] not in str(list(PlatformCredential.objects.values()))
    # the learning entrance lists it with what it offers (current year is 2026)
    html = client.get("/learn/").content.decode()
    assert "豫才继续教育在线" in html and "专业科目" in html
    # accepting twice is refused
    assert bureau.post(f"filings/platforms/{filing['id']}/accept").status_code == 422


def test_platform_scoping(world, api_as, at, supervised_base):
    base = api_as(world.base_user)
    filing = base.post("filings/platforms", platform_data()).json()
    at(dt.datetime(2025, 9, 1, tzinfo=SHANGHAI))
    base.post(f"filings/platforms/{filing['id']}/submit")
    for user in (world.other_authority_user, world.unit_user):
        assert api_as(user).get(f"filings/platforms/{filing['id']}").status_code == 404
    assert (
        api_as(world.other_authority_user)
        .post(f"filings/platforms/{filing['id']}/opinion", {"opinion": "同意"})
        .status_code
        == 404
    )
    assert {f["id"] for f in api_as(world.authority_user).get("filings/platforms").json()["items"]} == {
        filing["id"]
    }
    assert api_as(world.unit_user).get("filings/platforms").json()["items"] == []
    r = api_as(world.bureau_user).post(f"filings/platforms/{filing['id']}/return", {"reason": "网址无法访问"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "state"  # waits for the opinion
    assert PlatformFiling.objects.get(pk=filing["id"]).state == FilingState.PENDING_OPINION


def test_platform_export_download(world, api_as):
    filing, _token = factories.accepted_platform(world)
    base = api_as(world.base_user)
    r = base.get(f"filings/platforms/{filing.pk}/export", format="pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    r = base.get(f"filings/platforms/{filing.pk}/export", format="docx")
    doc = Document(io.BytesIO(r.content))
    assert doc.tables[-1].rows[0].cells[1].text == "豫才继续教育在线"
    assert base.get(f"filings/platforms/{filing.pk}/export", format="xlsx").status_code == 422
