from datetime import datetime

from ninja import Field, Router, Status

from accounts import selectors, services
from accounts.models import Membership
from core.actors import Role
from core.api import BearerAuth, require_role
from core.openapi import also_answers, enum_of
from core.schemas import Schema
from core.security import ClientRateThrottle
from core.text import mask_phone

router = Router(tags=["账号与注册"])


class TokenIn(Schema):
    username: str = Field(..., description="账号名，专业技术人员也可用身份证号码")
    password: str
    role: str | None = Field(
        None, description="要使用的身份（person/unit/authority/base/bureau）；默认取主要身份"
    )
    organisation_id: int | None = Field(None, description="同一身份属于多个机构时，指定机构")


class TokenOut(Schema):
    token: str
    role: str
    expires_at: datetime
    organisation_id: int | None = None


@router.post(
    "auth/token",
    response={200: TokenOut},
    throttle=ClientRateThrottle("token"),
    summary="获取接口令牌",
    openapi_extra=also_answers(401),
)
def obtain_token(request, payload: TokenIn):
    user = services.authenticate_for_token(request, login=payload.username, password=payload.password)
    role = services.role_for_token(user, role=payload.role, organisation_id=payload.organisation_id)
    issued = services.issue_token(user, role=role)
    return TokenOut(
        token=issued.token,
        role=issued.role,
        expires_at=issued.expires_at,
        organisation_id=issued.organisation.pk if issued.organisation else None,
    )


class RegisterIn(Schema):
    name: str
    id_number: str
    phone: str
    password: str
    unit_id: int
    profession: str = Field(..., description="职称系列代码，见 GET professions")


class RegisterOut(Schema):
    person_id: int
    username: str
    membership_state: str = Field(json_schema_extra=enum_of(Membership.State))


@router.post(
    "register",
    response={201: RegisterOut},
    throttle=ClientRateThrottle("register"),
    summary="管理入口注册（首次参加继续教育）",
)
def register(request, payload: RegisterIn):
    person = services.register_person(services.Registration(**payload.dict()))
    return Status(
        201, RegisterOut(person_id=person.pk, username=person.user.username, membership_state="pending")
    )


class MemberOut(Schema):
    person_id: int
    name: str
    id_number: str = Field(..., description="脱敏后的身份证号码")
    phone: str
    profession: str
    state: str = Field(json_schema_extra=enum_of(Membership.State))
    requested_at: datetime
    reason: str


class ReasonIn(Schema):
    reason: str = ""


@router.get("unit/members", response=list[MemberOut], auth=BearerAuth(), summary="本单位人员（审核账户）")
def unit_members(request, state: str | None = None):
    actor = require_role(request.auth, Role.UNIT)
    return [_member_out(m) for m in selectors.unit_members(actor, state)[:500]]


@router.post(
    "unit/members/{person_id}/confirm", response=MemberOut, auth=BearerAuth(), summary="确认本单位人员"
)
def confirm_member(request, person_id: int):
    actor = require_role(request.auth, Role.UNIT)
    membership = services.confirm_membership(actor, person_id=person_id)
    return _member_out(membership)


@router.post("unit/members/{person_id}/reject", response=MemberOut, auth=BearerAuth(), summary="不予确认")
def reject_member(request, person_id: int, payload: ReasonIn):
    actor = require_role(request.auth, Role.UNIT)
    membership = services.reject_membership(actor, person_id=person_id, reason=payload.reason)
    return _member_out(membership)


def _member_out(m) -> MemberOut:
    return MemberOut(
        person_id=m.person_id,
        name=m.person.name,
        id_number=m.person.id_number_masked,
        phone=mask_phone(m.person.phone),
        profession=m.person.profession.name,
        state=m.state,
        requested_at=m.requested_at,
        reason=m.reason,
    )
