"""The integrity list (诚信核查): cases the rules cannot decide alone, for a bureau to look at.

A flag names a person's year, what looks wrong and the records involved (credits.plausibility
raises them for hours beyond the daily limit across sources or at an unusual pace). Flags never
change a record by themselves: the bureau marks each one 核查无误 (dismissed) or 确有问题
(upheld) with its note, and acts on the records through the usual ways (a unit's review, a
correction) where the case is upheld.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record
from core.actors import SYSTEM, Actor, Role
from core.errors import Conflict, DomainError, Forbidden
from credits import intake_selectors
from credits.models import HourRecord, IntegrityFlag
from credits.plausibility import Verdict


def raise_flag(hour_record: HourRecord, kind: str, verdict: Verdict) -> IntegrityFlag:
    """Put a record on the integrity list with the other records involved."""
    flag = IntegrityFlag.objects.create(
        person_id=hour_record.person_id, year=hour_record.year, kind=kind, message=verdict.message[:300]
    )
    records = [hour_record.pk, *verdict.involved]
    flag.records.set(records)
    record(SYSTEM, "integrity.flagged", flag, after={"kind": kind, "records": records})
    return flag


@transaction.atomic
def decide_flag(actor: Actor, flag_id: int, decision: str, note: str) -> IntegrityFlag:
    """A bureau in whose region the person works closes a flag: dismissed or upheld, with a note."""
    if not actor.is_role(Role.BUREAU):
        raise Forbidden(_("只有人社局可以核查诚信核查事项。"))
    flag = intake_selectors.integrity_flag_for(actor, flag_id)
    flag = IntegrityFlag.objects.select_for_update().get(pk=flag.pk)
    note = (note or "").strip()
    if decision not in (IntegrityFlag.State.DISMISSED, IntegrityFlag.State.UPHELD):
        raise DomainError.field("decision", _("核查结论：应为 dismissed（核查无误）或 upheld（确有问题）。"))
    if not note:
        raise DomainError.field("note", _("核查意见：必须填写。"))
    if len(note) > 300:
        raise DomainError.field("note", _("核查意见：不能超过 300 个字符。"))
    if flag.state != IntegrityFlag.State.OPEN:
        raise Conflict(
            _("该事项已核查（%(state)s）。") % {"state": flag.get_state_display()},
            [{"field": "state", "message": _("只有待核查的事项可以核查。")}],
        )
    before = {"state": flag.state}
    flag.state, flag.note = decision, note
    flag.decided_at, flag.decided_by = timezone.now(), actor.user
    flag.save(update_fields=["state", "note", "decided_at", "decided_by"])
    record(actor, f"integrity.{decision}", flag, before=before, after={"state": decision, "note": note})
    return flag
