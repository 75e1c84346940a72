"""Helpers for the catalogue tests: declaring a kind of the catalogue with its evidence."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from catalogue import services as catalogue_services
from catalogue.models import ActivityType
from core.actors import Role
from credits import services
from tests import factories
from tests.credits.helpers import PDF, pdf_file, person_actor, plan_item

SLOTS = {
    # the 13 kinds of the Henan platform (6 as books and papers): their required evidence
    "base_class": ["notice", "certificate", "unit_proof"],
    "study_programme": ["notice", "certificate", "unit_proof"],
    "degree_study": ["transcript"],
    "conference": ["notice", "unit_proof"],
    "research_project": ["project_proof"],
    "book": ["cover", "title_page", "contents"],
    "paper": ["journal_cover", "contents", "article"],
    "patent": ["certificate"],
    "award": ["certificate"],
    "qualification_exam": ["certificate"],
    "research_report": ["endorsement"],
    "aid_service": ["appointment", "appraisal"],
    "grassroots_activity": ["notice", "organiser_proof", "unit_proof"],
    "authority_training": ["notice", "attendance_proof"],
}
FIRST_LEVEL = {"book": "monograph", "paper": "core_journal", "patent": "invention", "award": "provincial"}


def kind(code: str, year: int = 2026) -> ActivityType:
    return ActivityType.objects.prefetch_related("slots", "levels").get(policy_year_id=year, code=code)


def body(code: str, world=None, **changes) -> dict:
    """A draft of kind `code` that passes every rule but the evidence."""
    data = {
        "activity_type": code,
        "title": f"{code} 申报",
        "organizer": "三门峡市建筑设计研究院",
        "hours": Decimal("8"),
        "started_on": dt.date(2026, 11, 2),
        "ended_on": dt.date(2026, 11, 3),
    }
    if code in FIRST_LEVEL:
        data.update(item_level=FIRST_LEVEL[code], item_count=1)
    if kind(code).needs_plan_item:
        data["plan_item_id"] = plan_item(world.base, starts_on=dt.date(2026, 11, 1)).pk
    data.update(changes)
    return data


def file_for(slot: str, n: int = 0):
    """A distinct PDF per slot (the same file twice on one declaration is refused)."""
    return pdf_file(f"{slot}.pdf", PDF + f"% {slot} {n}\n".encode())


def declare_kind(person, code: str, world=None, slots=None, submit=True, **changes):
    who = person_actor(person)
    declaration = services.create_declaration(
        who, declaration=services.DeclarationInput(**body(code, world, **changes))
    )
    for slot in SLOTS[code] if slots is None else slots:
        services.attach_evidence(
            who, declaration_id=declaration.pk, uploaded=file_for(slot, declaration.pk), slot=slot
        )
    if submit:
        declaration = services.submit_declaration(who, declaration_id=declaration.pk)
    return declaration


def edit_kind(world, code: str, year: int = 2026, **fields):
    """The city bureau changes a kind (its slots and levels as they are unless given)."""
    k = kind(code, year)
    values = {f: getattr(k, f) for f in catalogue_services.TYPE_FIELDS}
    values.update({f: v for f, v in fields.items() if f not in ("slots", "levels")})
    slots = fields.get("slots") or [
        {"code": s.code, "name": s.name, "required": s.required, "help": s.help} for s in k.slots.all()
    ]
    levels = fields.get("levels") or [
        {"code": lv.code, "name": lv.name, "hours": lv.hours} for lv in k.levels.all()
    ]
    bureau = factories.actor(world.bureau_user, Role.BUREAU)
    return catalogue_services.save_activity_type(
        bureau,
        year=year,
        code=code,
        content=catalogue_services.ActivityTypeInput(
            **values,
            slots=tuple(catalogue_services.SlotInput(**row) for row in slots),
            levels=tuple(catalogue_services.LevelInput(**row) for row in levels),
        ),
    )
