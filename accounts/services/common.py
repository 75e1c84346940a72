"""What the accounts services share: the unit a person may name as employer. Internal to
`accounts.services`."""

from __future__ import annotations

from organisations.models import Organisation


def active_unit(unit_id: int) -> Organisation | None:
    """The unit of that id if a person may name it as employer (a unit still in service)."""
    return Organisation.objects.filter(pk=unit_id, kind=Organisation.Kind.UNIT, is_active=True).first()
