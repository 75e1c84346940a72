"""Demo organisations and accounts for the embedded default (never on a production install)."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from accounts import services as account_services
from accounts.models import Membership, Person
from core import crypto, idnumber
from core.actors import SYSTEM, Actor, Role
from filings import selectors as filing_selectors
from filings import services as filing_services
from filings.models import FilingState, PlatformFiling
from organisations.models import Organisation, Region
from organisations.services import upsert_organisation
from policy.selectors import today

PASSWORD = "Demo2026ce"
PERSON_ID = idnumber.complete("41120219880612002")
CREDENTIALS_FILE = Path(settings.VAR_DIR) / "demo-credentials.json"


def demo_allowed() -> bool:
    return bool(settings.DEBUG or settings.DEMO_MODE)


def _organisations() -> dict[str, Organisation]:
    city = Region.objects.get(code="411200")
    hubin = Region.objects.get(code="411202")
    lingbao = Region.objects.get(code="411282")
    upsert = upsert_organisation
    housing, _ = upsert(SYSTEM, Organisation.Kind.AUTHORITY, "三门峡市住房和城乡建设局", region=city)
    health, _ = upsert(SYSTEM, Organisation.Kind.AUTHORITY, "三门峡市卫生健康委员会", region=city)
    unit, _ = upsert(
        SYSTEM, Organisation.Kind.UNIT, "三门峡市建筑设计研究院", region=hubin, supervisor=housing
    )
    other, _ = upsert(SYSTEM, Organisation.Kind.UNIT, "三门峡市中心医院", region=hubin, supervisor=health)
    upsert(SYSTEM, Organisation.Kind.UNIT, "灵宝市市政工程有限公司", region=lingbao, supervisor=housing)
    base = Organisation.objects.get(kind=Organisation.Kind.BASE, name="三门峡市建筑业协会")
    if base.supervisor_id != housing.pk:
        upsert(SYSTEM, Organisation.Kind.BASE, base.name, supervisor=housing)
        base.refresh_from_db()
    bureau = Organisation.objects.get(kind=Organisation.Kind.BUREAU, name="三门峡市人力资源和社会保障局")
    return {
        "authority": housing,
        "other_authority": health,
        "unit": unit,
        "other_unit": other,
        "base": base,
        "bureau": bureau,
    }


def _person(unit: Organisation, unit_user) -> Person:
    person = Person.objects.filter(id_number_hash=crypto.lookup_hash(PERSON_ID)).first()
    if person is None:
        person = account_services.register_person(
            account_services.Registration(
                name="张明",
                id_number=PERSON_ID,
                phone="13903981234",
                password=PASSWORD,
                unit_id=unit.pk,
                profession="engineering",
            )
        )
    if Membership.objects.filter(person=person, state=Membership.State.PENDING).exists():
        reviewer = Actor(user=unit_user, role=Role.UNIT, organisation=unit)
        account_services.confirm_membership(reviewer, person.pk)
    return person


def _platform_token(base: Organisation, bureau_user) -> str:
    """The demo learning platform, filed by the demo base and accepted for this year."""
    year = today().year
    previous = json.loads(CREDENTIALS_FILE.read_text()) if CREDENTIALS_FILE.exists() else {}
    token = previous.get("platform_token") or ""
    credential = filing_selectors.credential_for_token(token) if token else None
    if credential and credential.year == year:
        return token
    filing = PlatformFiling.objects.filter(
        filer=base, year=year, site_name="豫才继续教育在线（演示）"
    ).first()
    bureau = Actor(
        user=bureau_user,
        role=Role.BUREAU,
        organisation=Organisation.objects.get(name="三门峡市人力资源和社会保障局"),
    )
    if filing is None:
        filing = PlatformFiling.objects.create(
            filer=base,
            year=year,
            state=FilingState.SUBMITTED,
            created_by=bureau_user,
            site_name="豫才继续教育在线（演示）",
            host_org=base.name,
            icp_number="豫ICP备2025000001号",
            domain="demo-learning.example.cn",
            url="https://demo-learning.example.cn/",
            offers_public=True,
            offers_professional=True,
            fee_payer=base.name,
            fee_standard="公需科目免费",
            fee_approval="",
            manager_name="乔宇",
            manager_phone="03982850937",
            tech_org="演示技术服务公司",
            tech_mobile="13800000000",
            tech_office_phone="0398-2850937",
            base_opinion="同意",
            authority_opinion="同意",
        )
    if filing.state != FilingState.ACCEPTED:
        _, token = filing_services.accept_platform_filing(bureau, filing)
        return token
    # The token was lost with var/: revoke what was issued and issue a fresh one.
    for old in filing.credentials.filter(revoked_at__isnull=True):
        filing_services.revoke_credential(bureau, old)
    _, token = filing_services.issue_credential(bureau, filing)
    return token


@transaction.atomic
def load_demo_data() -> dict:
    if not demo_allowed():
        raise ImproperlyConfigured("演示数据只能在 DEBUG 或 CE_DEMO=1 的嵌入式环境中加载。")
    orgs = _organisations()
    create = account_services.create_staff_account
    unit_user = create(SYSTEM, "demo-unit", PASSWORD, Role.UNIT, orgs["unit"], name="李审核（设计院）")
    create(SYSTEM, "demo-authority", PASSWORD, Role.AUTHORITY, orgs["authority"], name="王主管（住建局）")
    create(SYSTEM, "demo-base", PASSWORD, Role.BASE, orgs["base"], name="乔宇（建筑业协会）")
    bureau_user = create(
        SYSTEM, "demo-bureau", PASSWORD, Role.BUREAU, orgs["bureau"], name="赵管理（市人社局）"
    )
    create(SYSTEM, "demo-other-unit", PASSWORD, Role.UNIT, orgs["other_unit"], name="陈审核（中心医院）")
    person = _person(orgs["unit"], unit_user)
    credentials = {
        "person": [person.user.username, PASSWORD],
        "unit": ["demo-unit", PASSWORD],
        "authority": ["demo-authority", PASSWORD],
        "base": ["demo-base", PASSWORD],
        "bureau": ["demo-bureau", PASSWORD],
        "other_unit": ["demo-other-unit", PASSWORD],
        "unit_id": orgs["unit"].pk,
        "platform_token": _platform_token(orgs["base"], bureau_user),
    }
    CREDENTIALS_FILE.parent.mkdir(parents=True, exist_ok=True)
    CREDENTIALS_FILE.write_text(json.dumps(credentials, ensure_ascii=False, indent=2))
    return credentials
