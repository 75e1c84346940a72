"""The filings API's input and answer schemas (their class names are the OpenAPI components)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field

from core.openapi import enum_of
from core.schemas import Schema
from filings.models import FilingException, FilingState
from policy.models import Category


class OrgRef(Schema):
    id: int
    name: str


class PlanItemIn(Schema):
    project: str = Field(..., description="培训项目")
    audience: str = Field(..., description="培训对象及人数")
    starts_on: dt.date = Field(..., description="开班时间 YYYY-MM-DD")
    hours: float = Field(..., description="培训学时数")
    teachers: str = Field("", description="培训师资")
    mode: str = Field(..., description="培训方式")
    venue: str = Field(..., description="办班地点")
    funding: str = Field("", description="经费来源")
    remark: str = Field("", description="备注")
    category: Literal["public", "professional"] = Field("professional", description="科目类别")


class PlanItemOut(Schema):
    id: int
    seq: int
    project: str
    audience: str
    starts_on: dt.date
    hours: float
    teachers: str
    mode: str
    venue: str
    funding: str
    remark: str
    category: str = Field(json_schema_extra=enum_of(Category))


class PlanIn(Schema):
    year: int
    contact_name: str = Field("", description="联系人")
    contact_phone: str = Field("", description="电话")
    filer_opinion: str = Field("", description="申报单位（基地）意见")
    items: list[PlanItemIn] = Field(default_factory=list, description="培训项目（表格各行）")


class PlanUpdateIn(Schema):
    year: int | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    filer_opinion: str | None = None
    items: list[PlanItemIn] | None = Field(None, description="给出则替换全部行")


class FilingCommon(Schema):
    id: int
    year: int
    state: str = Field(json_schema_extra=enum_of(FilingState))
    state_label: str
    filer: OrgRef
    bureau: OrgRef | None = Field(..., description="受理备案的人社局")
    submitted_at: dt.datetime | None
    decided_at: dt.datetime | None
    return_reason: str
    authority_opinion: str
    authority_opinion_at: dt.datetime | None
    opinion_authority: OrgRef | None
    late: bool = Field(..., description="逾期提交（依逾期特批）")
    late_reason: str


class PlanOut(FilingCommon):
    declared_on: dt.date | None
    contact_name: str
    contact_phone: str
    filer_opinion: str
    items: list[PlanItemOut]


class PlatformIn(Schema):
    year: int
    site_name: str = Field(..., description="网站名称")
    host_org: str = Field(..., description="主办单位")
    icp_number: str = Field(..., description="网站备案号（ICP）")
    domain: str = Field(..., description="域名")
    url: str = Field(..., description="网址")
    offers_public: bool = Field(False, description="培训内容：公需科目")
    offers_professional: bool = Field(False, description="培训内容：专业科目")
    fee_payer: str = Field("", description="收费主体")
    fee_standard: str = Field("", description="收费标准")
    fee_approval: str = Field("", description="批准部门及文号")
    manager_name: str = Field("", description="网站运行管理负责人")
    manager_phone: str = Field("", description="负责人联系电话")
    tech_org: str = Field("", description="技术支持单位名称")
    tech_mobile: str = Field("", description="客服手机")
    tech_office_phone: str = Field("", description="客服办公电话")
    base_opinion: str = Field("", description="申报单位（基地）意见")


class PlatformUpdateIn(Schema):
    year: int | None = None
    site_name: str | None = None
    host_org: str | None = None
    icp_number: str | None = None
    domain: str | None = None
    url: str | None = None
    offers_public: bool | None = None
    offers_professional: bool | None = None
    fee_payer: str | None = None
    fee_standard: str | None = None
    fee_approval: str | None = None
    manager_name: str | None = None
    manager_phone: str | None = None
    tech_org: str | None = None
    tech_mobile: str | None = None
    tech_office_phone: str | None = None
    base_opinion: str | None = None


class PlatformOut(FilingCommon):
    site_name: str
    host_org: str
    icp_number: str
    domain: str
    url: str
    offers_public: bool
    offers_professional: bool
    fee_payer: str
    fee_standard: str
    fee_approval: str
    manager_name: str
    manager_phone: str
    tech_org: str
    tech_mobile: str
    tech_office_phone: str
    base_opinion: str
    platform_id: int | None


class AcceptedPlatformOut(PlatformOut):
    token: str = Field(..., description="平台接口密钥，仅此一次显示")


class OpinionIn(Schema):
    decision: Literal["agree", "return"] = Field("agree", description="agree 同意报送；return 退回")
    opinion: str = Field(..., description="行业主管单位意见")


class ReasonIn(Schema):
    reason: str = Field(..., description="退回原因")


class InboxRowOut(Schema):
    kind: str = Field(json_schema_extra=enum_of(FilingException.Kind))
    id: int
    year: int
    title: str
    filer: OrgRef
    state: str = Field(json_schema_extra=enum_of(FilingState))
    state_label: str
    submitted_at: dt.datetime | None
    late: bool


class InboxPage(Schema):
    items: list[InboxRowOut]
    count: int


class PlanPage(Schema):
    items: list[PlanOut]
    count: int


class PlatformPage(Schema):
    items: list[PlatformOut]
    count: int


class ExceptionIn(Schema):
    organisation_id: int
    year: int
    kind: Literal["plan", "platform"]
    reason: str


class ExceptionOut(Schema):
    id: int
    organisation: OrgRef
    year: int
    kind: str = Field(json_schema_extra=enum_of(FilingException.Kind))
    reason: str
    granted_by: str
    granted_at: dt.datetime


class MissingOut(Schema):
    id: int
    name: str
    kind: str
    region: str


class LateMissingOut(Schema):
    year: int
    deadline: dt.date | None
    late: list[InboxRowOut]
    exceptions: list[ExceptionOut]
    missing: list[MissingOut]


class CredentialOut(Schema):
    id: int
    year: int
    key_prefix: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None
    live: bool


class IssuedCredentialOut(CredentialOut):
    token: str = Field(..., description="平台接口密钥，仅此一次显示；系统只保存其散列值")


class ImportRowErrorOut(Schema):
    row: int | None = Field(None, description="行号（表格中的行）；整个文件的错误为空")
    field: str
    message: str


class ImportJobOut(Schema):
    """An import job (读取在后台进行): poll `GET filings/import-jobs/{id}` until `state` is
    `done` or `failed`."""

    id: int
    kind: Literal["plan_items", "attendance"]
    state: Literal["queued", "running", "done", "failed"]
    stage: str = Field(..., description="reading 正在读取文件 | writing 正在写入 | 空")
    done: int = Field(..., description="已读行数")
    total: int | None = Field(None, description="行数（据文件声明，仅作进度估计）")
    percent: int
    file_name: str
    result: dict = Field(
        ..., description="完成后：导入的行数（items）或 rows、credited、duplicates、upload_id"
    )
    detail: str = Field(..., description="失败原因")
    errors: list[ImportRowErrorOut] = Field(..., description="逐行错误（最多保留 2000 条）")
    retryable: bool = Field(..., description="中断的任务（文件仍保留）可以重新运行")
    created_at: dt.datetime
    finished_at: dt.datetime | None


class PlanImportOut(PlanOut):
    import_job: ImportJobOut


class AcceptedItemOut(Schema):
    id: int
    plan_id: int
    year: int
    filer: OrgRef
    seq: int
    project: str
    starts_on: dt.date
    hours: float
    category: str = Field(json_schema_extra=enum_of(Category))
    plan_accepted: bool
