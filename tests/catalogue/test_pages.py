"""The pages: the bureau's catalogue (scope: every bureau reads, city and province bureaus
edit), the declare page by kind with a file slot per evidence item, and the review page."""

from decimal import Decimal

import pytest
from django.test import Client

from audit.models import AuditEntry
from credits.models import Declaration, PendingEvidence
from tests.catalogue.helpers import declare_kind, edit_kind, file_for, kind
from tests.credits.helpers import pdf_file

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def _edit_post(k, **changes):
    data = {
        "code": k.code,
        "number": k.number,
        "name": k.name,
        "description": k.description,
        "method": k.method,
        "category": k.category,
        "hour_rule": k.hour_rule,
        "hours_per_day": "",
        "yearly_cap": "",
        "active": "on",
        "sort_order": k.sort_order,
    }
    slots = list(k.slots.all())
    data.update({"slots-TOTAL_FORMS": len(slots), "slots-INITIAL_FORMS": len(slots)})
    for i, s in enumerate(slots):
        data.update({f"slots-{i}-code": s.code, f"slots-{i}-name": s.name, f"slots-{i}-help": s.help})
        if s.required:
            data[f"slots-{i}-required"] = "on"
    levels = list(k.levels.all())
    data.update({"levels-TOTAL_FORMS": len(levels), "levels-INITIAL_FORMS": len(levels)})
    for i, lv in enumerate(levels):
        data.update({f"levels-{i}-code": lv.code, f"levels-{i}-name": lv.name, f"levels-{i}-hours": ""})
    data.update(changes)
    return data


def test_only_bureaus_see_the_catalogue_pages(world):
    for user in (world.person.user, world.unit_user, world.authority_user, world.base_user):
        client = client_for(user)
        assert client.get("/catalogue/").status_code == 403
        assert client.get("/catalogue/2026/paper/").status_code == 403
        assert (
            client.post("/catalogue/2026/paper/", _edit_post(kind("paper"), yearly_cap="1")).status_code
            == 403
        )
    assert kind("paper").yearly_cap is None


def test_a_county_bureau_reads_the_catalogue_but_cannot_change_it(world):
    county = client_for(world.county_bureau_user)
    html = county.get("/catalogue/").content.decode()
    assert "第 6 类" in html and "发表论文" in html and 'data-testid="read-only"' in html
    assert "新增方式" not in html
    assert county.get("/catalogue/2026/paper/").status_code == 200
    assert (
        county.post("/catalogue/2026/paper/", _edit_post(kind("paper"), yearly_cap="10")).status_code == 403
    )
    assert kind("paper").yearly_cap is None


def test_the_city_bureau_changes_a_kind_on_its_page(world):
    city = client_for(world.bureau_user)
    html = city.get("/catalogue/?year=2026").content.decode()
    assert html.count('data-testid="row-') == 14 and "按项计算：每项 核心期刊 由审核人员认定" in html
    k = kind("paper")
    data = _edit_post(k, yearly_cap="30", **{"levels-0-hours": "10", "slots-2-name": "论文正文"})
    response = city.post("/catalogue/2026/paper/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    k = kind("paper")
    assert k.yearly_cap == Decimal("30") and k.levels.get(code="core_journal").hours == Decimal("10")
    assert k.slots.get(code="article").name == "论文正文"
    assert AuditEntry.objects.filter(action="catalogue.type_changed", actor=world.bureau_user).count() == 1
    html = city.get("/catalogue/?year=2026").content.decode()
    assert "核心期刊 10 学时" in html and "每年最多计入 30 学时" in html
    # A bad figure: a Chinese message, nothing written.
    response = city.post("/catalogue/2026/paper/", _edit_post(k, yearly_cap="-3"))
    assert response.status_code == 422 and kind("paper").yearly_cap == Decimal("30")
    assert city.get("/catalogue/2026/nothing/").status_code == 404
    assert city.get("/catalogue/1999/paper/").status_code == 404


def test_the_city_bureau_adds_a_kind(world):
    city = client_for(world.bureau_user)
    data = _edit_post(
        kind("research_report"),
        code="lecture",
        number="14",
        name="举办专题讲座",
        **{"slots-0-code": "invitation", "slots-0-name": "邀请函"},
    )
    data["slots-INITIAL_FORMS"] = 0
    assert city.post("/catalogue/2026/new/", data).status_code == 302
    lecture = kind("lecture")
    assert lecture.name == "举办专题讲座" and [s.name for s in lecture.slots.all()] == ["邀请函"]
    assert city.post("/catalogue/2026/new/", data).status_code == 422  # the code is taken


def test_the_declare_page_lists_the_catalogue_and_gives_a_slot_per_evidence_item(world):
    person = client_for(world.person.user)
    html = person.get("/hours/me/declarations/new/").content.decode()
    assert 'data-testid="catalogue"' in html and html.count('data-testid="type-') == 14
    assert "杂志封面、目录、文章" in html
    html = person.get("/hours/me/declarations/new/?type=paper").content.decode()
    assert 'data-testid="chosen-type"' in html
    for slot in ("journal_cover", "contents", "article"):
        assert f'name="file_{slot}"' in html
    assert 'name="method"' not in html and 'name="item_level"' in html


def _paper_form(**changes):
    data = {
        "activity_type": "paper",
        "category": "professional",
        "item_level": "core_journal",
        "item_count": "1",
        "title": "装配式建筑节点研究",
        "organizer": "建筑结构",
        "started_on": "2026-10-01",
        "ended_on": "2026-10-30",
        "hours": "8",
        "submit": "1",
    }
    data.update(changes)
    return data


def test_a_missing_slot_is_named_on_its_field_and_the_chosen_files_are_kept_in_their_slots(world):
    edit_kind(world, "paper", yearly_cap=Decimal("20"))
    person = client_for(world.person.user)
    response = person.post(
        "/hours/me/declarations/new/",
        _paper_form(file_journal_cover=file_for("journal_cover"), file_contents=file_for("contents")),
        follow=True,
    )
    html = response.content.decode()
    declaration = Declaration.objects.get(person=world.person)
    assert declaration.state == "draft"  # saved with its files, not submitted: the rule is said
    assert "证明材料“文章”：“发表论文”（第 6 类）须上传此项。" in html
    assert {e.slot for e in declaration.evidence.all()} == {"journal_cover", "contents"}
    # A refused form (bad hours) keeps the chosen files, each in its slot, for the next try.
    response = person.post(
        "/hours/me/declarations/new/",
        _paper_form(hours="abc", file_article=file_for("article", 2), file_contents=file_for("contents", 2)),
    )
    assert response.status_code == 422
    held = list(PendingEvidence.objects.filter(person=world.person))
    assert {p.slot for p in held} == {"article", "contents"}
    assert "文章：article.pdf" in response.content.decode()
    response = person.post(
        "/hours/me/declarations/new/",
        _paper_form(pending_evidence=[p.pk for p in held], file_journal_cover=file_for("journal_cover", 2)),
        follow=True,
    )
    second = Declaration.objects.filter(person=world.person).latest("pk")
    assert second.state == "pending_unit", response.content.decode()[:3000]
    assert sorted(e.slot for e in second.evidence.all()) == ["article", "contents", "journal_cover"]
    assert not PendingEvidence.objects.filter(person=world.person).exists()
    # The page tells how much of the cap is left.
    html = person.get("/hours/me/declarations/new/?type=paper").content.decode()
    assert "每年最多计入 20 学时" in html and "本年度已计入及审核中 8 学时，还可申报 12 学时" in html


def test_the_old_form_by_method_still_declares(world):
    person = client_for(world.person.user)
    data = {
        "category": "professional",
        "method": "practice",
        "title": "桥梁检测实践",
        "organizer": "三门峡市建筑设计研究院",
        "started_on": "2026-11-02",
        "ended_on": "2026-11-03",
        "hours": "16",
        "submit": "1",
        "file": pdf_file(),
    }
    person.post("/hours/me/declarations/new/", data, follow=True)
    declaration = Declaration.objects.get(person=world.person)
    assert declaration.state == "pending_unit" and declaration.activity_type is None


def test_the_reviewer_sees_the_slots_the_standard_and_the_cap(world):
    edit_kind(world, "paper", yearly_cap=Decimal("40"))
    declare_kind(world.person, "paper", world, hours=Decimal("6"))
    declaration = declare_kind(
        world.person, "paper", world, hours=Decimal("8"), slots=["journal_cover", "contents", "article"]
    )
    html = client_for(world.unit_user).get(f"/hours/reviews/{declaration.pk}/").content.decode()
    assert "第 6 类 · 发表论文（核心期刊 × 1 项）" in html
    assert "按项计算：每项 核心期刊 由审核人员认定" in html and "每年最多计入 40 学时" in html
    assert "该方式另有已计入及审核中 6 学时" in html
    assert html.count('data-testid="slot"') == 3
    for name in ("杂志封面", "目录", "文章"):
        assert f'<span data-testid="slot-name">{name}</span>' in html
    queue = client_for(world.unit_user).get("/hours/reviews/").content.decode()
    assert "第 6 类 · 发表论文" in queue
    # Outside the reviewer's scope: 404 as for every declaration.
    assert client_for(world.other_unit_user).get(f"/hours/reviews/{declaration.pk}/").status_code == 404


def test_the_admin_lists_the_catalogue_city_bureaus_edit_county_bureaus_read(world):
    from tests.core.test_admin_scoping import _client

    paper = kind("paper")
    city = _client(world.bureau_user)
    assert "发表论文" in city.get("/admin/catalogue/activitytype/").content.decode()
    assert "杂志封面" in city.get(f"/admin/catalogue/activitytype/{paper.pk}/change/").content.decode()
    county = _client(world.county_bureau_user)
    assert county.get(f"/admin/catalogue/activitytype/{paper.pk}/change/").status_code == 200
    assert county.post(f"/admin/catalogue/activitytype/{paper.pk}/change/", {"name": "x"}).status_code == 403


def test_a_draft_of_a_withdrawn_kind_keeps_its_kind_and_is_told_why_it_cannot_go(world):
    draft = declare_kind(world.person, "paper", world, hours=Decimal("8"), submit=False)
    edit_kind(world, "paper", active=False)
    person = client_for(world.person.user)
    html = person.get(f"/hours/me/declarations/{draft.pk}/edit/").content.decode()
    assert "第 6 类 · 发表论文" in html and 'name="file_article"' in html
    response = person.post(f"/hours/me/declarations/{draft.pk}/edit/", _paper_form(), follow=True)
    assert "2026 年度继续教育方式目录中没有“paper”" in response.content.decode()
    assert Declaration.objects.get(pk=draft.pk).state == "draft"
