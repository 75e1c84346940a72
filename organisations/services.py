"""Writing regions and organisations, including the base registry of the notice."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from audit import actions
from audit.services import record, snapshot
from core.actors import SYSTEM, Actor
from core.inputs import KEEP, Keep, given
from organisations.models import Organisation, Region
from organisations.provinces import PROVINCES, bureau_name, current_divisions

DATA_DIR = Path(settings.BASE_DIR) / "data"
_ORG_FIELDS = [
    "kind",
    "name",
    "region",
    "supervisor",
    "base_level",
    "registry_no",
    "contact_name",
    "contact_phone",
    "is_active",
]


@dataclass(frozen=True)
class OrganisationInput:
    """What the organisation of `kind` named `name` should be: the fields given; those left
    KEEP are not touched (a new organisation gets the model's defaults)."""

    kind: str
    name: str
    region_id: int | Keep = KEEP
    supervisor_id: int | Keep | None = KEEP
    base_level: str | Keep = KEEP
    registry_no: int | Keep | None = KEEP
    contact_name: str | Keep = KEEP
    contact_phone: str | Keep = KEEP


def _read(name: str) -> dict:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


@transaction.atomic
def load_regions(actor: Actor = SYSTEM) -> int:
    data = _read("regions.json")
    created = 0
    by_code = {r.code: r for r in Region.objects.all()}
    for row in data["regions"]:
        if row["code"] in by_code:
            continue
        region = Region.objects.create(
            code=row["code"],
            name=row["name"],
            level=row["level"],
            parent=by_code.get(row["parent"]) if row["parent"] else None,
        )
        by_code[region.code] = region
        record(actor, actions.REGION_CREATED, region, after={"code": region.code, "name": region.name})
        created += 1
    for row in data["bureaus"]:
        _, was_created = upsert_organisation(
            actor,
            organisation=OrganisationInput(
                kind=Organisation.Kind.BUREAU, name=row["name"], region_id=by_code[row["region"]].pk
            ),
        )
        created += was_created
    return created


@transaction.atomic
def load_province(actor: Actor = SYSTEM, *, key: str = "henan") -> int:
    """Every current city and county of the province (GB/T 2260, organisations.provinces) in the
    tree province → city → county, and a bureau for each region that has none (a region that
    has one keeps it, under whatever name it has). Regions already there are left as they are;
    returns how many regions and bureaus were added."""
    if key not in PROVINCES:
        raise ValueError(
            f"CE_PROVINCE / --province: unknown province {key!r} (known: {', '.join(PROVINCES)})"
        )
    province = PROVINCES[key]
    by_code = {r.code: r for r in Region.objects.all()}
    created = 0

    def ensure_region(code: str, name: str, level: str, parent: Region | None) -> Region:
        nonlocal created
        region = by_code.get(code)
        if region is None:
            region = Region.objects.create(code=code, name=name, level=level, parent=parent)
            by_code[code] = region
            record(actor, actions.REGION_CREATED, region, after={"code": code, "name": name})
            created += 1
        return region

    top = ensure_region(province.code, province.name, Region.Level.PROVINCE, None)
    with_bureau = set(
        Organisation.objects.filter(kind=Organisation.Kind.BUREAU).values_list("region_id", flat=True)
    )
    bureaus = [(top, province.bureau)]
    city_names = {}
    for division in current_divisions(province):
        region = ensure_region(division.code, division.name, division.level, by_code[division.parent])
        if division.level == Region.Level.CITY:
            city_names[division.code] = division.name
        bureaus.append((region, bureau_name(division, city_names.get(division.parent, ""))))
    for region, name in bureaus:
        if region.pk in with_bureau:
            continue
        _, was_created = upsert_organisation(
            actor,
            organisation=OrganisationInput(kind=Organisation.Kind.BUREAU, name=name, region_id=region.pk),
        )
        created += was_created
    return created


def upsert_organisation(actor: Actor, *, organisation: OrganisationInput) -> tuple[Organisation, bool]:
    """Create the organisation, or bring an existing one (same kind and name) up to the fields
    given. Audited either way when something changed; idempotent otherwise."""
    values = given(organisation, exclude=("kind", "name"))
    org = Organisation.objects.filter(kind=organisation.kind, name=organisation.name).first()
    if org is None:
        org = Organisation.objects.create(kind=organisation.kind, name=organisation.name, **values)
        record(actor, actions.ORGANISATION_CREATED, org, after=snapshot(org, _ORG_FIELDS))
        return org, True
    changed = {k: v for k, v in values.items() if getattr(org, k) != v}
    if changed:
        before = snapshot(org, _ORG_FIELDS)
        for key, value in changed.items():
            setattr(org, key, value)
        org.save(update_fields=list(changed))
        record(actor, actions.ORGANISATION_CHANGED, org, before=before, after=snapshot(org, _ORG_FIELDS))
    return org, False


@transaction.atomic
def load_base_registry(actor: Actor = SYSTEM) -> int:
    """The 48 provincial and 2 municipal bases of the notice's attachments 1 and 2."""
    data = _read("bases.json")
    regions = {r.code: r for r in Region.objects.all()}
    created = 0
    for level, rows in (("provincial", data["provincial"]), ("municipal", data["municipal"])):
        for row in rows:
            _, was_created = upsert_organisation(
                actor,
                organisation=OrganisationInput(
                    kind=Organisation.Kind.BASE,
                    name=row["name"],
                    region_id=regions[row["region"]].pk,
                    base_level=level,
                    registry_no=row["registry_no"],
                    contact_name=row["contact_name"],
                    contact_phone=row["contact_phone"],
                ),
            )
            created += was_created
    return created
