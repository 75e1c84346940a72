"""Certificates in the API: the person's certificate with its register of every year, a
person's certificate for staff in scope, and the yearly credential (VC-JWT) to download.
Hours are JSON numbers (DESIGN §5)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Router

from certificates import selectors, services
from certificates.credentials import MEDIA_TYPE
from certificates.views import base_url, credential_response
from core.api import BearerAuth
from core.dates import local_day
from core.openapi import binary_answer
from core.schemas import Schema
from policy.api import Requirements

router = Router(tags=["继续教育证书"])
auth = BearerAuth()


class RegisterRecordOut(Schema):
    completed_on: dt.date
    title: str
    organizer: str
    category: str
    method: str
    source: str
    hours: float


class RegisterYearOut(Schema):
    year: int
    public_hours: float
    professional_hours: float
    total_hours: float
    required: Requirements
    compliant: bool
    records: list[RegisterRecordOut] = Field(..., description="本年度已计入的学时记录")


class CertificateOut(Schema):
    number: str = Field(..., description="证书编号（17 位：发证机关区划代码 + 发证年份 + 序号 + 校验位）")
    issuing_bureau: str
    issuing_level: str = Field(..., description="发证机关级别：province | city")
    issued_on: dt.date
    person_name: str
    id_number_masked: str
    years: list[RegisterYearOut] = Field(..., description="各年度登记，最近的年度在前")


def _out(request, person) -> CertificateOut:
    certificate = services.ensure_certificate(request.auth, person_id=person.pk)
    view = selectors.certificate_view(person)
    return CertificateOut(
        number=certificate.number,
        issuing_bureau=certificate.issuing_bureau_name,
        issuing_level=certificate.issuing_level,
        issued_on=local_day(certificate.issued_at),
        person_name=person.name,
        id_number_masked=person.id_number_masked,
        years=[
            RegisterYearOut(
                year=y["year"],
                public_hours=float(y["public"]),
                professional_hours=float(y["professional"]),
                total_hours=float(y["total"]),
                required=Requirements(**{k: float(v) for k, v in y["required"].items()}),
                compliant=y["compliant"],
                records=[
                    RegisterRecordOut(
                        completed_on=dt.date.fromisoformat(r["completed_on"]),
                        title=r["title"],
                        organizer=r["organizer"],
                        category=r["category"],
                        method=r["method"],
                        source=r["source"],
                        hours=float(r["hours"]),
                    )
                    for r in y["records"]
                ],
            )
            for y in view.register
        ],
    )


@router.get(
    "me/certificate",
    auth=auth,
    response=CertificateOut,
    summary="本人继续教育证书及各年度登记",
    description="专业技术人员本人。首次查看时编号发证；编号终身不变。",
)
def my_certificate(request):
    return _out(request, selectors.person_of(request.auth))


@router.get(
    "persons/{person_id}/certificate",
    auth=auth,
    response=CertificateOut,
    summary="人员继续教育证书及各年度登记",
    description="用人单位、行业主管部门、人社局查看其范围内人员的证书；范围外的人员 404。",
)
def person_certificate(request, person_id: int):
    return _out(request, selectors.person_of(request.auth, person_id))


@router.get(
    "me/credentials/{year}",
    auth=auth,
    response={200: None},
    openapi_extra=binary_answer("年度学时凭证（Open Badges 3.0，VC-JWT）", MEDIA_TYPE),
    summary="本人年度学时电子凭证（VC-JWT）",
    description="签发本人该年度的 OpenBadgeCredential（W3C VC 2.0，EdDSA 签名），每次调用签发一份新的凭证。"
    "公钥见 /.well-known/jwks.json 与 /.well-known/did.json；撤销状态见凭证的 credentialStatus。",
)
def my_credential(request, year: int):
    issued = services.issue_year_credential(
        request.auth, year=year, host=request.get_host(), base_url=base_url(request)
    )
    return credential_response(issued)
