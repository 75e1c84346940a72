"""Integrity across sources (credits.integrity): the same learning or the same file arriving by
two ways is flagged once, with the other record linked as far as the viewer may see it, and a
person decides — never refused, never silently passed."""

import datetime as dt
import hashlib
import threading
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEntry
from core.actors import SYSTEM
from core.errors import DomainError
from credits import intake, integrity, ledger, services
from credits.models import (
    Declaration,
    DeclarationState,
    Evidence,
    HourRecord,
    IntegrityFlag,
    RecordState,
    Source,
)
from filings import selectors as filing_selectors
from filings.models import FilingState
from policy.models import Method
from tests import factories
from tests.credits.helpers import PDF, actor, declare, pdf_file, person_actor, plan_item, platform_token

pytestmark = pytest.mark.django_db
Kind = IntegrityFlag.Kind


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def pdf(tag: str):
    """A PDF file of its own content (its own SHA-256)."""
    return pdf_file(f"{tag}.pdf", PDF + f"%{tag}\n".encode())


def submit(person, file=None, **fields):
    """A declaration of `person` with one evidence file (by default one of its own), submitted."""
    declaration = declare(person, submit=False, evidence=False, **fields)
    who = person_actor(person)
    services.attach_evidence(
        who, declaration_id=declaration.pk, uploaded=file or pdf(f"own-{person.pk}-{fields.get('title', '')}")
    )
    return services.submit_declaration(who, declaration_id=declaration.pk)


def resubmit(declaration, reviewer):
    services.review_declaration(
        actor(reviewer), declaration_id=declaration.pk, decision="return", comment="请补充说明"
    )
    return services.submit_declaration(person_actor(declaration.person), declaration_id=declaration.pk)


def push(token, items):
    return intake.receive_platform_completions(filing_selectors.credential_for_token(token), items=items)


def course(person, external_id="c-1", **changes):
    row = {
        "external_id": external_id,
        "id_number": person.reveal_id_number(),
        "name": person.name,
        "course": "数字技术与网络安全",
        "category": "public",
        "hours": 10,
        "started_on": "2026-11-09",
        "completed_on": "2026-11-10",
    }
    row.update(changes)
    return row


# ---------------------------------------------------------------------------------------------
# the same class: base attendance and a declaration


def test_attendance_of_a_class_declared_and_waiting_is_flagged_once_with_both_linked(world):
    item = plan_item(world.base, hours="24")
    declaration = submit(
        world.person,
        method="training",
        plan_item_id=item.pk,
        title="装配式建筑研修",
        hours=Decimal("24"),
        started_on=dt.date(2026, 6, 1),
        ended_on=dt.date(2026, 6, 3),
    )
    assert not IntegrityFlag.objects.exists()
    result = services.credit_attendance(
        actor(world.base_user), plan_item_id=item.pk, rows=[(world.person, 24)]
    )
    flag = IntegrityFlag.objects.get()
    assert (flag.kind, flag.person, flag.year, flag.state) == (Kind.SAME_CLASS, world.person, 2026, "open")
    assert set(flag.declarations.all()) == {declaration}
    assert set(flag.records.all()) == {result.records[0], declaration.hour_record}
    assert "同一培训计划项目" in flag.message
    assert AuditEntry.objects.filter(action="integrity.flagged", target_id=str(flag.pk)).count() == 1

    # The base sends the sheet again: still one flag. Resubmitting this class is refused as
    # before (it is credited), and raises nothing either.
    services.credit_attendance(actor(world.base_user), plan_item_id=item.pk, rows=[(world.person, 24)])
    with pytest.raises(DomainError):
        resubmit(declaration, world.unit_user)
    assert IntegrityFlag.objects.count() == 1


def test_a_declaration_of_a_reported_class_without_its_plan_item_is_matched_by_base_days_and_title(world):
    item = plan_item(world.base, hours="24", starts_on=dt.date(2026, 6, 1))
    attended = services.credit_attendance(
        actor(world.base_user), plan_item_id=item.pk, rows=[(world.person, 24)]
    ).records[0]
    # Other learning of other days, or of the same days under another name: nothing to flag.
    submit(world.person, title="桥梁检测实践", started_on=dt.date(2026, 6, 2), ended_on=dt.date(2026, 6, 12))
    submit(
        world.person,
        title="装配式建筑新技术研修班",
        organizer="三门峡市建筑业协会",
        started_on=dt.date(2026, 9, 1),
        ended_on=dt.date(2026, 9, 12),
    )
    assert not IntegrityFlag.objects.exists()

    same = submit(
        world.person,
        method=Method.PRACTICE,
        title="《装配式建筑新技术》研修班（第一期）",
        organizer="建筑业协会",
        hours=Decimal("20"),
        started_on=dt.date(2026, 6, 2),
        ended_on=dt.date(2026, 6, 3),
    )
    flag = IntegrityFlag.objects.get()
    assert flag.kind == Kind.SAME_CLASS and "日期重叠、名称相近" in flag.message
    assert set(flag.declarations.all()) == {same}
    assert set(flag.records.all()) == {attended, same.hour_record}
    resubmit(same, world.unit_user)
    assert IntegrityFlag.objects.count() == 1


def test_titles_alike_and_organisers_decide_the_fuzzy_match():
    assert integrity.similarity("BIM 技术应用", "2026年ＢＩＭ技术应用培训班") == 0.9
    assert integrity.similarity("装配式建筑", "装配式建筑") == 1.0
    assert integrity.same_learning("装配式建筑新技术研修班", "甲协会", "装配式建筑新技术研修", "乙单位")
    assert integrity.same_learning("建筑节能技术专题", "三门峡市建筑业协会", "节能技术专题讲座", "建筑业协会")
    assert not integrity.same_learning(
        "建筑节能技术专题", "三门峡市建筑业协会", "节能技术专题讲座", "中心医院"
    )
    assert not integrity.same_learning("桥梁检测实践", "设计研究院", "数字技术与网络安全", "设计研究院")


# ---------------------------------------------------------------------------------------------
# the same course: a platform push and a declaration


def test_a_pushed_course_declared_before_or_after_is_flagged_once(world):
    token = platform_token(world)
    declared = submit(
        world.person,
        method=Method.ONLINE,
        category="public",
        title="数字技术与网络安全（网络课程）",
        organizer="某网络学院",
        hours=Decimal("10"),
        started_on=dt.date(2026, 11, 9),
        ended_on=dt.date(2026, 11, 10),
    )
    push(token, [course(world.person)])
    flag = IntegrityFlag.objects.get()
    pushed = HourRecord.objects.get(source=Source.PLATFORM)
    assert flag.kind == Kind.SAME_COURSE and set(flag.declarations.all()) == {declared}
    assert set(flag.records.all()) == {pushed, declared.hour_record}
    # The platform sends again (a duplicate answer), the person resubmits: no second flag.
    assert push(token, [course(world.person)]).duplicates == ["c-1"]
    resubmit(declared, world.unit_user)
    assert IntegrityFlag.objects.count() == 1

    # The other order: the course arrives first, the declaration second.
    push(token, [course(world.other_person, "c-2", course="新发展理念专题", started_on="2026-11-02")])
    later = submit(
        world.other_person,
        method=Method.ONLINE,
        category="public",
        title="新发展理念专题",
        organizer="测试学习平台2026",
        hours=Decimal("10"),
        started_on=dt.date(2026, 11, 3),
        ended_on=dt.date(2026, 11, 6),
    )
    assert IntegrityFlag.objects.filter(kind=Kind.SAME_COURSE, declarations=later).count() == 1
    # A course of other days is another learning.
    push(token, [course(world.person, "c-3", started_on="2026-10-01", completed_on="2026-10-02")])
    assert IntegrityFlag.objects.count() == 2


# ---------------------------------------------------------------------------------------------
# the same evidence file


def test_one_file_on_two_declarations_of_anyone_is_flagged_once_per_pair(world):
    shared = PDF + b"%certificate-2026-001\n"
    mine = submit(world.person, title="桥梁检测实践", file=pdf_file("证书.pdf", shared))
    assert not IntegrityFlag.objects.exists()
    # A draft with the file is nobody's claim yet.
    draft = declare(world.other_person, submit=False, evidence=False, title="心血管介入进修")
    services.attach_evidence(
        person_actor(world.other_person), declaration_id=draft.pk, uploaded=pdf_file("扫描件.pdf", shared)
    )
    assert not IntegrityFlag.objects.exists()
    theirs = services.submit_declaration(person_actor(world.other_person), declaration_id=draft.pk)
    flag = IntegrityFlag.objects.get()
    assert flag.kind == Kind.SAME_EVIDENCE and flag.person == world.other_person
    assert set(flag.declarations.all()) == {mine, theirs}
    assert set(flag.records.all()) == {mine.hour_record, theirs.hour_record}
    assert "不同人员" in flag.message and "均为 2026 年度" in flag.message
    assert "证书" not in flag.message and world.person.name not in flag.message
    resubmit(theirs, world.other_unit_user)
    resubmit(mine, world.unit_user)
    assert IntegrityFlag.objects.count() == 1


def test_a_file_reused_across_years_by_the_same_person_is_flagged(world):
    shared = PDF + b"%award-2025\n"
    last_year = Declaration.objects.create(
        person=world.person,
        year=2025,
        category="professional",
        method="practice",
        title="2025 年度实践",
        organizer="测试设计院",
        hours=Decimal("20"),
        started_on=dt.date(2025, 5, 1),
        ended_on=dt.date(2025, 5, 20),
        state=DeclarationState.APPROVED,
        unit=world.unit,
        authority=world.authority,
    )
    Evidence.objects.create(
        declaration=last_year,
        original_name="获奖证书.pdf",
        content_type="application/pdf",
        size=len(shared),
        sha256=hashlib.sha256(shared).hexdigest(),
        file="evidence/x",
    )
    now = submit(world.person, title="桥梁检测实践", file=pdf_file("获奖证书.pdf", shared))
    flag = IntegrityFlag.objects.get()
    assert flag.kind == Kind.SAME_EVIDENCE and set(flag.declarations.all()) == {last_year, now}
    assert "2026 年度与 2025 年度" in flag.message and "同一人员" in flag.message


def test_a_reviewer_sees_the_other_record_only_within_their_scope(world):
    shared = PDF + b"%joint-certificate\n"
    mine = submit(world.person, title="桥梁检测实践", file=pdf_file("a.pdf", shared))
    theirs = submit(world.other_person, title="心血管介入进修", file=pdf_file("b.pdf", shared))

    html = client_for(world.unit_user).get(f"/hours/reviews/{mine.pk}/").content.decode()
    assert 'data-testid="integrity-flag"' in html and "证明材料重复使用" in html
    assert "另一条记录（其他单位）" in html
    assert "心血管介入进修" not in html and world.other_person.name not in html
    assert f"/hours/reviews/{theirs.pk}/" not in html

    html = client_for(world.other_unit_user).get(f"/hours/reviews/{theirs.pk}/").content.decode()
    assert "另一条记录（其他单位）" in html and "桥梁检测实践" not in html
    assert world.person.name not in html

    # The bureau of both sees both, linked.
    html = client_for(world.bureau_user).get(f"/hours/reviews/{mine.pk}/").content.decode()
    assert f'href="/hours/reviews/{theirs.pk}/"' in html and "心血管介入进修" in html

    # A base's attendance of the same person is the reviewer's to see: linked to the person's page.
    item = plan_item(world.base, hours="24", starts_on=dt.date(2026, 11, 3))
    services.credit_attendance(actor(world.base_user), plan_item_id=item.pk, rows=[(world.person, 24)])
    same = submit(
        world.person,
        title="装配式建筑新技术研修班",
        organizer="三门峡市建筑业协会",
        hours=Decimal("24"),
        started_on=dt.date(2026, 11, 3),
        ended_on=dt.date(2026, 11, 5),
    )
    html = client_for(world.unit_user).get(f"/hours/reviews/{same.pk}/").content.decode()
    assert "基地报送与个人申报为同一培训" in html
    assert f'href="/hours/people/{world.person.pk}/"' in html and "基地报送" in html

    # The unit's integrity list names the other person's case only as another unit's record.
    listing = client_for(world.unit_user).get("/hours/integrity/?kind=same_evidence").content.decode()
    assert listing.count('data-testid="flag"') == 1 and "另一条记录（其他单位）" in listing
    assert "心血管介入进修" not in listing and world.other_person.name not in listing


def test_the_api_shows_the_other_item_only_within_scope(world, api_as):
    shared = PDF + b"%api\n"
    mine = submit(world.person, title="桥梁检测实践", file=pdf_file("a.pdf", shared))
    theirs = submit(world.other_person, title="心血管介入进修", file=pdf_file("b.pdf", shared))
    unit = api_as(world.unit_user).get("integrity-flags", kind="same_evidence").json()
    assert unit["count"] == 1
    items = unit["items"][0]["items"]
    assert {"kind": "other", "id": None, "label": "另一条记录（其他单位）"} in items
    assert {i["id"] for i in items if i["kind"] == "declaration"} == {mine.pk}
    bureau = api_as(world.bureau_user).get("integrity-flags", kind="same_evidence").json()
    assert {i["id"] for i in bureau["items"][0]["items"]} == {mine.pk, theirs.pk}
    refused = api_as(world.bureau_user).get("integrity-flags", kind="nonsense")
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "kind"


# ---------------------------------------------------------------------------------------------
# the daily limit across sources, for a declaration that enters review on its own


def test_a_declaration_entering_review_with_its_plan_is_flagged_beyond_the_daily_limit(world):
    item = plan_item(world.base, hours="24", accepted=False, starts_on=dt.date(2026, 11, 2))
    waiting = submit(
        world.person,
        method="training",
        plan_item_id=item.pk,
        title="装配式建筑研修",
        hours=Decimal("24"),
        started_on=dt.date(2026, 11, 2),
        ended_on=dt.date(2026, 11, 3),
    )
    assert waiting.state == DeclarationState.NOT_RECOGNISED
    # Not counting yet, so the platform's 20 hours of the same two days are credited.
    push(
        platform_token(world),
        [
            course(
                world.person, course="应急管理", hours=20, started_on="2026-11-02", completed_on="2026-11-03"
            )
        ],
    )
    assert not IntegrityFlag.objects.exists()
    item.plan.state = FilingState.ACCEPTED
    item.plan.save()
    services.recognise_plan(SYSTEM, plan_id=item.plan.pk)
    flag = IntegrityFlag.objects.get()
    assert flag.kind == Kind.OVER_DAILY_LIMIT and set(flag.declarations.all()) == {waiting}
    assert set(flag.records.all()) == {waiting.hour_record, HourRecord.objects.get(source=Source.PLATFORM)}
    html = client_for(world.unit_user).get(f"/hours/reviews/{waiting.pk}/").content.decode()
    assert "超过每日学时上限" in html and "学习入口自动计入" in html


def test_over_limit_attendance_links_the_declaration_its_reviewer_sees(world, clock):
    clock.set(2026, 12, 31)
    declared = submit(
        world.person,
        hours=Decimal("20"),
        started_on=dt.date(2026, 12, 30),
        ended_on=dt.date(2026, 12, 31),
    )
    item = plan_item(world.base, hours="16", starts_on=dt.date(2026, 12, 30))
    services.credit_attendance(
        actor(world.base_user), plan_item_id=item.pk, rows=[(world.person, Decimal("16"))]
    )
    flag = IntegrityFlag.objects.get(kind=Kind.OVER_DAILY_LIMIT)
    assert set(flag.declarations.all()) == {declared}
    html = client_for(world.unit_user).get(f"/hours/reviews/{declared.pk}/").content.decode()
    assert "超过每日学时上限" in html


# ---------------------------------------------------------------------------------------------
# the bureau's list and deciding


@pytest.fixture
def three_kinds(world):
    token = platform_token(world)
    shared = PDF + b"%three\n"
    submit(world.person, title="桥梁检测实践", file=pdf_file("a.pdf", shared))
    submit(world.other_person, title="心血管介入进修", file=pdf_file("b.pdf", shared))
    declared = submit(
        world.person,
        method=Method.ONLINE,
        category="public",
        title="数字技术与网络安全",
        hours=Decimal("10"),
        started_on=dt.date(2026, 11, 9),
        ended_on=dt.date(2026, 11, 10),
    )
    push(token, [course(world.person)])
    item = plan_item(world.base, hours="24", starts_on=dt.date(2026, 6, 1))
    class_declared = submit(
        world.person,
        method="training",
        plan_item_id=item.pk,
        title="装配式建筑研修",
        hours=Decimal("24"),
        started_on=dt.date(2026, 6, 1),
        ended_on=dt.date(2026, 6, 2),
    )
    services.credit_attendance(actor(world.base_user), plan_item_id=item.pk, rows=[(world.person, 24)])
    assert sorted(IntegrityFlag.objects.values_list("kind", flat=True)) == sorted(
        [Kind.SAME_EVIDENCE, Kind.SAME_COURSE, Kind.SAME_CLASS]
    )
    return {"course": declared, "class": class_declared}


def test_the_bureau_lists_every_flag_of_its_region_by_kind(world, three_kinds):
    client = client_for(world.bureau_user)
    everything = client.get("/hours/integrity/").content.decode()
    assert everything.count('data-testid="flag"') == 3
    for kind in (Kind.SAME_EVIDENCE, Kind.SAME_COURSE, Kind.SAME_CLASS):
        html = client.get(f"/hours/integrity/?kind={kind}").content.decode()
        assert html.count('data-testid="flag"') == 1 and f'data-kind="{kind}"' in html
    assert (
        client.get("/hours/integrity/?kind=over_daily_limit").content.decode().count('data-testid="flag"')
        == 0
    )
    # Another city's bureau sees none of them.
    lingbao = factories.staff(
        "bureau", factories.Organisation.objects.get(kind="bureau", name="灵宝市人力资源和社会保障局")
    )
    assert 'data-testid="flag"' not in client_for(lingbao).get("/hours/integrity/").content.decode()


def test_the_reviewer_decides_a_flag_on_the_review_page_audited_and_nothing_is_removed(
    world, three_kinds, api_as
):
    declared = three_kinds["course"]
    flag = IntegrityFlag.objects.get(kind=Kind.SAME_COURSE)
    page = f"/hours/reviews/{declared.pk}/"
    assert "提交核查结论" in client_for(world.unit_user).get(page).content.decode()
    # Another unit's reviewer cannot see it; the authority has nothing waiting at its level yet.
    assert (
        client_for(world.other_unit_user)
        .post(f"/hours/integrity/{flag.pk}/decide/", {"decision": "upheld", "note": "x"})
        .status_code
        == 404
    )
    assert (
        client_for(world.authority_user)
        .post(f"/hours/integrity/{flag.pk}/decide/", {"decision": "upheld", "note": "x"})
        .status_code
        == 403
    )
    response = client_for(world.unit_user).post(
        f"/hours/integrity/{flag.pk}/decide/",
        {"decision": "upheld", "note": "平台已计入，重复申报", "next": page},
    )
    assert response.status_code == 302 and response["Location"] == page
    flag.refresh_from_db()
    assert (flag.state, flag.note, flag.decided_by) == ("upheld", "平台已计入，重复申报", world.unit_user)
    entry = AuditEntry.objects.get(action="integrity.upheld", target_id=str(flag.pk))
    assert entry.actor == world.unit_user and entry.after["note"] == "平台已计入，重复申报"
    # Upholding removes nothing: the declaration waits for the reviewer's decision.
    declared.refresh_from_db()
    assert declared.state == DeclarationState.PENDING_UNIT
    assert declared.hour_record.state == RecordState.PENDING
    # A decided flag is decided once; a foreign redirect target is ignored.
    again = client_for(world.bureau_user).post(
        f"/hours/integrity/{flag.pk}/decide/",
        {"decision": "dismissed", "note": "y", "next": "https://evil.example/"},
    )
    assert again["Location"] == "/hours/integrity/"
    flag.refresh_from_db()
    assert flag.state == "upheld"
    # The bureau decides any flag of its region, through the API too.
    other = IntegrityFlag.objects.get(kind=Kind.SAME_EVIDENCE)
    decided = api_as(world.bureau_user).post(
        f"integrity-flags/{other.pk}/decide", {"decision": "dismissed", "note": "联合发文的同一证书"}
    )
    assert decided.status_code == 200 and decided.json()["state"] == "dismissed"
    assert AuditEntry.objects.filter(action="integrity.dismissed", target_id=str(other.pk)).count() == 1


# ---------------------------------------------------------------------------------------------
# performance: set-based, not one query per item


def test_checking_a_thousand_credited_items_takes_a_constant_number_of_queries(world):
    people = [world.person, world.other_person] + [
        factories.person(world.unit, name=f"员工{i}") for i in range(8)
    ]
    for p in people:
        Declaration.objects.create(
            person=p,
            year=2026,
            category="public",
            method="online",
            title="数字技术与网络安全",
            organizer="测试学习平台",
            hours=Decimal("10"),
            started_on=dt.date(2026, 11, 9),
            ended_on=dt.date(2026, 11, 10),
            state=DeclarationState.PENDING_UNIT,
        )
    with transaction.atomic():
        records = ledger.add_records(
            HourRecord(
                person=people[i % len(people)],
                year=2026,
                category="public",
                method="online",
                hours=Decimal("0.5"),
                source=Source.PLATFORM,
                state=RecordState.CREDITED,
                title="数字技术与网络安全" if i < len(people) else f"课程{i}",
                organizer="测试学习平台",
                started_on=dt.date(2026, 1, 1) + dt.timedelta(days=i % 300),
                completed_on=dt.date(2026, 11, 10)
                if i < len(people)
                else dt.date(2026, 1, 1) + dt.timedelta(days=i % 300),
            )
            for i in range(1000)
        )
        with CaptureQueriesContext(connection) as queries:
            flags = integrity.check_credited(records)
    assert len(flags) == len(people)
    assert len(queries) <= 10, [q["sql"][:120] for q in queries]
    assert IntegrityFlag.objects.filter(kind=Kind.SAME_COURSE).count() == len(people)


def test_a_push_of_a_thousand_items_checks_them_in_a_few_queries(world):
    """The real path: the push's integrity check reads the candidate declarations once and
    writes flags, links and audit entries in bulk, however many items match."""
    submit(
        world.person,
        method=Method.ONLINE,
        category="public",
        title="数字技术与网络安全",
        hours=Decimal("1"),
        started_on=dt.date(2026, 11, 9),
        ended_on=dt.date(2026, 11, 10),
    )
    items = [
        course(
            world.person,
            f"bulk-{i}",
            hours=0.1,
            course="数字技术与网络安全" if i < 50 else f"课程{i}",
            started_on=None,
            completed_on=(
                dt.date(2026, 11, 10) if i < 50 else dt.date(2026, 1, 2) + dt.timedelta(days=i % 300)
            ).isoformat(),
        )
        for i in range(1000)
    ]
    with CaptureQueriesContext(connection) as queries:
        result = push(platform_token(world), items)
    assert len(result.accepted) == 1000
    touching = [q["sql"] for q in queries if "integrityflag" in q["sql"] or "credits_declaration" in q["sql"]]
    assert IntegrityFlag.objects.filter(kind=Kind.SAME_COURSE).count() == 50
    assert len(touching) <= 8, touching
    assert len(queries) < 150  # the whole push (SQLite inserts in chunks of 50), not one per item


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.usefixtures("transactional_db")
def test_a_report_while_a_review_holds_the_declaration_neither_waits_nor_deadlocks(world):
    """A review holds the declaration and its record FOR UPDATE (deciding it): the base's
    report raises its flag without linking them (FOR KEY SHARE SKIP LOCKED), so it commits
    at once instead of waiting for — or deadlocking with — the review."""
    item = plan_item(world.base, hours="24")
    declaration = submit(
        world.person,
        method="training",
        plan_item_id=item.pk,
        title="装配式建筑研修",
        hours=Decimal("24"),
        started_on=dt.date(2026, 6, 1),
        ended_on=dt.date(2026, 6, 3),
    )
    holding, release = threading.Event(), threading.Event()

    def review():
        try:
            with transaction.atomic():
                Declaration.objects.select_for_update().get(pk=declaration.pk)
                HourRecord.objects.select_for_update().get(declaration=declaration)
                holding.set()
                release.wait(20)
        finally:
            connection.close()

    thread = threading.Thread(target=review)
    thread.start()
    try:
        assert holding.wait(10)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '5s'")  # a wait fails the test, not hangs it
            result = services.credit_attendance(
                actor(world.base_user), plan_item_id=item.pk, rows=[(world.person, 24)]
            )
    finally:
        release.set()
        thread.join(30)
    flag = IntegrityFlag.objects.get(kind=Kind.SAME_CLASS)
    assert set(flag.records.all()) == {result.records[0]}
    assert not flag.declarations.exists()
    assert flag.key == f"r{result.records[0].pk}:d{declaration.pk}"
