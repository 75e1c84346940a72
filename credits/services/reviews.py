"""The two-level review (用人单位, then 行业主管部门): one decision, or a batch of approvals."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from audit import actions
from audit.services import record
from core.actors import Actor, Role
from core.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from core.hours import format_hours
from credits import ledger, selectors
from credits.models import Declaration, DeclarationState, HourRecord, RecordState, Review
from credits.services import common, recognition
from credits.signals import review_decided

MAX_BATCH_APPROVE = 200
DUPLICATE_REASON = gettext_noop("该培训的学时已由其他记录计入（如基地报送的出勤），本申报不重复计入。")


_LEVEL_OF_ROLE = {Role.UNIT: Review.Level.UNIT, Role.AUTHORITY: Review.Level.AUTHORITY}


def _reviewable(actor: Actor, declaration_id: int) -> tuple[Declaration, Review]:
    """The declaration (locked) and its open review at the actor's level; 404 outside scope
    (including one's own declaration), 409 when it is not waiting for the actor."""
    if actor.role not in _LEVEL_OF_ROLE:
        raise Forbidden(_("只有用人单位和行业主管部门的审核人员可以审核。"))
    if not selectors.declarations_in_scope(actor).filter(pk=declaration_id).exists():
        raise NotFound()
    # Lock the declaration only (FOR UPDATE OF): locking the person row too would queue behind
    # platform pushes, whose inserts hold key-share locks on it.
    declaration = (
        Declaration.objects.select_for_update(of=("self",)).select_related("person").get(pk=declaration_id)
    )
    if declaration.person.user_id == actor.user.pk:
        raise NotFound()
    review = declaration.reviews.filter(decided_at__isnull=True).first()
    if (
        review is None
        or review.level != _LEVEL_OF_ROLE[actor.role]
        or review.organisation_id != (actor.organisation.pk if actor.organisation else None)
    ):
        raise Conflict(
            _("该申报当前不在您的审核环节（状态：%(state)s）。") % {"state": declaration.get_state_display()},
            [{"field": "state", "message": _("该申报当前不由您审核。")}],
        )
    return declaration, review


def _credit_approved(declaration: Declaration, hour_record: HourRecord) -> bool:
    """Credit the record of an approved declaration; when its class already counts for the
    person (a base's attendance report, another approved declaration) it ends as `duplicate`.

    The check cannot see a report that commits while this approval runs: then the unique index
    (one credited record per person and class) refuses the credit inside a savepoint, and the
    record ends as a duplicate as well instead of the request failing. True when credited."""
    if not recognition.already_credited(declaration.person_id, declaration.plan_item_id, declaration.pk):
        try:
            with transaction.atomic():
                ledger.move_records([hour_record], RecordState.CREDITED, "")
            return True
        except IntegrityError:
            # The savepoint undid the write; the object in memory did not: read it again.
            hour_record = HourRecord.objects.select_for_update().get(pk=hour_record.pk)
    ledger.move_records([hour_record], RecordState.DUPLICATE, _(DUPLICATE_REASON))
    return False


def _decide(actor: Actor, declaration_id: int, decision: str, comment: str) -> Declaration:
    comment = (comment or "").strip()
    if decision not in Review.Decision.values:
        raise Invalid.field(
            "decision", _("审核结果：应为 approve（通过）、reject（不通过）或 return（退回修改）。")
        )
    # The person can only fix what they are told: a return needs its comment like a rejection.
    if decision == Review.Decision.REJECT and not comment:
        raise Invalid.field("comment", _("审核意见：不通过时必须填写原因。"))
    if decision == Review.Decision.RETURN and not comment:
        raise Invalid.field("comment", _("审核意见：退回修改时必须写明需要修改什么。"))
    if len(comment) > 300:
        raise Invalid.field("comment", _("审核意见：不能超过 300 个字符。"))
    declaration, review = _reviewable(actor, declaration_id)
    now = common.now()
    before = common.snapshot(declaration)
    review.decided_at = now
    review.decided_by = actor.user
    review.decision = decision
    review.comment = comment
    review.save(update_fields=["decided_at", "decided_by", "decision", "comment"])
    review_decided.send(sender=Review, review=review, year=declaration.year)
    hour_record = HourRecord.objects.select_for_update().get(declaration=declaration)
    level_name = review.get_level_display()
    if decision == Review.Decision.APPROVE and review.level == Review.Level.UNIT:
        declaration.state = DeclarationState.PENDING_AUTHORITY
        declaration.save(update_fields=["state", "updated_at"])
        common.open_review(declaration, Review.Level.AUTHORITY, declaration.authority_id, now)
    elif decision == Review.Decision.APPROVE:
        declaration.state = DeclarationState.APPROVED
        declaration.save(update_fields=["state", "updated_at"])
        if _credit_approved(declaration, hour_record):
            body = _("%(hours)s 学时已计入 %(year)s 年度。") % {
                "hours": format_hours(declaration.hours),
                "year": declaration.year,
            }
        else:
            body = _(DUPLICATE_REASON)
        common.notify_person(declaration, _("学时申报已通过：%(title)s") % {"title": declaration.title}, body)
    elif decision == Review.Decision.REJECT:
        declaration.state = DeclarationState.REJECTED
        declaration.save(update_fields=["state", "updated_at"])
        ledger.move_records(
            [hour_record],
            RecordState.REJECTED,
            _("%(level)s审核不通过：%(c)s") % {"level": level_name, "c": comment},
        )
        common.notify_person(
            declaration,
            _("学时申报未通过：%(title)s") % {"title": declaration.title},
            _("%(level)s审核意见：%(c)s") % {"level": level_name, "c": comment},
        )
    else:
        declaration.state = DeclarationState.RETURNED
        declaration.save(update_fields=["state", "updated_at"])
        reason = _("%(level)s退回修改：%(c)s") % {"level": level_name, "c": comment}
        ledger.move_records([hour_record], RecordState.RETURNED, reason)
        common.notify_person(
            declaration,
            _("学时申报被退回修改：%(title)s") % {"title": declaration.title},
            reason + _("。请修改后重新提交。"),
        )
    record(
        actor,
        actions.DECLARATION_REVIEWED[decision],
        declaration,
        before=before,
        after={**common.snapshot(declaration), "level": review.level, "comment": comment},
    )
    return declaration


@transaction.atomic
def review_declaration(actor: Actor, *, declaration_id: int, decision: str, comment: str = "") -> Declaration:
    """A unit or authority reviewer decides: approve (unit → pending_authority with a new clock;
    authority → approved, hours credited), reject or return (comment required for both; on a
    return the person corrects and resubmits)."""
    return _decide(actor, declaration_id, decision, comment)


@dataclass
class BatchResult:
    approved: list[int] = field(default_factory=list)
    failed: list[dict] = field(default_factory=list)


@transaction.atomic
def batch_approve(actor: Actor, *, declaration_ids: Iterable[int], comment: str = "") -> BatchResult:
    """Approve a selection from the queue; each one succeeds or fails on its own (reason given)."""
    ids = list(dict.fromkeys(int(i) for i in declaration_ids))
    if not ids:
        raise Invalid.field("ids", _("申报编号：请至少选择一条申报。"))
    if len(ids) > MAX_BATCH_APPROVE:
        raise Invalid.field("ids", _("申报编号：每次最多批量通过 %(n)s 条。") % {"n": MAX_BATCH_APPROVE})
    result = BatchResult()
    for declaration_id in ids:
        try:
            with transaction.atomic():
                _decide(actor, declaration_id, Review.Decision.APPROVE, comment)
            result.approved.append(declaration_id)
        except DomainError as exc:
            if isinstance(exc, Forbidden):
                raise
            result.failed.append({"id": declaration_id, "reason": exc.detail})
    return result
