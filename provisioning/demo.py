"""Demo organisations, accounts and a lived-in current year for the embedded default.

Everything is made through the same services users go through (registration, filings with the
bureau's late-filing exception, platform pushes, attendance, declarations and reviews), so the
demo also shows that the paths work. Never on a production install (DEBUG and CE_DEMO off).
"""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from accounts import services as account_services
from accounts.models import Membership, Person, User
from core import crypto, idnumber
from core.actors import SYSTEM, Actor, Role
from core.inputs import KEEP
from credits import services as credit_services
from filings import rules as filing_rules
from filings import selectors as filing_selectors
from filings import services as filing_services
from filings.models import FilingState, PlatformFiling, TrainingPlan
from organisations.models import Organisation, Region
from organisations.services import OrganisationInput, upsert_organisation
from policy.selectors import is_past, today
from provisioning.notice import publish_notice_2025

PASSWORD = "Demo2026ce"
PERSON_ID = idnumber.complete("41120219880612002")
CREDENTIALS_FILE = Path(settings.VAR_DIR) / "demo-credentials.json"
PLATFORM_NAME = "豫才继续教育在线（演示）"

# Colleagues of the demo person, and what they have learnt this year on the demo platform.
COLLEAGUES = [
    ("李华", "41120219900315003", "accounting", {"public": ["30"], "professional": ["40", "24"]}),
    ("王芳", "41120219920708004", "engineering", {"public": ["24", "6"], "professional": ["20"]}),
    ("赵强", "41120219850101005", "engineering", {}),
]
OTHER_UNIT_PEOPLE = [
    ("陈静", "41120219870220006", "health", {"public": ["30"], "professional": ["60"]}),
    ("周凯", "41120219930911007", "health", {"public": ["12"]}),
]


def demo_allowed() -> bool:
    return bool(settings.DEBUG or settings.DEMO_MODE)


def _actor(user: User, role: str, organisation: Organisation | None) -> Actor:
    return Actor(user=user, role=role, organisation=organisation)


def _organisations() -> dict[str, Organisation]:
    city = Region.objects.get(code="411200")
    hubin = Region.objects.get(code="411202")
    lingbao = Region.objects.get(code="411282")

    def upsert(kind: str, name: str, region: Region | None = None, supervisor: Organisation | None = None):
        wanted = OrganisationInput(
            kind=kind,
            name=name,
            region_id=region.pk if region else KEEP,
            supervisor_id=supervisor.pk if supervisor else KEEP,
        )
        return upsert_organisation(SYSTEM, organisation=wanted)[0]

    housing = upsert(Organisation.Kind.AUTHORITY, "三门峡市住房和城乡建设局", region=city)
    health = upsert(Organisation.Kind.AUTHORITY, "三门峡市卫生健康委员会", region=city)
    unit = upsert(Organisation.Kind.UNIT, "三门峡市建筑设计研究院", region=hubin, supervisor=housing)
    other = upsert(Organisation.Kind.UNIT, "三门峡市中心医院", region=hubin, supervisor=health)
    upsert(Organisation.Kind.UNIT, "灵宝市市政工程有限公司", region=lingbao, supervisor=housing)
    base = upsert(Organisation.Kind.BASE, "三门峡市建筑业协会", supervisor=housing)
    bureau = Organisation.objects.get(kind=Organisation.Kind.BUREAU, name="三门峡市人力资源和社会保障局")
    return {
        "authority": housing,
        "other_authority": health,
        "unit": unit,
        "other_unit": other,
        "base": base,
        "bureau": bureau,
    }


def _staff(orgs: dict[str, Organisation]) -> dict[str, Actor]:
    create = account_services.create_staff_account
    accounts = {
        "unit": ("demo-unit", Role.UNIT, orgs["unit"], "李审核（设计院）"),
        "authority": ("demo-authority", Role.AUTHORITY, orgs["authority"], "王主管（住建局）"),
        "base": ("demo-base", Role.BASE, orgs["base"], "乔宇（建筑业协会）"),
        "bureau": ("demo-bureau", Role.BUREAU, orgs["bureau"], "赵管理（市人社局）"),
        "other_unit": ("demo-other-unit", Role.UNIT, orgs["other_unit"], "陈审核（中心医院）"),
        "other_authority": ("demo-health", Role.AUTHORITY, orgs["other_authority"], "刘主管（卫健委）"),
    }
    actors = {}
    for key, (username, role, org, name) in accounts.items():
        user = create(
            SYSTEM, username=username, password=PASSWORD, role=role, organisation_id=org.pk, name=name
        )
        actors[key] = _actor(user, role, org)
    return actors


def _person(name: str, first17: str, profession: str, unit: Organisation, confirm_as: Actor | None) -> Person:
    number = idnumber.complete(first17)
    person = Person.objects.filter(id_number_hash=crypto.lookup_hash(number)).first()
    if person is None:
        person = account_services.register_person(
            account_services.Registration(
                name=name,
                id_number=number,
                phone="13903981234",
                password=PASSWORD,
                unit_id=unit.pk,
                profession=profession,
            )
        )
    if confirm_as and Membership.objects.filter(person=person, state=Membership.State.PENDING).exists():
        account_services.confirm_membership(confirm_as, person_id=person.pk)
    return person


# The demo's year has about three months of learning behind it; early in the year there is not
# yet room for that under the daily limit, so a young year starts with filings and no hours.
DEMO_YEAR_MIN_DAYS = 75


def _past_day(days_ago: int) -> dt.date:
    """A day `days_ago` before today, kept inside the current year (the demo runs any day)."""
    now = today()
    return max(now - dt.timedelta(days=days_ago), dt.date(now.year, 1, 1))


def _future_day(days_ahead: int) -> dt.date:
    now = today()
    return min(now + dt.timedelta(days=days_ahead), dt.date(now.year, 12, 31))


def _late_exception(staff: dict[str, Actor], year: int, kind: str, what: str) -> None:
    """After the filing deadline the bureau records why this filing is accepted late."""
    if is_past(filing_rules.plan_filing_deadline(staff["base"].organisation, year)):
        filing_services.record_exception(
            staff["bureau"],
            organisation_id=staff["base"].organisation.pk,
            year=year,
            kind=kind,
            reason=f"演示环境：补录本年度{what}",
        )


def _platform(staff: dict[str, Actor], year: int) -> tuple[PlatformFiling, str]:
    """The demo base files its learning platform (late under the bureau's exception when past
    the deadline); the authority agrees and the bureau accepts (备案), issuing the platform's key.
    Returns the filing and its new key ("" when it was accepted on an earlier run)."""
    filing = PlatformFiling.objects.filter(
        filer=staff["base"].organisation, year=year, site_name=PLATFORM_NAME
    ).first()
    if filing and filing.state == FilingState.ACCEPTED:
        return filing, ""
    base = staff["base"]
    if filing is None:
        _late_exception(staff, year, "platform", "网络学习平台备案")
        filing = filing_services.create_platform_filing(
            base,
            filing=filing_services.PlatformInput(
                year=year,
                site_name=PLATFORM_NAME,
                host_org=base.organisation.name,
                icp_number="豫ICP备2025000001号-1",
                domain="demo-learning.example.cn",
                url="https://demo-learning.example.cn/",
                offers_public=True,
                offers_professional=True,
                fee_payer=base.organisation.name,
                fee_standard="公需科目免费；专业科目每学时2元",
                fee_approval="三发改收费〔2025〕1号",
                manager_name="乔宇",
                manager_phone="03982850937",
                tech_org="豫才网络技术有限公司",
                tech_mobile="13800000000",
                tech_office_phone="0398-2850937",
                base_opinion="同意备案",
            ),
        )
        filing_services.submit_platform_filing(base, filing_id=filing.pk)
        filing_services.give_opinion(
            staff["authority"], kind="platform", filing_id=filing.pk, opinion="同意，请市人社局备案。"
        )
    return filing_services.accept_platform_filing(staff["bureau"], filing_id=filing.pk)


def _platform_token(staff: dict[str, Actor], filing: PlatformFiling, fresh: str) -> str:
    if fresh:
        return fresh
    previous = json.loads(CREDENTIALS_FILE.read_text()) if CREDENTIALS_FILE.exists() else {}
    token = previous.get("platform_token") or ""
    credential = filing_selectors.credential_for_token(token) if token else None
    if credential and credential.filing_id == filing.pk:
        return token
    # The key is shown once and only its hash is kept: with var/ lost, rotate to a new one.
    _credential, token = filing_services.rotate_credential(staff["bureau"], filing_id=filing.pk)
    return token


def _push(filing: PlatformFiling, person: Person, courses: dict[str, list[str]], year: int) -> None:
    credential = filing.credentials.filter(revoked_at__isnull=True).first()
    items = []
    titles = {"public": "数字技术与网络安全（公需科目）", "professional": "装配式建筑设计规范解读"}
    for category, hours_list in courses.items():
        for n, hours in enumerate(hours_list):
            day = _past_day(60 - 20 * n)
            items.append(
                {
                    "external_id": f"demo-{person.pk}-{category}-{n}",
                    "id_number": person.reveal_id_number(),
                    "name": person.name,
                    "course": f"{titles[category]}（{n + 1}）",
                    "category": category,
                    "hours": hours,
                    "completed_on": day.isoformat(),
                }
            )
    if items:
        result = credit_services.receive_platform_completions(credential, items=items)
        if result.rejected:
            raise ImproperlyConfigured(f"演示学时推送被拒绝：{result.rejected}")


def _plan(staff: dict[str, Actor], year: int) -> TrainingPlan:
    """The base's annual training plan, filed late under an exception and accepted."""
    base = staff["base"]
    _late_exception(staff, year, "plan", "培训计划")
    rows = [
        {
            "project": "装配式建筑施工新技术研修班",
            "audience": "建筑设计与施工技术人员 60人",
            "starts_on": _past_day(30),
            "hours": 24,
            "teachers": "高级工程师 王工等3人",
            "mode": "面授",
            "venue": "三门峡市建筑业协会培训中心",
            "funding": "单位自筹",
            "remark": "",
            "category": "professional",
        },
        {
            "project": "建设工程质量安全管理专题培训",
            "audience": "建设行业专业技术人员 80人",
            "starts_on": _future_day(17),
            "hours": 16,
            "teachers": "省建设教育协会专家",
            "mode": "面授+线上",
            "venue": "三门峡市建筑业协会培训中心",
            "funding": "财政补助",
            "remark": "",
            "category": "professional",
        },
    ]
    plan = filing_services.create_plan(
        base,
        plan=filing_services.PlanInput(
            year=year,
            contact_name="乔宇",
            contact_phone="0398-2850937",
            filer_opinion="同意申报",
            items=tuple(filing_services.PlanItemInput(**row) for row in rows),
        ),
    )
    filing_services.submit_plan(base, plan_id=plan.pk)
    filing_services.give_opinion(
        staff["authority"], kind="plan", filing_id=plan.pk, opinion="同意，请市人社局备案。"
    )
    return filing_services.accept_plan(staff["bureau"], plan_id=plan.pk)


def _evidence(title: str) -> SimpleUploadedFile:
    """A one-page PDF certificate (结业证明) in the platform's embedded Chinese font."""
    from reportlab.lib.pagesizes import A5, landscape

    from core.pdf import canvas_maker, cjk_font

    font = cjk_font()
    buffer = io.BytesIO()
    page = canvas_maker()(buffer, pagesize=landscape(A5))
    page.setFont(font, 22)
    page.drawCentredString(297, 300, "学习证明（演示）")
    page.setFont(font, 14)
    page.drawCentredString(297, 250, title)
    page.drawCentredString(297, 200, "三门峡市建筑设计研究院")
    page.showPage()
    page.save()
    return SimpleUploadedFile("学习证明.pdf", buffer.getvalue(), content_type="application/pdf")


def _declare(person_actor: Actor, data: dict) -> int:
    declaration = credit_services.create_declaration(
        person_actor, declaration=credit_services.DeclarationInput(**data)
    )
    credit_services.attach_evidence(
        person_actor, declaration_id=declaration.pk, uploaded=_evidence(data["title"])
    )
    credit_services.submit_declaration(person_actor, declaration_id=declaration.pk)
    return declaration.pk


def _activity(staff: dict[str, Actor], filing: PlatformFiling, person: Person, year: int) -> None:
    """A year in progress: platform hours, a class's attendance and declarations at every step."""
    unit = staff["unit"].organisation
    colleagues = [
        (_person(name, first17, profession, unit, staff["unit"]), courses)
        for name, first17, profession, courses in COLLEAGUES
    ]
    others = [
        (_person(name, first17, profession, staff["other_unit"].organisation, staff["other_unit"]), courses)
        for name, first17, profession, courses in OTHER_UNIT_PEOPLE
    ]
    _person("孙丽", "41120219950505008", "engineering", unit, confirm_as=None)  # waits for the unit
    _push(filing, person, {"public": ["12", "6"]}, year)
    for colleague, courses in colleagues + others:
        _push(filing, colleague, courses, year)
    plan = _plan(staff, year)
    credit_services.credit_attendance(
        staff["base"],
        plan_item_id=plan.items.get(seq=1).pk,
        rows=[(person, Decimal(24)), (colleagues[1][0], Decimal(24))],
    )
    me = _actor(person.user, Role.PERSON, None)
    at_authority = _declare(
        me,
        {
            "category": "professional",
            "method": "practice",
            "title": "桥梁检测现场实践",
            "organizer": "三门峡市建筑设计研究院",
            "hours": "16",
            "started_on": _past_day(26),
            "ended_on": _past_day(22),
        },
    )
    credit_services.review_declaration(
        staff["unit"], declaration_id=at_authority, decision="approve", comment="情况属实。"
    )
    _declare(
        me,
        {
            "category": "public",
            "method": "grassroots",
            "title": "乡村建设技术帮扶",
            "organizer": "陕州区住房和城乡建设局",
            "hours": "8",
            "started_on": _past_day(12),
            "ended_on": _past_day(11),
        },
    )
    returned = _declare(
        me,
        {
            "category": "professional",
            "method": "self_study",
            "title": "BIM 正向设计自学",
            "organizer": "本单位技术部",
            "hours": "10",
            "started_on": _past_day(88),
            "ended_on": _past_day(58),
        },
    )
    credit_services.review_declaration(
        staff["unit"],
        declaration_id=returned,
        decision="return",
        comment="请补充业务主管部门的批准文件和考核成绩。",
    )


@transaction.atomic
def load_demo_data() -> dict:
    if not demo_allowed():
        raise ImproperlyConfigured("演示数据只能在 DEBUG 或 CE_DEMO=1 的嵌入式环境中加载。")
    year = today().year
    orgs = _organisations()
    staff = _staff(orgs)
    person = _person("张明", PERSON_ID[:17], "engineering", orgs["unit"], staff["unit"])
    filing, fresh_token = _platform(staff, year)
    young = (today() - dt.date(year, 1, 1)).days < DEMO_YEAR_MIN_DAYS
    if not young and not TrainingPlan.objects.filter(filer=orgs["base"], year=year).exists():
        _activity(staff, filing, person, year)
    publish_notice_2025(staff["bureau"])
    credentials = {
        "person": [person.user.username, PASSWORD],
        "unit": ["demo-unit", PASSWORD],
        "authority": ["demo-authority", PASSWORD],
        "base": ["demo-base", PASSWORD],
        "bureau": ["demo-bureau", PASSWORD],
        "other_unit": ["demo-other-unit", PASSWORD],
        "unit_id": orgs["unit"].pk,
        "platform_token": _platform_token(staff, filing, fresh_token),
    }
    CREDENTIALS_FILE.parent.mkdir(parents=True, exist_ok=True)
    CREDENTIALS_FILE.write_text(json.dumps(credentials, ensure_ascii=False, indent=2))
    return credentials
