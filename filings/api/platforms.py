"""Platform filings: the registration form, the opinion and the decision (with the platform's
first API key), the form's export, and the platform's credentials."""

from __future__ import annotations

from typing import Literal

from ninja import Status

from core.actors import Role
from core.api import require_role
from core.media import DOCX, PDF
from core.openapi import binary_answer
from filings import exports, selectors, services
from filings.api.common import PAGE_SIZE, credential_out, download, paginate, platform_fields, router, staff
from filings.api.schemas import (
    AcceptedPlatformOut,
    CredentialOut,
    IssuedCredentialOut,
    OpinionIn,
    PlatformIn,
    PlatformOut,
    PlatformPage,
    PlatformUpdateIn,
    ReasonIn,
)


@router.get("filings/platforms", response=PlatformPage, summary="网络学习平台备案列表（按权限范围）")
def list_platforms(
    request, year: int | None = None, state: str = "", page: int = 1, page_size: int = PAGE_SIZE
):
    actor = staff(request)
    qs = selectors.platform_filings(actor, selectors.FilingFilter(year=year, state=state))
    rows, count = paginate(qs.select_related("opinion_authority", "late_exception"), page, page_size)
    return PlatformPage(items=[PlatformOut(**platform_fields(f)) for f in rows], count=count)


@router.post("filings/platforms", response={201: PlatformOut}, summary="新建网络学习平台备案（草稿）")
def create_platform(request, payload: PlatformIn):
    actor = staff(request)
    filing = services.create_platform_filing(actor, filing=services.PlatformInput(**payload.dict()))
    return Status(201, PlatformOut(**platform_fields(selectors.get_platform_filing(actor, filing.pk))))


@router.get("filings/platforms/{filing_id}", response=PlatformOut, summary="网络学习平台备案详情")
def get_platform(request, filing_id: int):
    return PlatformOut(**platform_fields(selectors.get_platform_filing(staff(request), filing_id)))


@router.put("filings/platforms/{filing_id}", response=PlatformOut, summary="修改平台备案（草稿或已退回）")
def update_platform(request, filing_id: int, payload: PlatformUpdateIn):
    actor = staff(request)
    services.update_platform_filing(
        actor, filing_id=filing_id, change=services.PlatformChange(**payload.dict())
    )
    return PlatformOut(**platform_fields(selectors.get_platform_filing(actor, filing_id)))


@router.post("filings/platforms/{filing_id}/submit", response=PlatformOut, summary="提交平台备案")
def submit_platform(request, filing_id: int):
    actor = staff(request)
    services.submit_platform_filing(actor, filing_id=filing_id)
    return PlatformOut(**platform_fields(selectors.get_platform_filing(actor, filing_id)))


@router.post("filings/platforms/{filing_id}/opinion", response=PlatformOut, summary="行业主管单位意见")
def platform_opinion(request, filing_id: int, payload: OpinionIn):
    actor = require_role(request.auth, Role.AUTHORITY)
    services.give_opinion(
        actor,
        kind="platform",
        filing_id=filing_id,
        opinion=payload.opinion,
        agree=payload.decision == "agree",
    )
    return PlatformOut(**platform_fields(selectors.get_platform_filing(actor, filing_id)))


@router.post(
    "filings/platforms/{filing_id}/accept",
    response=AcceptedPlatformOut,
    summary="备案（人社局）：签发平台接口密钥",
    description="答复中的 token 只显示这一次；系统只保存其散列值。",
)
def accept_platform(request, filing_id: int):
    actor = require_role(request.auth, Role.BUREAU)
    filing, token = services.accept_platform_filing(actor, filing_id=filing_id)
    return AcceptedPlatformOut(
        **platform_fields(selectors.get_platform_filing(actor, filing.pk)), token=token
    )


@router.post("filings/platforms/{filing_id}/return", response=PlatformOut, summary="退回（人社局，须填原因）")
def return_platform(request, filing_id: int, payload: ReasonIn):
    actor = require_role(request.auth, Role.BUREAU)
    services.return_filing(actor, kind="platform", filing_id=filing_id, reason=payload.reason)
    return PlatformOut(**platform_fields(selectors.get_platform_filing(actor, filing_id)))


@router.get(
    "filings/platforms/{filing_id}/export",
    summary="导出网络学习平台备案登记表（docx、pdf）",
    openapi_extra=binary_answer("网络学习平台备案登记表", DOCX, PDF),
)
def export_platform(request, filing_id: int, format: Literal["docx", "pdf"] = "docx"):
    filing = selectors.get_platform_filing(staff(request), filing_id)
    return download(*exports.export_platform(filing, format))


@router.get(
    "filings/platforms/{filing_id}/credentials",
    response=list[CredentialOut],
    summary="平台接口密钥（不含密钥本身）",
)
def list_credentials(request, filing_id: int):
    return [credential_out(c) for c in selectors.credentials_of(staff(request), filing_id)]


@router.post(
    "filings/platforms/{filing_id}/credentials/rotate",
    response={201: IssuedCredentialOut},
    summary="轮换平台接口密钥：签发新密钥并吊销旧密钥",
)
def rotate_credential(request, filing_id: int):
    credential, token = services.rotate_credential(staff(request), filing_id=filing_id)
    return Status(201, credential_out(credential, token))


@router.post("filings/credentials/{credential_id}/revoke", response=CredentialOut, summary="吊销平台接口密钥")
def revoke_credential(request, credential_id: int):
    return credential_out(services.revoke_credential(staff(request), credential_id=credential_id))
