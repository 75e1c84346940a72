"""Keeping the activity catalogue: seeding a year from the reference file, carrying it into a
new year, and a bureau's edits (one transaction each, audited).

    ensure_catalogue(year) · save_activity_type(actor, year=, code=, content=ActivityTypeInput)
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from audit import actions
from audit.services import record
from catalogue.models import ActivityType, EvidenceSlot, HourRule, ItemLevel
from core.actors import SYSTEM, Actor
from core.errors import Forbidden, Invalid, NotFound
from policy import selectors as policy_selectors
from policy.models import PolicyYear

SEED_FILE = Path(settings.BASE_DIR) / "data" / "activity_catalogue.json"
TYPE_FIELDS = (
    "number",
    "name",
    "description",
    "method",
    "category",
    "needs_plan_item",
    "base_reported",
    "hour_rule",
    "hours_per_day",
    "yearly_cap",
    "active",
    "sort_order",
)


@dataclass(frozen=True)
class SlotInput:
    """An evidence slot of a kind (证明材料项目)."""

    code: str
    name: str
    required: bool = False
    help: str = ""


@dataclass(frozen=True)
class LevelInput:
    """A level of a kind counted per item (计时项目级别); no hours: the reviewer decides."""

    code: str
    name: str
    hours: Decimal | None = None


@dataclass(frozen=True)
class ActivityTypeInput:
    """A kind of the catalogue, given whole: its figures, its slots and its levels (rows left
    out are removed). `code` names a new kind; a kind's code never changes."""

    code: str = ""
    number: int = 0
    name: str = ""
    description: str = ""
    method: str = ""
    category: str = ""
    needs_plan_item: bool = False
    base_reported: bool = False
    hour_rule: str = HourRule.DECLARED
    hours_per_day: Decimal | None = None
    yearly_cap: Decimal | None = None
    active: bool = True
    sort_order: int = 0
    slots: tuple[SlotInput, ...] = ()
    levels: tuple[LevelInput, ...] = ()


def seed_rows() -> list[dict]:
    """The 13 kinds of the Henan platform (type 6 as two entries: books and papers)."""
    return json.loads(SEED_FILE.read_text(encoding="utf-8"))["types"]


def _dec(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _create(policy: PolicyYear, rows: Sequence[Mapping]) -> None:
    for order, row in enumerate(rows):
        fields = {f: row.get(f) for f in TYPE_FIELDS if f in row}
        fields["hours_per_day"] = _dec(row.get("hours_per_day"))
        fields["yearly_cap"] = _dec(row.get("yearly_cap"))
        fields.setdefault("sort_order", order)
        kind = ActivityType.objects.create(policy_year=policy, code=row["code"], **fields)
        EvidenceSlot.objects.bulk_create(
            EvidenceSlot(
                activity_type=kind,
                code=s["code"],
                name=s["name"],
                required=s["required"],
                help=s.get("help", ""),
                sort_order=i,
            )
            for i, s in enumerate(row.get("slots", []))
        )
        ItemLevel.objects.bulk_create(
            ItemLevel(
                activity_type=kind, code=lv["code"], name=lv["name"], hours=_dec(lv["hours"]), sort_order=i
            )
            for i, lv in enumerate(row.get("levels", []))
        )


def export_rows(year: int) -> list[dict]:
    """A year's catalogue as the seed file writes it (what the next year starts from)."""
    rows = []
    for kind in ActivityType.objects.filter(policy_year_id=year).prefetch_related("slots", "levels"):
        row = {f: getattr(kind, f) for f in TYPE_FIELDS}
        row["hours_per_day"] = kind.hours_per_day
        row["yearly_cap"] = kind.yearly_cap
        row["code"] = kind.code
        row["slots"] = [
            {"code": s.code, "name": s.name, "required": s.required, "help": s.help} for s in kind.slots.all()
        ]
        row["levels"] = [{"code": lv.code, "name": lv.name, "hours": lv.hours} for lv in kind.levels.all()]
        rows.append(row)
    return rows


@transaction.atomic
def _fill(year: int) -> bool:
    policy = PolicyYear.objects.select_for_update().filter(year=year).first()
    if policy is None or ActivityType.objects.filter(policy_year=policy).exists():
        return False
    previous = ActivityType.objects.filter(policy_year__year__lt=year).order_by("-policy_year__year").first()
    if previous is not None:
        _create(policy, export_rows(previous.policy_year_id))
        record(SYSTEM, actions.CATALOGUE_CARRIED_FORWARD, policy, after={"from": previous.policy_year_id})
    else:
        _create(policy, seed_rows())
        record(SYSTEM, actions.CATALOGUE_SEEDED, policy, after={"source": SEED_FILE.name})
    return True


def ensure_catalogue(year: int) -> bool:
    """Give `year` its catalogue when it has none: the latest earlier year's, carried forward
    as it stands, or the reference file's for the first year. True when it was created. Two
    first uses at once: the second waits on the year's row lock and finds the rows."""
    if ActivityType.objects.filter(policy_year_id=year).exists():
        return False
    try:
        return _fill(year)
    except IntegrityError:
        return False


def _require_editor(actor: Actor) -> None:
    if not policy_selectors.may_edit_policy(actor):
        raise Forbidden(_("继续教育方式目录由市（省）人社局维护，县级人社局只能查看。"))


def _audit_view(kind: ActivityType) -> dict:
    view = {f: getattr(kind, f) for f in TYPE_FIELDS}
    view["slots"] = [f"{s.code}:{s.name}:{'必需' if s.required else '可选'}" for s in kind.slots.all()]
    view["levels"] = [
        f"{lv.code}:{lv.name}:{lv.hours if lv.hours is not None else '-'}" for lv in kind.levels.all()
    ]
    return view


def _check(content: ActivityTypeInput) -> None:
    errors = []
    for name, rows, label in (
        ("slots", content.slots, _("证明材料项目")),
        ("levels", content.levels, _("计时项目级别")),
    ):
        codes = [r.code for r in rows]
        if len(codes) != len(set(codes)):
            errors.append({"field": name, "message": _("%(label)s：代码不能重复。") % {"label": label}})
    if content.hour_rule == HourRule.PER_ITEM and not content.levels:
        errors.append(
            {
                "field": "levels",
                "message": _("计时项目级别：按项计算的方式至少要有一个级别（如“核心期刊”）。"),
            }
        )
    if errors:
        raise Invalid(errors[0]["message"], errors)


@transaction.atomic
def save_activity_type(
    actor: Actor, *, year: int, code: str | None, content: ActivityTypeInput
) -> ActivityType:
    """A city (or province) bureau adds a kind to the year's catalogue (`code` None: the new
    code is `content.code`) or changes the kind `code`. Declarations already submitted keep
    the figures they were submitted under."""
    _require_editor(actor)
    policy = PolicyYear.objects.filter(year=year).first()
    if policy is None:
        raise NotFound(_("%(year)s 年度政策尚未设置。") % {"year": year})
    _check(content)
    values = {f: getattr(content, f) for f in TYPE_FIELDS}
    if code is None:
        new_code = content.code
        if ActivityType.objects.filter(policy_year=policy, code=new_code).exists():
            raise Invalid.field("code", _("代码：本年度目录中已有“%(code)s”。") % {"code": new_code})
        kind = ActivityType.objects.create(policy_year=policy, code=new_code, **values)
        before = None
    else:
        kind = ActivityType.objects.select_for_update().filter(policy_year=policy, code=code).first()
        if kind is None:
            raise NotFound()
        before = _audit_view(kind)
        for name, value in values.items():
            setattr(kind, name, value)
        kind.save()
    _replace(kind.slots, EvidenceSlot, kind, content.slots, ("name", "required", "help"))
    _replace(kind.levels, ItemLevel, kind, content.levels, ("name", "hours"))
    kind = ActivityType.objects.prefetch_related("slots", "levels").get(pk=kind.pk)
    after = _audit_view(kind)
    if before != after:
        record(
            actor,
            "catalogue.type_created" if before is None else "catalogue.type_changed",
            kind,
            before=before,
            after=after,
        )
    return kind


def _replace(
    manager, model, kind: ActivityType, rows: Sequence[SlotInput | LevelInput], names: tuple[str, ...]
) -> None:
    existing = {row.code: row for row in manager.all()}
    keep = set()
    for order, row in enumerate(rows):
        keep.add(row.code)
        current = existing.get(row.code)
        values = {n: getattr(row, n) for n in names}
        if current is None:
            model.objects.create(activity_type=kind, code=row.code, sort_order=order, **values)
            continue
        for n, v in values.items():
            setattr(current, n, v)
        current.sort_order = order
        current.save()
    manager.exclude(code__in=keep).delete()
