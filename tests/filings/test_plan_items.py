"""Replacing a plan's rows while declarations name them: a draft declaration — anybody's, also
another organisation's — never freezes the plan. Rows are updated in place by 序号 (item ids stay
stable); only a row that a submitted declaration or an hour record names cannot be deleted."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.actors import Role
from core.errors import DomainError
from credits import services as credit_services
from filings import services
from filings.models import FilingState, PlanItem
from tests import factories
from tests.factories import in_time, plan_change, plan_data, plan_input, plan_item_data

# Their declarations and plans are dated in 2026: the outcome depends on the date.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]

YEAR = 2026  # the open year (2025 is closed for declarations)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _row(seq: int, **fields):
    fields.setdefault("project", f"第{seq}个班")
    return plan_item_data(starts_on=dt.date(YEAR, 6, seq), hours=24, **fields)


@pytest.fixture
def returned_plan(world):
    """A 2026 plan of the world's unit with two classes, submitted, agreed by its authority
    (declarations may name its classes from then on) and later returned by the bureau."""
    unit = factories.actor(world.unit_user)
    plan = services.create_plan(unit, plan=plan_input(plan_data(YEAR), [_row(1), _row(2)]))
    services.submit_plan(unit, plan_id=plan.pk, now=in_time(YEAR))
    services.give_opinion(
        factories.actor(world.authority_user), kind="plan", filing_id=plan.pk, opinion="同意"
    )

    def return_it():
        services.return_filing(
            factories.actor(world.bureau_user), kind="plan", filing_id=plan.pk, reason="请核实学时"
        )

    plan.return_it = return_it
    return plan


def _declare(person, item: PlanItem, submit=False):
    who = factories.actor(person.user, Role.PERSON)
    declaration = credit_services.create_declaration(
        who,
        declaration=credit_services.DeclarationInput(
            category="professional",
            method="training",
            title=item.project,
            organizer="测试设计院",
            hours=Decimal("24"),
            started_on=item.starts_on,
            ended_on=item.starts_on + dt.timedelta(days=2),
            plan_item_id=item.pk,
        ),
    )
    if submit:
        credit_services.attach_evidence(
            who,
            declaration_id=declaration.pk,
            uploaded=SimpleUploadedFile("证明.pdf", PDF, content_type="application/pdf"),
        )
        declaration = credit_services.submit_declaration(who, declaration_id=declaration.pk)
    return declaration


def _items(plan):
    return list(plan.items.order_by("seq").values_list("pk", "seq", "project"))


def test_another_organisations_draft_does_not_freeze_the_plan(world, returned_plan):
    first, second = returned_plan.items.order_by("seq")
    draft = _declare(world.other_person, first)  # 测试医院's person names 测试设计院's class
    returned_plan.return_it()
    unit = factories.actor(world.unit_user)
    plan = services.update_plan(
        unit, plan_id=returned_plan.pk, change=plan_change({}, [_row(1, project="改名的班"), _row(2)])
    )
    assert _items(plan) == [(first.pk, 1, "改名的班"), (second.pk, 2, "第2个班")]
    draft.refresh_from_db()
    assert draft.plan_item_id == first.pk  # same id, updated in place
    # the plan can be submitted again
    assert services.submit_plan(unit, plan_id=plan.pk, now=in_time(YEAR)).state == FilingState.PENDING_OPINION


def test_a_row_a_draft_names_is_kept_when_the_rows_shrink(world, returned_plan):
    first, second = returned_plan.items.order_by("seq")
    draft = _declare(world.other_person, second)
    returned_plan.return_it()
    plan = services.update_plan(
        factories.actor(world.unit_user), plan_id=returned_plan.pk, change=plan_change({}, [_row(1)])
    )
    # row 2 is named by a draft: kept, not deleted (the draft still points at a real class)
    assert [pk for pk, _seq, _p in _items(plan)] == [first.pk, second.pk]
    draft.refresh_from_db()
    assert draft.plan_item_id == second.pk
    # an unreferenced row is deleted
    unreferenced = services.update_plan(
        factories.actor(world.unit_user), plan_id=plan.pk, change=plan_change({}, [_row(1), _row(2), _row(3)])
    ).items.get(seq=3)
    services.update_plan(
        factories.actor(world.unit_user), plan_id=plan.pk, change=plan_change({}, [_row(1), _row(2)])
    )
    assert not PlanItem.objects.filter(pk=unreferenced.pk).exists()


def test_a_submitted_declaration_blocks_only_deleting_its_row(world, returned_plan):
    first, second = returned_plan.items.order_by("seq")
    _declare(world.person, second, submit=True)
    returned_plan.return_it()
    unit = factories.actor(world.unit_user)
    with pytest.raises(DomainError) as caught:
        services.update_plan(unit, plan_id=returned_plan.pk, change=plan_change({}, [_row(1)]))
    assert caught.value.errors[0]["field"] == "items"
    assert "第2行" in caught.value.detail and "学时申报" in caught.value.detail
    assert [pk for pk, _s, _p in _items(returned_plan)] == [first.pk, second.pk]
    # rewriting the rows in place (same number of rows) is allowed
    plan = services.update_plan(
        unit, plan_id=returned_plan.pk, change=plan_change({}, [_row(1), _row(2, teachers="李工")])
    )
    assert [pk for pk, _s, _p in _items(plan)] == [first.pk, second.pk]
    assert plan.items.get(seq=2).teachers == "李工"


def test_import_keeps_ids_too(world, returned_plan):
    from filings.exports import export_plan

    first, second = returned_plan.items.order_by("seq")
    _declare(world.other_person, first)
    returned_plan.return_it()
    content, _type, name = export_plan(returned_plan, "xlsx")
    upload = SimpleUploadedFile(name, content)
    job = services.start_import(
        factories.actor(world.unit_user), kind="plan_items", target_id=returned_plan.pk, upload=upload
    )
    assert job.state == "done", job.error
    assert [pk for pk, _s, _p in _items(returned_plan)] == [first.pk, second.pk]
