"""Evidence of a declaration (证明材料): files checked by their content, stored outside the web
root, per evidence slot of the declaration's kind; and the files held for a refused form."""

from __future__ import annotations

import datetime as dt
import hashlib
import os

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from audit import actions
from audit.services import record
from core.actors import Actor
from core.errors import Conflict, DomainError, Invalid, NotFound
from core.sizes import format_megabytes
from credits.models import Declaration, Evidence, PendingEvidence
from credits.services import common

EVIDENCE_TYPES = {"application/pdf": "PDF", "image/jpeg": "JPG", "image/png": "PNG"}
MAX_EVIDENCE_FILES = 10
PENDING_EVIDENCE_HOURS = 24


def _sniff(head: bytes) -> str | None:
    kind = filetype.guess(head)
    if kind is None or kind.mime not in EVIDENCE_TYPES:
        return None
    if kind.mime == "application/pdf" and not head.startswith(b"%PDF-"):
        return None
    return kind.mime


def _read_evidence(uploaded) -> tuple[bytes, str, str]:
    """The file's bytes, its type (by content) and a safe name; a field error otherwise."""
    limit = settings.EVIDENCE_MAX_BYTES
    if getattr(uploaded, "size", 0) and uploaded.size > limit:
        raise Invalid.field("file", _("文件：不能超过 %(mb)s MB。") % {"mb": format_megabytes(limit)})
    data = uploaded.read(limit + 1)
    if not data:
        raise Invalid.field("file", _("文件：文件为空。"))
    if len(data) > limit:
        raise Invalid.field("file", _("文件：不能超过 %(mb)s MB。") % {"mb": format_megabytes(limit)})
    mime = _sniff(data[:8192])
    if mime is None:
        raise Invalid.field("file", _("文件：只接受 PDF、JPG 或 PNG 格式（按文件内容识别）。"))
    name = os.path.basename((getattr(uploaded, "name", "") or "").replace("\\", "/")).strip()[:200]
    return data, mime, name or f"证明材料.{EVIDENCE_TYPES[mime].lower()}"


def _slots_of(declaration: Declaration) -> dict:
    """The evidence slots of the declaration's kind as the catalogue has them now (a draft
    follows the catalogue; a submitted declaration keeps its slots in `terms`)."""
    if declaration.activity_type_id is None:
        return {}
    return {s.code: s for s in declaration.activity_type.slots.all()}


def _check_slot(declaration: Declaration, slot: str) -> str:
    slot = (slot or "").strip()
    if not slot:
        return ""
    slots = _slots_of(declaration)
    if declaration.activity_type_id is None:
        raise Invalid.field(
            "slot", _("证明材料项目：按学习方式申报的申报不分材料项目，请不填 slot（或先选择继续教育方式）。")
        )
    if slot not in slots:
        raise Invalid.field(
            "slot",
            _("证明材料项目：“%(type)s”的材料项目为 %(slots)s，没有“%(slot)s”。")
            % {
                "type": declaration.activity_type.name,
                "slots": "、".join(f"{s.code}（{s.name}）" for s in slots.values()) or "—",
                "slot": slot,
            },
        )
    return slot


def _store_evidence(
    actor: Actor, declaration: Declaration, data: bytes, mime: str, name: str, slot: str = ""
) -> Evidence:
    if not declaration.editable:
        raise Conflict(
            _("已提交的申报不能再添加证明材料。"), [{"field": "file", "message": _("申报已提交。")}]
        )
    if declaration.evidence.count() >= MAX_EVIDENCE_FILES:
        raise Invalid.field(
            "file", _("文件：每份申报最多上传 %(n)s 个证明材料。") % {"n": MAX_EVIDENCE_FILES}
        )
    digest = hashlib.sha256(data).hexdigest()
    if declaration.evidence.filter(sha256=digest).exists():
        raise Invalid.field("file", _("文件：该文件已经上传过。"))
    evidence = Evidence(
        declaration=declaration,
        original_name=name,
        content_type=mime,
        size=len(data),
        sha256=digest,
        slot=slot,
    )
    evidence.file.save(digest[:16], ContentFile(data), save=False)
    evidence.save()
    record(
        actor,
        actions.EVIDENCE_ATTACHED,
        evidence,
        after={
            "declaration": declaration.pk,
            "name": evidence.original_name,
            "sha256": digest,
            "slot": slot,
        },
    )
    return evidence


@transaction.atomic
def attach_evidence(actor: Actor, *, declaration_id: int, uploaded, slot: str = "") -> Evidence:
    """Attach a PDF/JPG/PNG (checked by its content, not its name; at most EVIDENCE_MAX_BYTES).
    Stored by the default storage under PRIVATE_STORAGE_ROOT, outside the web root. `slot`:
    which evidence item of the declaration's kind it is (a slot code of the catalogue; empty =
    other material)."""
    declaration = common.own_declaration(actor, declaration_id)
    if not declaration.editable:
        raise Conflict(
            _("已提交的申报不能再添加证明材料。"), [{"field": "file", "message": _("申报已提交。")}]
        )
    slot = _check_slot(declaration, slot)
    data, mime, name = _read_evidence(uploaded)
    return _store_evidence(actor, declaration, data, mime, name, slot)


def hold_evidence(actor: Actor, *, uploads, slot: str = "") -> tuple[list[PendingEvidence], list[str]]:
    """Keep the files of a refused declaration form for the person (the form lists them and
    sends them again, each in its evidence slot); a file that is itself unacceptable is not
    kept: its reason comes back."""
    person = common.person_of(actor)
    held, problems = [], []
    for uploaded in uploads:
        try:
            data, mime, name = _read_evidence(uploaded)
        except DomainError as exc:
            problems.append(f"{getattr(uploaded, 'name', '')}：{exc.detail}")
            continue
        pending = PendingEvidence(
            person=person,
            original_name=name,
            content_type=mime,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            slot=slot,
        )
        pending.file.save(pending.sha256[:16], ContentFile(data), save=False)
        pending.save()
        held.append(pending)
    return held, problems


def pending_evidence(actor: Actor, *, ids) -> list[PendingEvidence]:
    """The person's own held files among `ids` (others' ids are ignored)."""
    return list(
        PendingEvidence.objects.filter(person=common.person_of(actor), pk__in=list(ids)).order_by("pk")
    )


@transaction.atomic
def attach_pending_evidence(actor: Actor, *, declaration_id: int, ids) -> list[Evidence]:
    """Attach held files to the declaration, each in the slot it was chosen for (other
    material when the declaration's kind has no such slot); each is removed from the holding
    once attached."""
    declaration = common.own_declaration(actor, declaration_id)
    slots = _slots_of(declaration)
    attached = []
    for pending in pending_evidence(actor, ids=ids):
        with pending.file.open("rb") as f:
            data = f.read()
        slot = pending.slot if pending.slot in slots else ""
        attached.append(
            _store_evidence(actor, declaration, data, pending.content_type, pending.original_name, slot)
        )
        name = pending.file.name
        pending.delete()
        transaction.on_commit(lambda name=name: PendingEvidence.file.field.storage.delete(name))
    return attached


def purge_pending_evidence(*, now: dt.datetime | None = None) -> int:
    """Files held longer than PENDING_EVIDENCE_HOURS were given up: they go."""
    cutoff = (now or common.now()) - dt.timedelta(hours=PENDING_EVIDENCE_HOURS)
    stale = list(PendingEvidence.objects.filter(created_at__lt=cutoff))
    for pending in stale:
        PendingEvidence.file.field.storage.delete(pending.file.name)
        pending.delete()
    return len(stale)


@transaction.atomic
def remove_evidence(actor: Actor, *, declaration_id: int, evidence_id: int) -> None:
    declaration = common.own_declaration(actor, declaration_id)
    evidence = declaration.evidence.filter(pk=evidence_id).first()
    if evidence is None:
        raise NotFound()
    if not declaration.editable:
        raise Conflict(_("已提交的申报不能删除证明材料。"), [{"field": "file", "message": _("申报已提交。")}])
    record(actor, actions.EVIDENCE_REMOVED, evidence, before={"name": evidence.original_name})
    name = evidence.file.name
    evidence.delete()
    transaction.on_commit(lambda: Evidence.file.field.storage.delete(name))
