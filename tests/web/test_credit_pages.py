"""The credit-hour journeys through the pages (no API): declare with evidence, two-level
review, rejection and return seen by the person, compliance, title readiness, timeliness."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from credits.models import Declaration, HourRecord
from tests import factories
from tests.credits.helpers import PDF, declare
from tests.factories import plan_input

# Their declarations and plans are dated in 2026: the outcome depends on the date.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def form_data(**overrides):
    data = {
        "category": "professional",
        "method": "practice",
        "title": "桥梁检测实践",
        "organizer": "三门峡市建筑设计研究院",
        "started_on": "2026-11-02",
        "ended_on": "2026-11-03",
        "hours": "16",
        "submit": "1",
    }
    data.update(overrides)
    return data


def pdf(name="结业证书.pdf", extra=b""):
    return SimpleUploadedFile(name, PDF + extra, content_type="application/pdf")


def test_declare_with_a_pdf_then_two_levels_approve_and_progress_shows_it(world):
    person = client_for(world.person.user)
    html = person.get("/hours/me/declarations/new/").content.decode()
    assert "实践操作" in html and "证明材料：" in html  # each way of learning explained
    response = person.post("/hours/me/declarations/new/", {**form_data(), "file": pdf()}, follow=True)
    html = response.content.decode()
    declaration = Declaration.objects.get(person=world.person)
    assert declaration.state == "pending_unit" and declaration.evidence.count() == 1
    assert "已提交“桥梁检测实践”，等待测试设计院审核" in html
    assert 'data-testid="due-on"' in html

    unit = client_for(world.unit_user)
    html = unit.get("/hours/reviews/").content.decode()
    assert "桥梁检测实践" in html and world.person.id_number_masked in html
    html = unit.get(f"/hours/reviews/{declaration.pk}/").content.decode()
    assert "<iframe" in html and "结业证书.pdf" in html
    evidence = declaration.evidence.get()
    file_response = unit.get(f"/hours/declarations/{declaration.pk}/evidence/{evidence.pk}/")
    assert file_response.status_code == 200 and b"".join(file_response.streaming_content) == PDF
    response = unit.post(f"/hours/reviews/{declaration.pk}/decide/", {"decision": "approve"}, follow=True)
    assert "已转行业主管部门审核" in response.content.decode()

    authority = client_for(world.authority_user)
    assert "桥梁检测实践" in authority.get("/hours/reviews/").content.decode()
    response = authority.post(
        f"/hours/reviews/{declaration.pk}/decide/", {"decision": "approve", "comment": "同意"}, follow=True
    )
    assert "16 学时已计入本人 2026 年度学时" in response.content.decode()

    html = person.get("/dashboard/").content.decode()
    assert '<strong data-testid="professional-hours">16</strong>' in html
    assert "还差 74 学时" in html
    html = person.get("/hours/me/hours/").content.decode()
    assert "经用人单位和行业主管部门审核通过，已计入" in html


def test_refused_declaration_keeps_what_was_typed_and_names_the_field(world):
    person = client_for(world.person.user)
    response = person.post("/hours/me/declarations/new/", form_data(hours="abc", title="我的实践"))
    assert response.status_code == 422
    html = response.content.decode()
    assert "学时：应为数字" in html and 'value="我的实践"' in html and "is-invalid" in html
    response = person.post("/hours/me/declarations/new/", form_data(title=""))
    assert "学习内容：必须填写。" in response.content.decode()
    assert not Declaration.objects.filter(person=world.person).exists()
    # Submitting without evidence: what was typed is kept as a draft, and the person is told why
    # it did not go to review.
    response = person.post("/hours/me/declarations/new/", form_data(), follow=True)
    assert "未能提交审核：证明材料：请至少上传一份证明材料" in response.content.decode()
    assert Declaration.objects.get(person=world.person).state == "draft"


def test_a_draft_can_be_saved_without_evidence_and_submitted_later(world):
    person = client_for(world.person.user)
    data = form_data()
    data.pop("submit")
    response = person.post("/hours/me/declarations/new/", {**data, "save": "1"}, follow=True)
    assert "已保存草稿" in response.content.decode()
    declaration = Declaration.objects.get(person=world.person)
    assert declaration.state == "draft"
    response = person.post(f"/hours/me/declarations/{declaration.pk}/submit/", follow=True)
    assert "证明材料：请至少上传一份" in response.content.decode()
    person.post(f"/hours/me/declarations/{declaration.pk}/edit/", {**data, "save": "1", "file": pdf()})
    response = person.post(f"/hours/me/declarations/{declaration.pk}/submit/", follow=True)
    assert "等待测试设计院审核" in response.content.decode()


def test_pending_membership_is_told_before_filling_and_can_save_a_draft(world):
    newcomer = factories.person(world.unit, confirmed=False, name="新人")
    client = client_for(newcomer.user)
    html = client.get("/hours/me/declarations/new/").content.decode()
    assert 'data-testid="cannot-submit"' in html and "尚待单位确认" in html
    assert 'name="submit"' not in html and "只保存草稿" in html
    # a submit sent anyway (an old page, a script): the draft and its file are kept, not lost
    response = client.post("/hours/me/declarations/new/", {**form_data(), "file": pdf()}, follow=True)
    assert "未能提交审核" in response.content.decode() and "尚待单位确认" in response.content.decode()
    declaration = Declaration.objects.get(person=newcomer)
    assert declaration.state == "draft" and declaration.evidence.count() == 1


def test_a_refused_form_keeps_the_chosen_file_for_the_next_try(world, today):
    from credits.models import PendingEvidence

    person = client_for(world.person.user)
    response = person.post("/hours/me/declarations/new/", {**form_data(hours="abc"), "file": pdf()})
    assert response.status_code == 422
    html = response.content.decode()
    held = PendingEvidence.objects.get(person=world.person)
    assert 'data-testid="pending-files"' in html and f'value="{held.pk}"' in html and "结业证书.pdf" in html
    assert "本次未保存" not in html
    # a second refusal (another field) still keeps it
    response = person.post(
        "/hours/me/declarations/new/", {**form_data(title=""), "pending_evidence": [held.pk]}
    )
    assert response.status_code == 422 and f'value="{held.pk}"' in response.content.decode()
    response = person.post(
        "/hours/me/declarations/new/", {**form_data(), "pending_evidence": [held.pk]}, follow=True
    )
    assert "等待测试设计院审核" in response.content.decode()
    declaration = Declaration.objects.get(person=world.person)
    assert [e.original_name for e in declaration.evidence.all()] == ["结业证书.pdf"]
    assert not PendingEvidence.objects.exists()


def test_a_held_file_is_only_its_owners_and_goes_after_a_day(world, today):
    from credits import services
    from credits.models import PendingEvidence

    client_for(world.person.user).post(
        "/hours/me/declarations/new/", {**form_data(hours="abc"), "file": pdf()}
    )
    held = PendingEvidence.objects.get(person=world.person)
    other = client_for(world.other_person.user)
    other_unit = world.other_person  # confirmed at the hospital: may submit
    response = other.post(
        "/hours/me/declarations/new/", {**form_data(), "pending_evidence": [held.pk]}, follow=True
    )
    declaration = Declaration.objects.get(person=other_unit)
    assert declaration.evidence.count() == 0 and PendingEvidence.objects.filter(pk=held.pk).exists()
    assert "未能提交审核" in response.content.decode()
    today.set(today.now + dt.timedelta(hours=23))
    assert services.purge_pending_evidence() == 0
    today.set(today.now + dt.timedelta(hours=2))
    assert services.purge_pending_evidence() == 1 and not PendingEvidence.objects.exists()


def test_rejection_needs_a_reason_and_the_person_sees_it(world):
    declaration = declare(world.person)
    unit = client_for(world.unit_user)
    response = unit.post(f"/hours/reviews/{declaration.pk}/decide/", {"decision": "reject", "comment": ""})
    assert response.status_code == 422
    assert "审核意见：不通过时必须填写原因。" in response.content.decode()
    unit.post(
        f"/hours/reviews/{declaration.pk}/decide/",
        {"decision": "reject", "comment": "证明材料与申报内容不符"},
    )
    person = client_for(world.person.user)
    html = person.get(f"/hours/me/declarations/{declaration.pk}/").content.decode()
    assert "证明材料与申报内容不符" in html and "未通过" in html
    assert "证明材料与申报内容不符" in person.get("/hours/me/hours/").content.decode()
    assert "学时申报未通过" in person.get("/messages/").content.decode()


def test_returned_declaration_is_edited_and_resubmitted(world):
    declaration = declare(world.person)
    client_for(world.unit_user).post(
        f"/hours/reviews/{declaration.pk}/decide/", {"decision": "return", "comment": "请补充签到表"}
    )
    person = client_for(world.person.user)
    html = person.get(f"/hours/me/declarations/{declaration.pk}/edit/").content.decode()
    assert "请补充签到表" in html and 'value="桥梁检测实践"' in html
    response = person.post(
        f"/hours/me/declarations/{declaration.pk}/edit/",
        {**form_data(hours="12"), "file": pdf("签到表.pdf", b"% sign-in sheet\n")},
        follow=True,
    )
    assert "已提交" in response.content.decode()
    declaration.refresh_from_db()
    assert declaration.state == "pending_unit" and declaration.hours == 12
    assert declaration.evidence.count() == 2
    assert declaration.reviews.filter(decided_at__isnull=True).count() == 1


def test_batch_approve_from_the_queue(world):
    first = declare(world.person, title="实践一")
    second = declare(world.person, title="实践二", started_on="2026-11-05", ended_on="2026-11-05", hours="8")
    unit = client_for(world.unit_user)
    response = unit.post("/hours/reviews/batch-approve/", {"ids": [first.pk, second.pk]}, follow=True)
    assert "已批量通过 2 条申报" in response.content.decode()
    assert set(Declaration.objects.values_list("state", flat=True)) == {"pending_authority"}
    response = unit.post("/hours/reviews/batch-approve/", {}, follow=True)
    assert "申报：请至少勾选一条申报。" in response.content.decode()


def _small_declarations(person, n, title="网络安全讲座"):
    return [
        declare(
            person,
            title=f"{title}{i}",
            hours="1",
            started_on=f"2026-11-{1 + i % 10:02d}",
            ended_on=f"2026-11-{1 + i % 10:02d}",
        )
        for i in range(n)
    ]


def test_the_queue_shows_more_rows_a_page_when_asked(world):
    _small_declarations(world.person, 25)
    unit = client_for(world.unit_user)
    assert len(unit.get("/hours/reviews/").context["page"]) == 20
    page = unit.get("/hours/reviews/", {"per_page": "50"}).context["page"]
    assert len(page) == 25 and page.paginator.num_pages == 1
    assert len(unit.get("/hours/reviews/", {"per_page": "7"}).context["page"]) == 20  # not offered


def test_approving_all_that_match_the_filter_needs_the_count_the_reviewer_saw(world):
    lectures = _small_declarations(world.person, 3)
    other = declare(world.person, title="桥梁检测实践")
    unit = client_for(world.unit_user)
    page = unit.get("/hours/reviews/", {"q": "讲座"})
    html = page.content.decode()
    assert "通过全部符合筛选条件的 3 条申报" in html and page.context["matching"] == 3
    stale = {"scope": "matching", "state": "pending", "q": "讲座", "expected": "2"}
    response = unit.post("/hours/reviews/batch-approve/", stale, follow=True)
    assert "符合条件的申报现在有 3 条" in response.content.decode()
    assert not Declaration.objects.filter(state="pending_authority").exists()
    response = unit.post("/hours/reviews/batch-approve/", {**stale, "expected": "3"}, follow=True)
    assert "已批量通过 3 条申报" in response.content.decode()
    assert response.redirect_chain[-1][0].endswith("?state=pending&q=%E8%AE%B2%E5%BA%A7&category=&method=")
    assert {d.pk for d in Declaration.objects.filter(state="pending_authority")} == {d.pk for d in lectures}
    other.refresh_from_db()
    assert other.state == "pending_unit"


def test_all_matching_is_only_for_what_waits_for_review(world):
    declare(world.person)
    unit = client_for(world.unit_user)
    response = unit.post(
        "/hours/reviews/batch-approve/",
        {"scope": "matching", "state": "decided", "expected": "0"},
        follow=True,
    )
    assert "只能批量通过待审核的申报" in response.content.decode()
    assert not Declaration.objects.filter(state="pending_authority").exists()


def test_compliance_page_and_xlsx_export_show_who_is_short(world, django_capture_on_commit_callbacks):
    factories.person(world.unit, name="王五")
    unit = client_for(world.unit_user)
    html = unit.get("/hours/compliance/").content.decode()
    assert "张三" in html and "王五" in html and "公需差 30，专业差 60" in html
    html = unit.get("/hours/compliance/", {"q": "王"}).content.decode()
    assert "王五" in html and "张三" not in html
    # the export runs as a job (reports.tasks.run_export, eager here) and its page links the file
    with django_capture_on_commit_callbacks(execute=True):
        started = unit.get("/reports/compliance.xlsx", {"short": "1"})
    assert started.status_code == 302
    assert 'data-state="done"' in unit.get(started["Location"]).content.decode()
    response = unit.get(started["Location"] + "download/")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    names = [r[1] for r in rows[3:] if r and r[1]]
    assert sorted(names) == ["张三", "王五"]
    flat = repr(rows)
    assert world.person.id_number_masked in flat and world.person.reveal_id_number() not in flat
    assert "未达标" in flat


def test_authority_compliance_has_unit_bars_and_filter(world):
    authority = client_for(world.authority_user)
    html = authority.get("/hours/compliance/").content.decode()
    assert 'data-testid="unit-bars"' in html and world.unit.name in html and world.sibling_unit.name in html
    assert world.other_unit.name not in html
    html = authority.get("/hours/compliance/", {"unit": world.sibling_unit.pk}).content.decode()
    assert "张三" not in html
    assert authority.get("/hours/compliance/", {"unit": world.other_unit.pk}).status_code == 404


def test_title_readiness_lists_unfinished_reviews(world):
    declare(world.person)
    unit = client_for(world.unit_user)
    html = unit.get(f"/hours/people/{world.person.pk}/").content.decode()
    assert 'data-testid="not-ready"' in html and "1 条申报尚未审核完毕" in html
    assert "2026 年度学时未达标" in html


def test_timeliness_page(world):
    declare(world.person)
    html = client_for(world.authority_user).get("/hours/timeliness/").content.decode()
    assert world.unit.name in html


def test_person_history_and_records_year_switch(world):
    person = client_for(world.person.user)
    html = person.get("/hours/me/history/").content.decode()
    assert "2025" in html and "2026" in html and "未达标" in html
    assert person.get("/hours/me/hours/", {"year": "2025"}).status_code == 200


def test_reviewer_pages_are_for_reviewers(world):
    person = client_for(world.person.user)
    assert person.get("/hours/reviews/").status_code == 403
    assert person.get("/hours/compliance/").status_code == 403
    assert client_for(world.unit_user).get("/hours/me/declarations/new/").status_code == 403
    assert HourRecord.objects.count() == 0


def test_bureau_overview_shows_compliance_by_region_and_reviews(world):
    declare(world.person)
    html = client_for(world.bureau_user).get("/dashboard/").content.decode()
    assert 'data-testid="overview"' in html
    assert "达标 0 / 2 人" in html  # 张三 and 李四, both confirmed, both short
    assert "湖滨区" in html
    assert "待单位审核" in html and "条审核已超期" in html


def test_authority_home_shows_units_compliance(world):
    html = client_for(world.authority_user).get("/dashboard/").content.decode()
    assert 'data-testid="unit-bars"' in html and world.unit.name in html
    assert world.other_unit.name not in html


def test_no_page_shows_a_full_id_number(world):
    """Every page of every role, with data on it: only masked numbers."""
    d = declare(world.person)
    secret = world.person.reveal_id_number()
    pages = {
        world.person.user: [
            "/dashboard/",
            "/hours/me/hours/",
            "/hours/me/history/",
            "/hours/me/declarations/",
            f"/hours/me/declarations/{d.pk}/",
        ],
        world.unit_user: [
            "/dashboard/",
            "/unit/members/?state=confirmed",
            "/hours/reviews/",
            f"/hours/reviews/{d.pk}/",
            "/hours/compliance/",
            f"/hours/people/{world.person.pk}/",
            f"/accounts/people/{world.person.pk}/reset-password/",
        ],
        world.authority_user: ["/dashboard/", "/hours/reviews/?state=all", "/hours/compliance/"],
        world.bureau_user: ["/dashboard/", "/bureau/people/?q=张三", "/hours/compliance/"],
    }
    for user, urls in pages.items():
        client = client_for(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            assert secret not in html, url


def test_training_under_a_plan_being_filed_is_offered_and_declared_not_recognised(world):
    from filings import services as filing_services

    filer = factories.actor(world.sibling_unit_user)
    plan = filing_services.create_plan(
        filer,
        plan=plan_input(
            factories.plan_data(2026),
            [factories.plan_item_data(project="装配式建筑研修班", starts_on="2026-10-20")],
        ),
    )
    filing_services.submit_plan(filer, plan_id=plan.pk, now=factories.in_time(2026))
    item = plan.items.get()
    person = client_for(world.person.user)
    html = person.get("/hours/me/declarations/new/").content.decode()
    assert "装配式建筑研修班" in html and "〔计划备案中〕" in html
    data = form_data(
        method="training", plan_item_id=str(item.pk), started_on="2026-10-20", ended_on="2026-10-22"
    )
    data["hours"] = "24"
    response = person.post("/hours/me/declarations/new/", {**data, "file": pdf()}, follow=True)
    assert response.status_code == 200
    declaration = Declaration.objects.get(person=world.person)
    assert declaration.state == "not_recognised" and declaration.plan_item_id == item.pk


def test_the_api_queue_has_the_pages_filters(world, api_as):
    lectures = _small_declarations(world.person, 2)
    practice = declare(world.person, title="桥梁检测实践")
    api = api_as(world.unit_user)
    assert {r["id"] for r in api.get("reviews", q="讲座").json()} == {d.pk for d in lectures}
    assert [r["id"] for r in api.get("reviews", method="practice", q="桥梁").json()] == [practice.pk]
    assert api.get("reviews", category="public").json() == []


def test_a_submit_without_a_file_names_it_beside_the_other_errors(world, today):
    person = client_for(world.person.user)
    response = person.post(
        "/hours/me/declarations/new/", form_data(started_on="2026-11-05", ended_on="2026-11-03", hours="100")
    )
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert "不能晚于结束日期" in errors["started_on"][0] and "每日不超过" in errors["hours"][0]
    assert errors["file"] == ["证明材料：请至少上传一份证明材料（PDF、JPG 或 PNG）。"]
    # Saving a draft needs no file; a file chosen (or kept) needs no such message.
    draft = {k: v for k, v in form_data(hours="100").items() if k != "submit"}
    assert (
        "file"
        not in person.post("/hours/me/declarations/new/", {**draft, "save": "1"}).context["form"].errors
    )
    chosen = person.post("/hours/me/declarations/new/", {**form_data(hours="100"), "file": pdf()})
    assert "file" not in chosen.context["form"].errors and chosen.context["form"].pending
