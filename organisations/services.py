"""Writing regions and organisations, including the base registry of the notice."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

from audit.services import record, snapshot
from core.actors import SYSTEM, Actor
from organisations.models import Organisation, Region

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
        record(actor, "region.created", region, after={"code": region.code, "name": region.name})
        created += 1
    for row in data["bureaus"]:
        _, was_created = upsert_organisation(
            actor, kind=Organisation.Kind.BUREAU, name=row["name"], region=by_code[row["region"]]
        )
        created += was_created
    return created


def upsert_organisation(actor: Actor, kind: str, name: str, **fields) -> tuple[Organisation, bool]:
    """Create the organisation, or bring an existing one (same kind and name) up to `fields`.
    Audited either way when something changed; idempotent otherwise."""
    org = Organisation.objects.filter(kind=kind, name=name).first()
    if org is None:
        org = Organisation.objects.create(kind=kind, name=name, **fields)
        record(actor, "organisation.created", org, after=snapshot(org, _ORG_FIELDS))
        return org, True
    changed = {k: v for k, v in fields.items() if getattr(org, k) != v}
    if changed:
        before = snapshot(org, _ORG_FIELDS)
        for key, value in changed.items():
            setattr(org, key, value)
        org.save(update_fields=list(changed))
        record(actor, "organisation.changed", org, before=before, after=snapshot(org, _ORG_FIELDS))
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
                kind=Organisation.Kind.BASE,
                name=row["name"],
                region=regions[row["region"]],
                base_level=level,
                registry_no=row["registry_no"],
                contact_name=row["contact_name"],
                contact_phone=row["contact_phone"],
            )
            created += was_created
    return created
