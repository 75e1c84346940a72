"""Writing notices and the help page: one transaction and one audit entry per change.

A notice is written as a draft, published (it appears at once to its audience), withdrawn
(it disappears; publishing again brings it back with its first publication date) and edited
in any state. A draft that was never published may be deleted. Attachments are PDF, DOCX or
XLSX, recognised by their content, and stored under PRIVATE_STORAGE_ROOT.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import actions
from audit.services import record, snapshot
from bulletins import selectors
from bulletins.models import AUDIENCE_ROLES, FaqEntry, Notice, NoticeAttachment, NoticeRead
from core.actors import Actor
from core.errors import Conflict, Forbidden, Invalid, NotFound
from core.media import DOCX, PDF, XLSX
from core.sizes import format_megabytes

MAX_ATTACHMENTS = 10
TITLE_MAX = 200
BODY_MAX = 20_000
EXTENSIONS = {PDF: "pdf", DOCX: "docx", XLSX: "xlsx"}
# The main part of an Office Open XML package names what it is; macro-enabled documents
# (.docm, .xlsm) have other names and are refused.
_OOXML_MAIN = {
    DOCX: b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    XLSX: b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
}
_NOTICE_FIELDS = [
    "title",
    "document_number",
    "body",
    "region_id",
    "is_public",
    *[f"for_{r.value}" for r in AUDIENCE_ROLES],
    "pinned",
    "state",
    "published_at",
    "withdrawn_at",
]
FAQ_FIELDS = ["audience", "question", "answer", "position", "is_published"]


@dataclass(frozen=True)
class NoticeInput:
    """A notice as its editor typed it; the services check it. No region means the bureau's own."""

    title: str = ""
    body: str = ""
    document_number: str = ""
    region_id: int | None = None
    audience: Sequence[str] = ()
    is_public: bool = False
    pinned: bool = False


@dataclass(frozen=True)
class FaqInput:
    """A question of the help page as its editor typed it; no position means 100."""

    audience: str = ""
    question: str = ""
    answer: str = ""
    position: int | str | None = None
    is_published: bool = False


def _snapshot(notice: Notice) -> dict:
    return snapshot(notice, _NOTICE_FIELDS)


def _text(value, name: str, label: str, limit: int, required: bool) -> tuple[str, list[dict]]:
    value = str(value or "").replace("\r\n", "\n").strip()
    if required and not value:
        return value, [{"field": name, "message": _("%(label)s：必须填写。") % {"label": label}}]
    if len(value) > limit:
        message = _("%(label)s：不能超过 %(n)s 个字。") % {"label": label, "n": limit}
        return value, [{"field": name, "message": message}]
    return value, []


def _clean_notice(actor: Actor, content: NoticeInput) -> dict:
    """The notice's fields from `content`, or a DomainError naming every bad field."""
    errors: list[dict] = []
    title, e = _text(content.title, "title", _("标题"), TITLE_MAX, True)
    errors += e
    number, e = _text(content.document_number, "document_number", _("文号"), 60, False)
    errors += e
    body, e = _text(content.body, "body", _("正文"), BODY_MAX, True)
    errors += e
    region = None
    region_id = content.region_id
    if region_id in (None, ""):
        region = actor.organisation.region
    else:
        region = selectors.region_choices(actor).filter(pk=region_id).first()
        if region is None:
            errors.append({"field": "region_id", "message": _("发布范围：只能选择本局所辖地区。")})
    audience = [str(r) for r in content.audience or []]
    roles = [r.value for r in AUDIENCE_ROLES]
    unknown = [r for r in audience if r not in roles]
    is_public = bool(content.is_public)
    if unknown:
        message = _("发布对象：不认识的对象 %(r)s。") % {"r": "、".join(unknown)}
        errors.append({"field": "audience", "message": message})
    elif not audience and not is_public:
        errors.append({"field": "audience", "message": _("发布对象：请选择公开或至少一类对象。")})
    if errors:
        raise Invalid(errors[0]["message"], errors)
    cleaned = {
        "title": title,
        "document_number": number,
        "body": body,
        "region": region,
        "is_public": is_public,
        "pinned": bool(content.pinned),
    }
    cleaned.update({f"for_{r}": r in audience for r in roles})
    return cleaned


@transaction.atomic
def create_notice(actor: Actor, *, content: NoticeInput) -> Notice:
    """A draft notice of the actor's bureau."""
    if not selectors.may_manage(actor):
        raise Forbidden(_("只有人社局可以发布通知公告。"))
    notice = Notice(bureau=actor.organisation, created_by=actor.user, **_clean_notice(actor, content))
    notice.save()
    record(actor, actions.NOTICE_CREATED, notice, after=_snapshot(notice))
    return notice


@transaction.atomic
def update_notice(actor: Actor, *, notice_id: int, content: NoticeInput) -> Notice:
    notice = _locked(actor, notice_id)
    before = _snapshot(notice)
    for name, value in _clean_notice(actor, content).items():
        setattr(notice, name, value)
    notice.save()
    record(actor, actions.NOTICE_UPDATED, notice, before=before, after=_snapshot(notice))
    return notice


def _locked(actor: Actor, notice_id: int) -> Notice:
    selectors.managed_notice(actor, notice_id)  # NotFound outside the bureau's region
    return Notice.objects.select_for_update().get(pk=notice_id)


@transaction.atomic
def publish_notice(actor: Actor, *, notice_id: int) -> Notice:
    notice = _locked(actor, notice_id)
    if notice.is_published:
        raise Conflict(_("该通知已经发布。"), [{"field": "state", "message": _("已发布。")}])
    before = _snapshot(notice)
    notice.state = Notice.State.PUBLISHED
    notice.published_at = notice.published_at or timezone.now()
    notice.withdrawn_at = None
    notice.save()
    record(actor, actions.NOTICE_PUBLISHED, notice, before=before, after=_snapshot(notice))
    return notice


@transaction.atomic
def withdraw_notice(actor: Actor, *, notice_id: int) -> Notice:
    notice = _locked(actor, notice_id)
    if not notice.is_published:
        raise Conflict(_("只有已发布的通知可以撤回。"), [{"field": "state", "message": _("未发布。")}])
    before = _snapshot(notice)
    notice.state = Notice.State.WITHDRAWN
    notice.withdrawn_at = timezone.now()
    notice.save()
    record(actor, actions.NOTICE_WITHDRAWN, notice, before=before, after=_snapshot(notice))
    return notice


@transaction.atomic
def delete_notice(actor: Actor, *, notice_id: int) -> None:
    """Only a draft that was never published: what people could read stays on record."""
    notice = _locked(actor, notice_id)
    if notice.state != Notice.State.DRAFT or notice.published_at is not None:
        raise Conflict(
            _("只有从未发布的草稿可以删除；已发布的通知请撤回。"),
            [{"field": "state", "message": _("只能删除草稿。")}],
        )
    record(actor, actions.NOTICE_DELETED, notice, before=_snapshot(notice))
    files = [a.file.name for a in notice.attachments.all()]
    notice.delete()
    transaction.on_commit(lambda: [NoticeAttachment.file.field.storage.delete(name) for name in files])


# ---------------------------------------------------------------------------------------------
# attachments


def sniff(data: bytes) -> str | None:
    """PDF, DOCX or XLSX by the file's content (never its name), else None."""
    if data.startswith(b"%PDF-"):
        return PDF
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            info = package.getinfo("[Content_Types].xml")
            if info.file_size > 1_000_000 or info.flag_bits & 0x1:  # oversized or encrypted
                return None
            types = package.read(info)
    except (zipfile.BadZipFile, KeyError, RuntimeError, NotImplementedError, OSError):
        return None
    return next((mime for mime, main in _OOXML_MAIN.items() if main in types), None)


@transaction.atomic
def attach_file(actor: Actor, *, notice_id: int, uploaded) -> NoticeAttachment:
    notice = _locked(actor, notice_id)
    limit = settings.NOTICE_ATTACHMENT_MAX_BYTES
    too_big = _("附件：不能超过 %(mb)s MB。") % {"mb": format_megabytes(limit)}
    if getattr(uploaded, "size", 0) and uploaded.size > limit:
        raise Invalid.field("file", too_big)
    data = uploaded.read(limit + 1)
    if not data:
        raise Invalid.field("file", _("附件：文件为空。"))
    if len(data) > limit:
        raise Invalid.field("file", too_big)
    mime = sniff(data)
    if mime is None:
        raise Invalid.field(
            "file", _("附件：只接受 PDF、Word（.docx）或 Excel（.xlsx）文件（按文件内容识别）。")
        )
    if notice.attachments.count() >= MAX_ATTACHMENTS:
        raise Invalid.field("file", _("附件：每条通知最多 %(n)s 个附件。") % {"n": MAX_ATTACHMENTS})
    digest = hashlib.sha256(data).hexdigest()
    if notice.attachments.filter(sha256=digest).exists():
        raise Invalid.field("file", _("附件：该文件已经上传过。"))
    name = os.path.basename((getattr(uploaded, "name", "") or "").replace("\\", "/")).strip()[:200]
    stem = Path(name).stem if name else _("附件")
    attachment = NoticeAttachment(
        notice=notice,
        original_name=f"{stem}.{EXTENSIONS[mime]}",  # the extension says what the content is
        content_type=mime,
        size=len(data),
        sha256=digest,
    )
    attachment.file.save(digest[:16], ContentFile(data), save=False)
    attachment.save()
    record(
        actor,
        actions.NOTICE_ATTACHMENT_ADDED,
        notice,
        after={"attachment": attachment.pk, "name": attachment.original_name, "sha256": digest},
    )
    return attachment


@transaction.atomic
def remove_attachment(actor: Actor, *, notice_id: int, attachment_id: int) -> None:
    notice = _locked(actor, notice_id)
    attachment = notice.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound()
    record(
        actor,
        actions.NOTICE_ATTACHMENT_REMOVED,
        notice,
        before={"attachment": attachment.pk, "name": attachment.original_name, "sha256": attachment.sha256},
    )
    name = attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: NoticeAttachment.file.field.storage.delete(name))


# ---------------------------------------------------------------------------------------------
# read marks (a user's own receipts, like messages: not audited)


def mark_read(user, *, notice_ids: Iterable[int]) -> int:
    """Marks these notices read for `user`; returns how many were unread."""
    if user is None or not user.is_authenticated:
        return 0
    ids = list(notice_ids)
    known = set(NoticeRead.objects.filter(user=user, notice_id__in=ids).values_list("notice_id", flat=True))
    fresh = [NoticeRead(user=user, notice_id=i) for i in ids if i not in known]
    # ignore_conflicts: the same user opening the notice in two tabs at once
    NoticeRead.objects.bulk_create(fresh, ignore_conflicts=True)
    return len(fresh)


# ---------------------------------------------------------------------------------------------
# the help page


def _clean_faq(content: FaqInput) -> dict:
    errors: list[dict] = []
    audience = str(content.audience or "")
    if audience not in FaqEntry.Audience.values:
        errors.append({"field": "audience", "message": _("适用对象：请选择。")})
    question, e = _text(content.question, "question", _("问题"), 200, True)
    errors += e
    answer, e = _text(content.answer, "answer", _("解答"), 5000, True)
    errors += e
    try:
        position = int(content.position if content.position not in (None, "") else 100)
    except (TypeError, ValueError):
        position = -1
    if not 0 <= position <= 1000:
        errors.append({"field": "position", "message": _("排序：应为 0 至 1000 的整数。")})
    if errors:
        raise Invalid(errors[0]["message"], errors)
    return {
        "audience": audience,
        "question": question,
        "answer": answer,
        "position": position,
        "is_published": bool(content.is_published),
    }


def _faq_editor(actor: Actor) -> None:
    if not selectors.may_edit_faq(actor):
        raise Forbidden(_("帮助页由市人社局维护，县级人社局只能查看。"))


@transaction.atomic
def create_faq(actor: Actor, *, content: FaqInput) -> FaqEntry:
    _faq_editor(actor)
    entry = FaqEntry.objects.create(**_clean_faq(content))
    record(actor, actions.FAQ_CREATED, entry, after=snapshot(entry, FAQ_FIELDS))
    return entry


@transaction.atomic
def update_faq(actor: Actor, *, entry_id: int, content: FaqInput) -> FaqEntry:
    _faq_editor(actor)
    entry = selectors.faq_entry(entry_id)
    before = snapshot(entry, FAQ_FIELDS)
    for name, value in _clean_faq(content).items():
        setattr(entry, name, value)
    entry.save()
    record(actor, actions.FAQ_UPDATED, entry, before=before, after=snapshot(entry, FAQ_FIELDS))
    return entry


FAQ_FILE = Path(settings.BASE_DIR) / "data" / "faq.json"


@transaction.atomic
def load_faq(actor: Actor) -> int:
    """The questions of `data/faq.json`, each added once (by its key): loading again changes
    nothing, and never brings back a question the bureau has hidden or rewords it."""
    rows = json.loads(FAQ_FILE.read_text(encoding="utf-8"))["entries"]
    known = set(FaqEntry.objects.filter(key__in=[r["key"] for r in rows]).values_list("key", flat=True))
    added = 0
    for position, row in enumerate(rows, start=1):
        if row["key"] in known:
            continue
        entry = FaqEntry.objects.create(
            key=row["key"],
            audience=row["audience"],
            question=row["question"],
            answer="\n\n".join(row["answer"]) if isinstance(row["answer"], list) else row["answer"],
            position=row.get("position", position * 10),
        )
        record(actor, actions.FAQ_SEEDED, entry, after=snapshot(entry, FAQ_FIELDS))
        added += 1
    return added
