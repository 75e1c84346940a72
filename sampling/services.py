"""Drawing audit samples and recording their outcomes.

    draw_sample(actor, draw=DrawInput(year, share | count, seed, evidence_due_on, note))
    decide(actor, sample_id=, item_id=, outcome=, reason="")

The draw is reproducible: the candidates (sampling.selectors.candidates) are taken in id order,
`random.Random(seed)` gives each one number u in that order, and the k largest keys
log(1 − u) / w are drawn (Efraimidis–Spirakis weighted sampling without replacement; the
logarithm of u^(1/w), which keeps tiny keys apart). The same seed over the same data gives the
same sample.

Risk weights multiply (a flagged self-study declaration of 40 hours weighs 3 × 2 × 4 = 24):
self-study (经批准且有考核的自学, whose evidence is the hardest to check) × 3, a declaration of
LARGE_HOURS or more × 2, a person with an open or upheld integrity flag of the year × 4.

A revocation moves the declaration's hour record through credits.ledger to `rejected` with the
reason (the summary, and so compliance, follow in the same transaction) and the declaration to
`rejected`.
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
import random
import secrets
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import RoleAssignment
from audit import actions
from audit.services import record
from core.actors import Actor, Role
from core.errors import Conflict, Forbidden, Invalid, NotFound
from core.hours import format_hours
from credits import ledger
from credits.models import Declaration, DeclarationState, HourRecord, RecordState
from credits.services import declaration_link
from notifications.services import notify
from organisations.models import Organisation
from policy import selectors as policy_selectors
from policy.models import Method
from sampling import selectors
from sampling.models import AuditSample, SampledDeclaration
from sampling.selectors import Candidate

SELF_STUDY_WEIGHT = 3
LARGE_HOURS = Decimal(30)  # a third of the yearly 90 hours in one declaration
LARGE_HOURS_WEIGHT = 2
FLAGGED_WEIGHT = 4
MAX_SEED = 10**12
MAX_SAMPLE = 2000
DEFAULT_DUE_WORKING_DAYS = 10
Outcome = SampledDeclaration.Outcome


def weights() -> dict:
    """The weight table, stored with each sample so that a draw stays explainable."""
    return {
        "base": 1,
        "self_study": SELF_STUDY_WEIGHT,
        "large_hours": LARGE_HOURS_WEIGHT,
        "large_hours_from": float(LARGE_HOURS),
        "flagged": FLAGGED_WEIGHT,
    }


def risks_of(candidate: Candidate) -> list[str]:
    risks = []
    if candidate.method == Method.SELF_STUDY:
        risks.append("self_study")
    if candidate.hours >= LARGE_HOURS:
        risks.append("large_hours")
    if candidate.flagged:
        risks.append("flagged")
    return risks


def weight_of(risks: Sequence[str]) -> int:
    table = weights()
    return math.prod(table[r] for r in risks)


def draw_keys(candidates: Iterable[Candidate], seed: int, k: int) -> list[tuple[Candidate, int, list[str]]]:
    """The k candidates with the largest Efraimidis–Spirakis keys, best first (ties by id),
    read in one pass that keeps only the k best."""
    rng = random.Random(seed)

    def keyed():
        for candidate in candidates:
            risks = risks_of(candidate)
            weight = weight_of(risks)
            yield math.log(1.0 - rng.random()) / weight, -candidate.declaration_id, candidate, weight, risks

    best = heapq.nlargest(k, keyed(), key=lambda row: row[:2])
    return [(c, w, r) for _key, _id, c, w, r in best]


def _size(population: int, share, count) -> tuple[int, Decimal | None, int | None]:
    if (share in (None, "")) == (count in (None, "")):
        raise Invalid(
            _("抽查比例和抽查数量：请填写其中一项。"),
            [
                {"field": "share", "message": _("抽查比例：与抽查数量二选一。")},
                {"field": "count", "message": _("抽查数量：与抽查比例二选一。")},
            ],
        )
    if share not in (None, ""):
        try:
            share = Decimal(str(share)).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            raise Invalid.field("share", _("抽查比例：应为数字（百分比）。")) from None
        if not Decimal(0) < share <= Decimal(100):
            raise Invalid.field("share", _("抽查比例：应大于 0 且不超过 100。"))
        k = math.ceil(population * share / 100)
        count = None
    else:
        try:
            count = int(count)
        except (TypeError, ValueError):
            raise Invalid.field("count", _("抽查数量：应为整数。")) from None
        if count < 1:
            raise Invalid.field("count", _("抽查数量：至少抽取 1 条。"))
        k = min(count, population)
        share = None
    if k > MAX_SAMPLE:
        raise Invalid.field(
            "count" if count else "share", _("抽查数量：每次最多抽取 %(n)s 条。") % {"n": MAX_SAMPLE}
        )
    return k, share, count


def _seed(seed) -> int:
    if seed in (None, ""):
        return secrets.randbelow(MAX_SEED)
    try:
        seed = int(seed)
    except (TypeError, ValueError):
        raise Invalid.field("seed", _("随机种子：应为整数。")) from None
    if not 0 <= seed < MAX_SEED:
        raise Invalid.field("seed", _("随机种子：应在 0 到 999999999999 之间。"))
    return seed


def _due(evidence_due_on) -> dt.date:
    today = policy_selectors.today()
    if evidence_due_on in (None, ""):
        return policy_selectors.add_working_days(today, DEFAULT_DUE_WORKING_DAYS).date
    if isinstance(evidence_due_on, str):
        try:
            evidence_due_on = dt.date.fromisoformat(evidence_due_on)
        except ValueError:
            raise Invalid.field("evidence_due_on", _("提交原件截止日期：格式应为 YYYY-MM-DD。")) from None
    if evidence_due_on <= today:
        raise Invalid.field("evidence_due_on", _("提交原件截止日期：应晚于今天。"))
    return evidence_due_on


def _unit_user_ids(unit_ids) -> dict[int, list[int]]:
    users = defaultdict(list)
    for unit_id, user_id in RoleAssignment.objects.filter(
        organisation_id__in=list(unit_ids), role=Role.UNIT
    ).values_list("organisation_id", "user_id"):
        users[unit_id].append(user_id)
    return users


def _notify_drawn(sample: AuditSample, items: list[SampledDeclaration]) -> None:
    org = sample.organisation.name
    due = sample.evidence_due_on.isoformat()
    declarations = Declaration.objects.in_bulk([i.declaration_id for i in items])
    person_users = dict(
        Declaration.objects.filter(pk__in=list(declarations)).values_list("pk", "person__user_id")
    )
    by_unit: dict[int, int] = defaultdict(int)
    for item in items:
        declaration = declarations[item.declaration_id]
        notify(
            [person_users[declaration.pk]],
            title=_("学时抽查：请于 %(due)s 前提交证明材料原件") % {"due": due},
            body=_(
                "您 %(year)s 年度的学时申报“%(title)s”（%(hours)s 学时）被%(org)s抽中核查，"
                "请于 %(due)s 前将证明材料原件交%(org)s核验。"
            )
            % {
                "year": declaration.year,
                "title": declaration.title,
                "hours": format_hours(declaration.hours),
                "org": org,
                "due": due,
            },
            link=declaration_link(declaration.pk),
        )
        if declaration.unit_id:
            by_unit[declaration.unit_id] += 1
    staff = _unit_user_ids(by_unit)
    for unit_id, n in by_unit.items():
        notify(
            staff.get(unit_id, []),
            title=_("学时抽查：本单位 %(n)s 条申报被抽中") % {"n": n},
            body=_(
                "%(org)s抽查 %(year)s 年度学时申报，本单位 %(n)s 条被抽中，"
                "请提醒有关人员于 %(due)s 前提交证明材料原件。"
            )
            % {"org": org, "year": sample.year, "n": n, "due": due},
        )


@dataclass(frozen=True)
class DrawInput:
    """A draw as the drawer asked for it (values may still be form text; the draw checks them):
    a share (%) or a count, not both; no seed: a random one; no due date: the default number
    of working days from today."""

    year: int | str
    share: Decimal | float | int | str | None = None
    count: int | str | None = None
    seed: int | str | None = None
    evidence_due_on: dt.date | str | None = None
    note: str = ""


@transaction.atomic
def draw_sample(actor: Actor, *, draw: DrawInput) -> AuditSample:
    """Draw approved declarations of `draw.year` in the actor's scope, by share (%) or count,
    risk weighted; the people and their units are told to bring the originals by the due date."""
    if not actor.is_role(*selectors.DRAWERS) or actor.organisation is None:
        raise Forbidden(_("只有行业主管部门和人社局可以开展学时抽查。"))
    try:
        year = int(draw.year)
    except (TypeError, ValueError):
        raise Invalid.field("year", _("学时年度：应为年份。")) from None
    if not 2000 <= year <= policy_selectors.today().year:
        raise Invalid.field("year", _("学时年度：只能抽查今年及以前的年度。"))
    note = (draw.note or "").strip()
    if len(note) > 300:
        raise Invalid.field("note", _("说明：不能超过 300 个字符。"))
    seed = _seed(draw.seed)
    due = _due(draw.evidence_due_on)
    # One draw at a time per organisation: a double submit must not put the same declarations
    # in two samples (the second draw sees the first one's as waiting).
    Organisation.objects.select_for_update().filter(pk=actor.organisation.pk).first()
    pool = selectors.candidates(actor, year)
    population = pool.count()
    if not population:
        raise Invalid.field("year", _("学时年度：%(year)s 年度没有可抽查的已通过申报。") % {"year": year})
    k, share, count = _size(population, draw.share, draw.count)
    sample = AuditSample.objects.create(
        organisation=actor.organisation,
        role=actor.role,
        year=year,
        seed=seed,
        share=share,
        requested=count,
        population=population,
        weights=weights(),
        evidence_due_on=due,
        note=note,
        drawn_by=actor.user,
    )
    drawn = draw_keys(selectors.candidate_rows(pool), seed, k)
    hours = dict(
        Declaration.objects.filter(pk__in=[c.declaration_id for c, _w, _r in drawn]).values_list(
            "pk", "hours"
        )
    )
    items = SampledDeclaration.objects.bulk_create(
        [
            SampledDeclaration(
                sample=sample,
                declaration_id=c.declaration_id,
                rank=rank,
                weight=Decimal(w),
                risks=risks,
                hours=hours[c.declaration_id],
            )
            for rank, (c, w, risks) in enumerate(drawn, start=1)
        ]
    )
    record(
        actor,
        actions.SAMPLING_DRAWN,
        sample,
        after={
            "year": year,
            "seed": seed,
            "share": share,
            "count": count,
            "population": population,
            "sampled": [i.declaration_id for i in items],
            "evidence_due_on": due,
        },
    )
    _notify_drawn(sample, items)
    return sample


@transaction.atomic
def decide(
    actor: Actor, *, sample_id: int, item_id: int, outcome: str, reason: str = ""
) -> SampledDeclaration:
    """The drawing organisation records a drawn declaration once: confirmed, or revoked with
    its reason (the hours leave the person's year)."""
    sample = selectors.sample_for(actor, sample_id)
    reason = (reason or "").strip()
    if outcome not in (Outcome.CONFIRMED, Outcome.REVOKED):
        raise Invalid.field("outcome", _("核验结果：应为 confirmed（核验属实）或 revoked（撤销学时）。"))
    if outcome == Outcome.REVOKED and not reason:
        raise Invalid.field("reason", _("核验意见：撤销学时必须写明原因。"))
    if len(reason) > 300:
        raise Invalid.field("reason", _("核验意见：不能超过 300 个字符。"))
    if not selectors.may_decide(actor, sample):
        raise Forbidden(_("只有抽取该样本的机构可以记录核验结果。"))
    item = SampledDeclaration.objects.select_for_update().filter(sample_id=sample.pk, pk=item_id).first()
    if item is None:
        raise NotFound()
    if item.outcome != Outcome.PENDING:
        raise Conflict(
            _("该申报已核验（%(outcome)s）。") % {"outcome": item.get_outcome_display()},
            [{"field": "outcome", "message": _("每条抽中申报只能核验一次。")}],
        )
    declaration = (
        Declaration.objects.select_for_update(of=("self",))
        .select_related("person")
        .get(pk=item.declaration_id)
    )
    if outcome == Outcome.REVOKED:
        _revoke(actor, sample, declaration, reason)
        title = _("学时抽查结果：学时已撤销")
        body = _("您的学时申报“%(title)s”经%(org)s抽查核验，%(hours)s 学时已撤销。原因：%(reason)s") % {
            "title": declaration.title,
            "org": sample.organisation.name,
            "hours": format_hours(declaration.hours),
            "reason": reason,
        }
    else:
        title = _("学时抽查结果：核验属实")
        body = _("您的学时申报“%(title)s”经%(org)s抽查核验属实，学时保留。") % {
            "title": declaration.title,
            "org": sample.organisation.name,
        }
    item.outcome, item.reason = outcome, reason
    item.decided_at, item.decided_by = timezone.now(), actor.user
    item.save(update_fields=["outcome", "reason", "decided_at", "decided_by"])
    record(
        actor,
        actions.SAMPLING_DECIDED[outcome],
        item,
        before={"outcome": Outcome.PENDING},
        after={"outcome": outcome, "reason": reason, "declaration": declaration.pk},
    )
    notify([declaration.person.user_id], title=title, body=body, link=declaration_link(declaration.pk))
    return item


def _revoke(actor: Actor, sample: AuditSample, declaration: Declaration, reason: str) -> None:
    hour_record = HourRecord.objects.select_for_update().filter(declaration=declaration).first()
    if declaration.state != DeclarationState.APPROVED or hour_record is None:
        raise Conflict(
            _("该申报当前状态为%(state)s，不能撤销学时。") % {"state": declaration.get_state_display()},
            [{"field": "outcome", "message": _("只有已通过的申报可以撤销学时。")}],
        )
    before = {"state": declaration.state, "record_state": hour_record.state, "hours": declaration.hours}
    declaration.state = DeclarationState.REJECTED
    declaration.save(update_fields=["state", "updated_at"])
    ledger.move_records(
        [hour_record],
        RecordState.REJECTED,
        _("%(org)s抽查核验撤销：%(reason)s") % {"org": sample.organisation.name, "reason": reason},
    )
    record(
        actor,
        actions.DECLARATION_REVOKED,
        declaration,
        before=before,
        after={"state": declaration.state, "record_state": hour_record.state, "sample": sample.pk},
        note=reason,
    )
