"""Reports in the API: the printable record of a year (继续教育学时证明) as a PDF.

The person's own record takes the year in its path: a GET path without path parameters answers
text (JSON) everywhere in this API.
"""

from __future__ import annotations

from django.urls import reverse
from ninja import Router

from core.api import BearerAuth
from core.media import PDF
from core.openapi import binary_answer
from policy import selectors as policy_selectors
from reports import services
from reports.views import pdf_response

router = Router(tags=["学时证明"])
auth = BearerAuth()


def _verify_url(request):
    return lambda code: request.build_absolute_uri(reverse("reports:verify", args=[code]))


@router.get(
    "me/record/{year}.pdf",
    auth=auth,
    response={200: None},
    openapi_extra=binary_answer("年度学时证明", PDF),
    summary="本人年度学时证明（PDF，含核验码）",
    description="专业技术人员本人，任一年度。每次调用出具一份新的证明（新的核验码），身份证号码隐藏中间位数。",
)
def my_record(request, year: int):
    return pdf_response(services.issue_record(request.auth, year=year, verify_url=_verify_url(request)))


@router.get(
    "persons/{person_id}/record.pdf",
    auth=auth,
    response={200: None},
    openapi_extra=binary_answer("年度学时证明", PDF),
    summary="人员年度学时证明（PDF，含核验码）",
    description="用人单位、行业主管部门、人社局（本人也可）为其范围内的人员出具；范围外的人员 404。"
    "year 缺省为本年度。",
)
def person_record(request, person_id: int, year: int | None = None):
    year = year or policy_selectors.today().year
    return pdf_response(
        services.issue_record(request.auth, year=year, person_id=person_id, verify_url=_verify_url(request))
    )
