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
from organisations.services import upsert_organisation

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
    org, _ = upsert_organisation(SYSTEM, kind, name or f"{kind}-{next(_serial)}", **fields)
    return org


def authority(name=None) -> Organisation:
    return organisation(Organisation.Kind.AUTHORITY, name, region=region("411200"))


def unit(supervisor: Organisation, name=None, region_code="411202") -> Organisation:
    return organisation(Organisation.Kind.UNIT, name, supervisor=supervisor, region=region(region_code))


def staff(role: str, org: Organisation, username: str | None = None) -> User:
    return account_services.create_staff_account(
        SYSTEM, username or f"{role}-{next(_serial)}", PASSWORD, role, org
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
        Membership.objects.filter(person=p).update(state=Membership.State.CONFIRMED)
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
    return account_services.issue_token(user, assignment).token


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
