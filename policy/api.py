from datetime import date

from django.utils.translation import gettext as _
from ninja import Field, Router

from core.errors import NotFound
from core.schemas import Schema
from organisations.models import Region
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
    region: str | None = Field(
        None, description="区划代码：所给地区适用的备案截止日和审核时限（该市另定的或全省的）"
    )
    cities_set_plan_filing_deadline: bool
    cities_set_review_sla: bool


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
def policy_year(request, year: int, region: str | None = None):
    """The year's figures; with `region` (a region code) the filing deadline and review limit that
    apply there: its city's own where the province lets cities set them, else the province's."""
    policy = selectors.get_policy_year(year)
    place = None
    if region:
        place = Region.objects.filter(code=region).first()
        if place is None:
            raise NotFound(_("地区 %(code)s 不存在。") % {"code": region})
    figures = selectors.figures_for(place, year)
    rows = list(policy.requirements.select_related("profile"))
    default = next((r for r in rows if r.profile.is_default), None)
    if default is None:
        raise NotFound(_("%(year)s 年度学时要求尚未设置。") % {"year": year})
    return PolicyOut(
        year=policy.year,
        requirements=_requirements(default),
        profiles={r.profile.code: _requirements(r) for r in rows},
        declaration_deadline=policy.declaration_deadline,
        plan_filing_deadline=figures.plan_filing_deadline,
        review_sla_working_days=figures.review_sla_working_days,
        reporting_deadline=policy.reporting_deadline,
        max_daily_hours=float(policy.max_daily_hours),
        notice_reference=policy.notice_reference,
        awaiting_confirmation=policy.awaiting_confirmation,
        region=place.code if place else None,
        cities_set_plan_filing_deadline=policy.cities_set_plan_filing_deadline,
        cities_set_review_sla=policy.cities_set_review_sla,
    )


@router.get("professions", response=list[ProfessionOut], summary="职称系列")
def professions(request):
    return [ProfessionOut(code=p.code, name=p.name, profile=p.profile.code) for p in selectors.professions()]


@router.get("calendar/add-working-days", response=WorkingDayOut, summary="第 N 个工作日（不含当日）")
def add_working_days(request, start: date, days: int):
    result = selectors.add_working_days(start, days)
    return WorkingDayOut(date=result.date, provisional=result.provisional)
