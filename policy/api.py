from datetime import date

from django.utils.translation import gettext as _
from ninja import Router

from core.errors import NotFound
from core.schemas import Schema
from policy import selectors

router = Router(tags=["年度政策与工作日"])


class Requirements(Schema):
    total: float
    public: float
    professional: float


class PolicyOut(Schema):
    year: int
    requirements: Requirements
    profiles: dict[str, Requirements]
    declaration_deadline: date
    plan_filing_deadline: date
    review_sla_working_days: int
    reporting_deadline: date
    max_daily_hours: float
    notice_reference: str
    awaiting_confirmation: bool


class ProfessionOut(Schema):
    code: str
    name: str
    profile: str


class WorkingDayOut(Schema):
    date: date
    provisional: bool


def _requirements(r) -> Requirements:
    return Requirements(
        total=float(r.total_hours), public=float(r.public_hours), professional=float(r.professional_hours)
    )


@router.get("policy/{year}", response=PolicyOut, summary="年度学时要求与截止日期")
def policy_year(request, year: int):
    policy = selectors.get_policy_year(year)
    rows = list(policy.requirements.select_related("profile"))
    default = next((r for r in rows if r.profile.is_default), None)
    if default is None:
        raise NotFound(_("%(year)s 年度学时要求尚未设置。") % {"year": year})
    return PolicyOut(
        year=policy.year,
        requirements=_requirements(default),
        profiles={r.profile.code: _requirements(r) for r in rows},
        declaration_deadline=policy.declaration_deadline,
        plan_filing_deadline=policy.plan_filing_deadline,
        review_sla_working_days=policy.review_sla_working_days,
        reporting_deadline=policy.reporting_deadline,
        max_daily_hours=float(policy.max_daily_hours),
        notice_reference=policy.notice_reference,
        awaiting_confirmation=policy.awaiting_confirmation,
    )


@router.get("professions", response=list[ProfessionOut], summary="职称系列")
def professions(request):
    return [ProfessionOut(code=p.code, name=p.name, profile=p.profile.code) for p in selectors.professions()]


@router.get("calendar/add-working-days", response=WorkingDayOut, summary="第 N 个工作日（不含当日）")
def add_working_days(request, start: date, days: int):
    result = selectors.add_working_days(start, days)
    return WorkingDayOut(date=result.date, provisional=result.provisional)
