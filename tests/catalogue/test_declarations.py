"""Declarations follow the catalogue: each kind's evidence slots, its hour standard, its yearly
cap (credited + pending), the terms stored at submit; the notice's `method` keeps working."""

import datetime as dt
from decimal import Decimal

import pytest

from catalogue.models import ActivityType
from core.errors import DomainError
from credits import services
from credits.models import Declaration, HourRecord, RecordState
from tests import factories
from tests.catalogue.helpers import SLOTS, body, declare_kind, edit_kind, file_for, kind
from tests.credits.helpers import PDF, actor, pdf_file, person_actor

pytestmark = pytest.mark.django_db


def _approve(world, declaration):
    services.review_declaration(actor(world.unit_user), declaration_id=declaration.pk, decision="approve")
    return services.review_declaration(
        actor(world.authority_user), declaration_id=declaration.pk, decision="approve"
    )


def _refusal(fn, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as exc:
        fn(*args, **kwargs)
    return exc.value


# --- evidence --------------------------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(SLOTS))
def test_each_kind_asks_for_its_evidence_slot_by_slot(world, code):
    who = person_actor(world.person)
    required = SLOTS[code]
    declaration = declare_kind(world.person, code, world, slots=required[:-1], submit=False)
    refusal = _refusal(services.submit_declaration, who, declaration_id=declaration.pk)
    missing = kind(code).slots.get(code=required[-1])
    assert [e["field"] for e in refusal.errors] == [f"evidence.{missing.code}"]
    assert refusal.errors[0]["message"] == (
        f"证明材料“{missing.name}”：“{kind(code).name}”（第 {kind(code).number} 类）须上传此项。"
    )
    # A file of another slot (or other material) does not stand in for it.
    services.attach_evidence(who, declaration_id=declaration.pk, uploaded=file_for("other"))
    assert _refusal(services.submit_declaration, who, declaration_id=declaration.pk).errors[0]["field"] == (
        f"evidence.{missing.code}"
    )
    services.attach_evidence(
        who, declaration_id=declaration.pk, uploaded=file_for(missing.code), slot=missing.code
    )
    submitted = services.submit_declaration(who, declaration_id=declaration.pk)
    assert submitted.state in ("pending_unit", "not_recognised")
    assert submitted.method == kind(code).method
    assert {e.slot for e in submitted.evidence.all()} == {*required, ""}


def test_every_missing_slot_is_named_at_once_and_optional_ones_are_not_asked(world):
    declaration = declare_kind(world.person, "degree_study", world, slots=[], submit=False)
    refusal = _refusal(services.submit_declaration, person_actor(world.person), declaration_id=declaration.pk)
    assert [e["field"] for e in refusal.errors] == ["evidence.transcript"]
    declaration = declare_kind(world.person, "paper", world, slots=[], submit=False)
    refusal = _refusal(services.submit_declaration, person_actor(world.person), declaration_id=declaration.pk)
    assert [e["field"] for e in refusal.errors] == [
        "evidence.journal_cover",
        "evidence.contents",
        "evidence.article",
    ]


def test_a_file_is_put_only_in_a_slot_its_kind_has(world):
    who = person_actor(world.person)
    paper = declare_kind(world.person, "paper", world, slots=[], submit=False)
    refusal = _refusal(
        services.attach_evidence, who, declaration_id=paper.pk, uploaded=file_for("x"), slot="transcript"
    )
    assert refusal.errors[0]["field"] == "slot"
    assert (
        "journal_cover（杂志封面）" in refusal.errors[0]["message"]
        and "“transcript”" in refusal.errors[0]["message"]
    )
    legacy = services.create_declaration(
        who,
        declaration=services.DeclarationInput(
            **{**body("paper"), "activity_type": None, "method": "practice", "category": "professional"}
        ),
    )
    assert (
        _refusal(
            services.attach_evidence, who, declaration_id=legacy.pk, uploaded=file_for("x"), slot="article"
        ).errors[0]["field"]
        == "slot"
    )
    assert not paper.evidence.exists() and not legacy.evidence.exists()


# --- hour standards --------------------------------------------------------------------------


def test_fixed_hours_per_item_are_counted_by_level_and_number(world):
    edit_kind(
        world,
        "paper",
        levels=[
            {"code": "core_journal", "name": "核心期刊", "hours": Decimal("10")},
            {"code": "journal", "name": "一般期刊", "hours": Decimal("5")},
        ],
    )
    who = person_actor(world.person)
    draft = services.create_declaration(
        who, declaration=services.DeclarationInput(**body("paper", item_count=2, hours=None))
    )
    assert draft.hours == Decimal("20") and draft.item_level == "core_journal" and draft.item_count == 2
    refusal = _refusal(
        services.create_declaration,
        who,
        declaration=services.DeclarationInput(**body("paper", item_level="journal", item_count=3, hours=16)),
    )
    assert refusal.errors[0] == {
        "field": "hours",
        "message": "学时：“发表论文·一般期刊”每项计 5 学时（2026 年度继续教育方式目录），3 项应为 15 学时。",
    }
    assert (
        services.create_declaration(
            who,
            declaration=services.DeclarationInput(
                **body("paper", item_level="journal", item_count=3, hours=15)
            ),
        ).hours
        == 15
    )


def test_per_item_kinds_ask_for_the_level_and_the_number(world):
    who = person_actor(world.person)
    refusal = _refusal(
        services.create_declaration,
        who,
        declaration=services.DeclarationInput(**body("patent", item_level="", item_count=None)),
    )
    assert [e["field"] for e in refusal.errors] == ["item_level", "item_count"]
    assert (
        "发明专利（invention）、实用新型专利（utility_model）、外观设计专利（design）"
        in refusal.errors[0]["message"]
    )
    for count in (0, 100, "两", True):
        assert _refusal(
            services.create_declaration,
            who,
            declaration=services.DeclarationInput(**body("patent", item_count=count)),
        ).errors[0]["field"] == ("item_count")


def test_a_level_without_hours_leaves_them_to_the_reviewer(world):
    # The Measures fixes no figure: the seed's levels have none; the declared hours go to review.
    declaration = declare_kind(
        world.person, "patent", world, hours=Decimal("20"), item_level="design", item_count=2
    )
    assert declaration.state == "pending_unit" and declaration.hours == Decimal("20")
    assert declaration.terms["level"] == {"code": "design", "name": "外观设计专利", "hours": None}
    assert declaration.terms["hour_rule"] == "per_item" and declaration.terms["count"] == 2
    refusal = _refusal(
        services.create_declaration,
        person_actor(world.person),
        declaration=services.DeclarationInput(**body("patent", hours=None)),
    )
    assert refusal.errors[0]["field"] == "hours"  # nothing to count them by: they must be declared


def test_hours_per_day_bound_the_declared_hours(world):
    edit_kind(world, "conference", hour_rule="per_day", hours_per_day=Decimal("6"))
    who = person_actor(world.person)
    refusal = _refusal(
        services.create_declaration,
        who,
        declaration=services.DeclarationInput(**body("conference", hours=13)),
    )  # 2 days
    assert refusal.errors[0] == {
        "field": "hours",
        "message": "学时：“参加学术会议”每天最多计 6 学时（2026 年度继续教育方式目录），2 天最多 12 学时。",
    }
    assert (
        services.create_declaration(
            who, declaration=services.DeclarationInput(**body("conference", hours=12))
        ).hours
        == 12
    )
    edit_kind(world, "conference", hours_per_day=None)  # the reviewer decides: only the year's daily limit
    assert (
        services.create_declaration(
            who, declaration=services.DeclarationInput(**body("conference", hours=24))
        ).hours
        == 24
    )


def test_declared_hours_are_reviewed_within_the_years_daily_limit_only(world):
    who = person_actor(world.person)
    assert (
        services.create_declaration(
            who, declaration=services.DeclarationInput(**body("research_project", hours=24))
        ).hours
        == 24
    )
    refusal = _refusal(
        services.create_declaration,
        who,
        declaration=services.DeclarationInput(**body("research_project", hours=Decimal("24.5"))),
    )
    assert refusal.errors[0]["field"] == "hours" and "每日不超过 12 学时" in refusal.errors[0]["message"]


def test_the_yearly_cap_counts_credited_and_pending_hours_of_the_kind(world):
    edit_kind(world, "patent", yearly_cap=Decimal("30"))
    long = {"started_on": dt.date(2026, 9, 1), "ended_on": dt.date(2026, 11, 13)}  # within the daily limit
    first = declare_kind(world.person, "patent", world, hours=Decimal("20"), **long)  # pending
    second = declare_kind(world.person, "patent", world, hours=Decimal("15"), submit=False, **long)
    refusal = _refusal(services.submit_declaration, person_actor(world.person), declaration_id=second.pk)
    assert refusal.errors[0] == {
        "field": "hours",
        "message": "学时：“获得专利”每年最多计入 30 学时（2026 年度继续教育方式目录）；"
        "本年度该方式已计入及审核中 20 学时，本次最多还可申报 10 学时。",
    }
    assert Declaration.objects.get(pk=second.pk).state == "draft"
    # Another kind, and another person, are not counted.
    declare_kind(world.person, "award", world, hours=Decimal("15"), **long)
    other = factories.person(world.unit, name="王五")
    declare_kind(other, "patent", world, hours=Decimal("25"), **long)
    _approve(world, first)
    assert HourRecord.objects.get(declaration=first).state == RecordState.CREDITED
    services.update_declaration(
        person_actor(world.person), declaration_id=second.pk, change=services.DeclarationChange(hours=10)
    )
    assert (
        services.submit_declaration(person_actor(world.person), declaration_id=second.pk).state
        == "pending_unit"
    )
    third = declare_kind(world.person, "patent", world, hours=Decimal("1"), submit=False, **long)
    assert (
        "已计入及审核中 30 学时"
        in _refusal(services.submit_declaration, person_actor(world.person), declaration_id=third.pk).detail
    )
    # A rejected declaration no longer counts.
    services.review_declaration(
        actor(world.unit_user), declaration_id=second.pk, decision="reject", comment="证书不清晰"
    )
    assert (
        services.submit_declaration(person_actor(world.person), declaration_id=third.pk).state
        == "pending_unit"
    )


def test_a_base_reported_kind_counts_the_bases_attendance_toward_its_cap(world):
    from tests.credits.helpers import plan_item

    edit_kind(world, "base_class", yearly_cap=Decimal("30"))
    item = plan_item(world.base, starts_on=dt.date(2026, 10, 1))
    services.credit_attendance(
        actor(world.base_user), plan_item_id=item.pk, rows=[(world.person, Decimal("24"))]
    )
    draft = declare_kind(world.person, "base_class", world, hours=Decimal("8"), submit=False)
    refusal = _refusal(services.submit_declaration, person_actor(world.person), declaration_id=draft.pk)
    assert "已计入及审核中 24 学时，本次最多还可申报 6 学时" in refusal.detail


def test_a_kind_that_needs_a_filed_plan_item_is_not_recognised_without_an_accepted_plan(world):
    from tests.credits.helpers import plan_item

    item = plan_item(world.base, accepted=False, starts_on=dt.date(2026, 11, 1))
    declaration = declare_kind(world.person, "authority_training", world, plan_item_id=item.pk)
    assert declaration.state == "not_recognised"
    refusal = _refusal(
        services.create_declaration,
        person_actor(world.person),
        declaration=services.DeclarationInput(**body("paper", plan_item_id=item.pk)),
    )
    assert refusal.errors[0] == {
        "field": "plan_item_id",
        "message": "培训计划项目：“发表论文”不需要选择培训计划项目（只有须备案培训计划的方式需要）。",
    }
    # A study programme (type 2) is training without a filed plan: it goes to review.
    assert declare_kind(world.person, "study_programme", world).state == "pending_unit"


# --- the terms stored at submit --------------------------------------------------------------


def test_a_catalogue_change_after_submit_does_not_change_a_submitted_declaration(world, api_as):
    edit_kind(
        world,
        "paper",
        yearly_cap=Decimal("40"),
        levels=[{"code": "core_journal", "name": "核心期刊", "hours": Decimal("10")}],
    )
    submitted = declare_kind(world.person, "paper", world, hours=None)
    assert submitted.hours == 10 and submitted.terms["level"]["hours"] == 10.0
    assert submitted.terms["yearly_cap"] == 40.0
    edit_kind(
        world,
        "paper",
        yearly_cap=Decimal("5"),
        levels=[{"code": "core_journal", "name": "核心期刊", "hours": Decimal("4")}],
        slots=[{"code": "article", "name": "论文全文", "required": True, "help": ""}],
    )
    stored = Declaration.objects.get(pk=submitted.pk)
    assert stored.terms == submitted.terms
    assert [s["name"] for s in stored.terms["slots"]] == ["杂志封面", "目录", "文章"]
    api = api_as(world.unit_user)
    body_ = api.get(f"declarations/{submitted.pk}").json()
    assert body_["terms"]["level"]["hours"] == 10 and body_["terms"]["yearly_cap"] == 40
    assert [e["slot_name"] for e in body_["evidence"]] == ["杂志封面", "目录", "文章"]
    html = factories_client(world.unit_user).get(f"/hours/reviews/{submitted.pk}/").content.decode()
    assert "核心期刊 10 学时" in html and "每年最多计入 40 学时" in html
    approved = _approve(world, submitted)
    assert approved.state == "approved" and HourRecord.objects.get(declaration=approved).hours == 10
    # Declarations submitted after the change follow it.
    later = declare_kind(world.person, "paper", world, hours=None, slots=["article"], submit=False)
    assert later.hours == 4
    assert (
        "每年最多计入 5 学时"
        in _refusal(services.submit_declaration, person_actor(world.person), declaration_id=later.pk).detail
    )


def test_a_draft_follows_the_catalogue_until_it_is_submitted(world):
    draft = declare_kind(world.person, "paper", world, hours=Decimal("8"), submit=False)
    edit_kind(world, "paper", levels=[{"code": "core_journal", "name": "核心期刊", "hours": Decimal("6")}])
    refusal = _refusal(services.submit_declaration, person_actor(world.person), declaration_id=draft.pk)
    assert refusal.errors[0]["field"] == "hours" and "1 项应为 6 学时" in refusal.detail
    edit_kind(world, "paper", active=False)
    refusal = _refusal(services.submit_declaration, person_actor(world.person), declaration_id=draft.pk)
    assert refusal.errors[0]["field"] == "activity_type" and "没有“paper”" in refusal.detail


def factories_client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


# --- the API ---------------------------------------------------------------------------------


OLD_BODY = {
    "category": "professional",
    "method": "online",
    "title": "其他平台在线学习",
    "organizer": "某学习平台",
    "hours": 6,
    "started_on": "2026-11-02",
    "ended_on": "2026-11-03",
}


def test_the_api_with_an_old_method_value_works_as_before(api_as, world):
    person = api_as(world.person.user)
    draft = person.post("declarations", OLD_BODY)
    assert draft.status_code == 201, draft.json()
    assert draft.json()["activity_type"] is None and draft.json()["method"] == "online"
    no_file = person.post(f"declarations/{draft.json()['id']}/submit")
    assert no_file.status_code == 422 and no_file.json()["errors"][0]["field"] == "evidence"
    uploaded = person.upload(f"declarations/{draft.json()['id']}/evidence", {"file": pdf_file()})
    assert uploaded.status_code == 201 and uploaded.json()["slot"] == ""
    submitted = person.post(f"declarations/{draft.json()['id']}/submit").json()
    assert submitted["state"] == "pending_unit" and submitted["terms"] == {}
    queue = api_as(world.unit_user).get("reviews").json()
    assert queue[0]["method"] == "online" and queue[0]["activity_type"] is None


def test_the_api_declares_a_kind_of_the_catalogue_slot_by_slot(api_as, api, world):
    catalogue = api.get("catalogue/2026")
    assert catalogue.status_code == 200 and len(catalogue.json()) == 14
    paper = next(k for k in catalogue.json() if k["code"] == "paper")
    assert paper["method"] == "self_study" and paper["hour_rule"] == "per_item"
    assert [(s["code"], s["required"]) for s in paper["slots"]] == [
        ("journal_cover", True),
        ("contents", True),
        ("article", True),
    ]
    assert api.get("catalogue/1999").status_code == 404
    person = api_as(world.person.user)
    payload = {
        **OLD_BODY,
        "method": None,
        "category": None,
        "activity_type": "paper",
        "item_level": "journal",
        "item_count": 1,
        "hours": 8,
    }
    draft = person.post("declarations", payload).json()
    assert draft["method"] == "self_study" and draft["category"] == "professional"
    for slot in ("journal_cover", "contents"):
        response = person.upload(f"declarations/{draft['id']}/evidence?slot={slot}", {"file": file_for(slot)})
        assert response.status_code == 201 and response.json()["slot"] == slot
    refused = person.post(f"declarations/{draft['id']}/submit")
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {"field": "evidence.article", "message": "证明材料“文章”：“发表论文”（第 6 类）须上传此项。"}
    ]
    bad_slot = person.upload(f"declarations/{draft['id']}/evidence?slot=cover", {"file": file_for("x")})
    assert bad_slot.status_code == 422 and bad_slot.json()["errors"][0]["field"] == "slot"
    person.upload(f"declarations/{draft['id']}/evidence?slot=article", {"file": file_for("article")})
    submitted = person.post(f"declarations/{draft['id']}/submit").json()
    assert submitted["state"] == "pending_unit" and submitted["terms"]["code"] == "paper"
    queue = api_as(world.unit_user).get("reviews").json()
    assert queue[0]["activity_type"] == "paper" and queue[0]["activity_type_name"] == "发表论文"


@pytest.mark.parametrize(
    ("changes", "field", "text"),
    [
        ({"activity_type": "reading"}, "activity_type", "2026 年度继续教育方式目录中没有“reading”"),
        ({"activity_type": "paper", "method": "training"}, "method", "“发表论文”属于“经批准且有考核的自学”"),
        ({"activity_type": "paper", "item_level": "top"}, "item_level", "核心期刊（core_journal）"),
    ],
)
def test_the_api_says_which_rule_refused_a_kind(api_as, world, changes, field, text):
    response = api_as(world.person.user).post("declarations", {**OLD_BODY, "item_count": 1, **changes})
    assert response.status_code == 422
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert text in errors[field]


def test_patching_the_kind_takes_its_method_and_drops_a_plan_item_it_does_not_need(api_as, world):
    from tests.credits.helpers import plan_item

    item = plan_item(world.base, starts_on=dt.date(2026, 11, 1))
    person = api_as(world.person.user)
    draft = person.post("declarations", {**OLD_BODY, "method": "training", "plan_item_id": item.pk}).json()
    assert draft["plan_item_id"] == item.pk
    patched = person.client.patch(
        f"/api/v1/declarations/{draft['id']}",
        {"activity_type": "research_project"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {person.token}",
    ).json()
    assert patched["method"] == "practice" and patched["plan_item_id"] is None
    assert patched["activity_type"] == "research_project"
    assert ActivityType.objects.get(pk=Declaration.objects.get(pk=draft["id"]).activity_type_id).code == (
        "research_project"
    )
    assert PDF  # the helpers' file is the one the legacy path uploads
