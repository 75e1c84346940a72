"""Building test data through the real services, so tests exercise the same paths as users."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from accounts import services as account_services
from accounts.models import Membership, Person, RoleAssignment, User
from core import idnumber
from core.actors import SYSTEM, Actor, Role
from organisations.models import Organisation, Region
from organisations.services import OrganisationInput, upsert_organisation

PASSWORD = "Passw0rd2025"
_serial = itertools.count(1)


def valid_id_number(region: str = "411202") -> str:
    """A valid resident ID number, unique within the test session."""
    n = next(_serial)
    birth = (dt.date(1960, 1, 1) + dt.timedelta(days=n % 15000)).strftime("%Y%m%d")
    return idnumber.complete(f"{region}{birth}{n // 15000 % 1000:03d}")


def region(code="411202") -> Region:
    return Region.objects.get(code=code)


def organisation(kind: str, name: str | None = None, **fields) -> Organisation:
    fields.setdefault("region", region())
    wanted = OrganisationInput(
        kind=kind, name=name or f"{kind}-{next(_serial)}", **{f"{k}_id": v.pk for k, v in fields.items()}
    )
    org, _ = upsert_organisation(SYSTEM, organisation=wanted)
    return org


def authority(name=None) -> Organisation:
    return organisation(Organisation.Kind.AUTHORITY, name, region=region("411200"))


def unit(supervisor: Organisation, name=None, region_code="411202") -> Organisation:
    return organisation(Organisation.Kind.UNIT, name, supervisor=supervisor, region=region(region_code))


def staff(role: str, org: Organisation, username: str | None = None) -> User:
    return account_services.create_staff_account(
        SYSTEM,
        username=username or f"{role}-{next(_serial)}",
        password=PASSWORD,
        role=role,
        organisation_id=org.pk,
    )


def person(
    unit_org: Organisation,
    confirmed: bool = True,
    profession: str = "engineering",
    name: str = "测试人员",
    id_number: str | None = None,
) -> Person:
    p = account_services.register_person(
        account_services.Registration(
            name=name,
            id_number=id_number or valid_id_number(),
            phone="13900000000",
            password=PASSWORD,
            unit_id=unit_org.pk,
            profession=profession,
        )
    )
    if confirmed:
        # Saved one by one (not .update()), as the services do, so receivers see the change.
        for membership in Membership.objects.filter(person=p):
            membership.state = Membership.State.CONFIRMED
            membership.save(update_fields=["state"])
    return p


def actor(user: User, role: str | None = None) -> Actor:
    assignment = next(r for r in user.role_assignments.all() if role is None or r.role == role)
    return Actor(user=user, role=assignment.role, organisation=assignment.organisation)


def token_for(user: User, role: str | None = None) -> str:
    assignment = (
        RoleAssignment.objects.filter(user=user, role=role).first()
        if role
        else account_services.primary_role(user)
    )
    return account_services.issue_token(user, role=assignment).token


@dataclass
class World:
    authority: Organisation
    other_authority: Organisation
    unit: Organisation
    sibling_unit: Organisation
    other_unit: Organisation
    base: Organisation
    bureau: Organisation
    county_bureau: Organisation
    unit_user: User
    sibling_unit_user: User
    other_unit_user: User
    authority_user: User
    other_authority_user: User
    base_user: User
    bureau_user: User
    county_bureau_user: User
    person: Person
    other_person: Person

    def user_of_each_role(self) -> dict[str, User]:
        """One user of each role, keyed by role (the pages-of-every-role tests walk these)."""
        return {
            "person": self.person.user,
            "unit": self.unit_user,
            "authority": self.authority_user,
            "base": self.base_user,
            "bureau": self.bureau_user,
        }

    @classmethod
    def build(cls) -> World:
        auth_a = authority("测试住建局")
        auth_b = authority("测试卫健委")
        unit_a = unit(auth_a, "测试设计院")
        sibling = unit(auth_a, "测试市政公司", region_code="411282")
        unit_b = unit(auth_b, "测试医院")
        base = Organisation.objects.get(kind=Organisation.Kind.BASE, name="三门峡市建筑业协会")
        bureau = Organisation.objects.get(kind=Organisation.Kind.BUREAU, name="三门峡市人力资源和社会保障局")
        county = Organisation.objects.get(kind=Organisation.Kind.BUREAU, name="湖滨区人力资源和社会保障局")
        return cls(
            authority=auth_a,
            other_authority=auth_b,
            unit=unit_a,
            sibling_unit=sibling,
            other_unit=unit_b,
            base=base,
            bureau=bureau,
            county_bureau=county,
            unit_user=staff(Role.UNIT, unit_a),
            sibling_unit_user=staff(Role.UNIT, sibling),
            other_unit_user=staff(Role.UNIT, unit_b),
            authority_user=staff(Role.AUTHORITY, auth_a),
            other_authority_user=staff(Role.AUTHORITY, auth_b),
            base_user=staff(Role.BASE, base),
            bureau_user=staff(Role.BUREAU, bureau),
            county_bureau_user=staff(Role.BUREAU, county),
            person=person(unit_a, name="张三"),
            other_person=person(unit_b, name="李四"),
        )


# --- filings (training plans, platform filings) ---------------------------------------------


def plan_item_data(**fields) -> dict:
    data = {
        "project": "建筑节能新技术研修班",
        "audience": "建筑设计人员 60人",
        "starts_on": dt.date(2025, 10, 20),
        "hours": 24,
        "teachers": "高级工程师 王工",
        "mode": "面授",
        "venue": "三门峡市建筑业协会培训中心",
        "funding": "单位自筹",
        "remark": "",
        "category": "professional",
    }
    data.update(fields)
    return data


def plan_data(year: int = 2025, **fields) -> dict:
    data = {
        "year": year,
        "contact_name": "乔宇",
        "contact_phone": "0398-2850937",
        "filer_opinion": "同意申报",
    }
    data.update(fields)
    return data


def platform_data(year: int = 2025, **fields) -> dict:
    data = {
        "year": year,
        "site_name": "豫才继续教育在线",
        "host_org": "三门峡市建筑业协会",
        "icp_number": "豫ICP备2025000001号",
        "domain": "learn.example.cn",
        "url": "https://learn.example.cn/",
        "offers_public": True,
        "offers_professional": False,
        "fee_payer": "三门峡市建筑业协会",
        "fee_standard": "公需科目免费",
        "fee_approval": "三发改收费〔2025〕1号",
        "manager_name": "乔宇",
        "manager_phone": "03982850937",
        "tech_org": "豫才网络技术有限公司",
        "tech_mobile": "13800000000",
        "tech_office_phone": "0398-2850937",
        "base_opinion": "同意备案",
    }
    data.update(fields)
    return data


def plan_input(data: dict, items: list[dict] | None = None):
    """The typed input of `filings.services.create_plan` from the dicts above (the API's shape)."""
    from filings.services import PlanInput, PlanItemInput

    return PlanInput(**data, items=tuple(PlanItemInput(**row) for row in items or []))


def plan_change(data: dict, items: list[dict] | None = None):
    """The typed input of `filings.services.update_plan`: `items=None` keeps the rows."""
    from filings.services import PlanChange, PlanItemInput

    rows = None if items is None else tuple(PlanItemInput(**row) for row in items)
    return PlanChange(**data, items=rows)


def platform_input(data: dict):
    from filings.services import PlatformInput

    return PlatformInput(**data)


def platform_change(data: dict):
    from filings.services import PlatformChange

    return PlatformChange(**data)


def in_time(year: int = 2025) -> dt.datetime:
    """An instant before the year's plan-filing deadline (15 September for 2025)."""
    from core.dates import SHANGHAI

    return dt.datetime(year, 9, 1, 10, 0, tzinfo=SHANGHAI)


def accepted_plan(world: World, filer_user: User | None = None, year: int = 2025, items: list | None = None):
    """A plan of `filer_user`'s organisation (default: the world's unit), submitted in time,
    given its authority's opinion where needed, and accepted by the city bureau."""
    from filings import services as filing_services
    from filings.models import FilingState

    filer_user = filer_user or world.unit_user
    filer = actor(filer_user)
    plan = filing_services.create_plan(filer, plan=plan_input(plan_data(year), items or [plan_item_data()]))
    plan = filing_services.submit_plan(filer, plan_id=plan.pk, now=in_time(year))
    if plan.state == FilingState.PENDING_OPINION:
        supervisor_user = staff(Role.AUTHORITY, plan.filer.supervisor)
        filing_services.give_opinion(actor(supervisor_user), kind="plan", filing_id=plan.pk, opinion="同意")
    return filing_services.accept_plan(actor(world.bureau_user), plan_id=plan.pk)


def accepted_platform(world: World, year: int = 2025, **fields):
    """The world's base files a platform, its authority agrees, the bureau accepts.
    Returns (filing, token)."""
    from filings import services as filing_services

    if world.base.supervisor_id is None:
        upsert_organisation(
            SYSTEM,
            organisation=OrganisationInput(
                kind=Organisation.Kind.BASE, name=world.base.name, supervisor_id=world.authority.pk
            ),
        )
        world.base.refresh_from_db()
    filer = actor(world.base_user)
    filing = filing_services.create_platform_filing(
        filer, filing=platform_input(platform_data(year, **fields))
    )
    filing_services.submit_platform_filing(filer, filing_id=filing.pk, now=in_time(year))
    filing_services.give_opinion(
        actor(world.authority_user), kind="platform", filing_id=filing.pk, opinion="同意"
    )
    return filing_services.accept_platform_filing(actor(world.bureau_user), filing_id=filing.pk)
