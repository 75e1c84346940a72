"""What every API router shares: bearer authentication, role checks, the error format."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from core import crypto
from core.actors import Actor
from core.errors import DomainError, Forbidden, status_of
from core.schemas import INT64_MAX
from core.sizes import format_megabytes
from core.text import has_forbidden_characters

logger = logging.getLogger("core.api")

# Chinese names of API fields, used to name the field in validation messages.
FIELD_LABELS: dict[str, str] = {
    "username": "用户名",
    "password": "密码",
    "name": "姓名",
    "id_number": "身份证号码",
    "phone": "手机号码",
    "unit_id": "工作单位",
    "profession": "职称系列",
    "reason": "原因",
    "start": "起始日期",
    "days": "工作日天数",
    "year": "年度",
    "category": "科目类别",
    "method": "学习方式",
    "title": "学习内容",
    "organizer": "举办单位",
    "hours": "学时",
    "started_on": "开始日期",
    "ended_on": "结束日期",
    "plan_item_id": "培训计划项目",
    "decision": "审核结果",
    "comment": "审核意见",
    "items": "记录列表",
    "external_id": "平台记录号",
    "course": "课程",
    "completed_on": "完成日期",
    "file": "文件",
    "state": "状态",
    "q": "关键词",
    # credits (学时申报、审核、平台推送)
    "evidence": "证明材料",
    "unit": "工作单位",
    "ids": "申报编号",
    "years": "年度",
    "on": "核验日期",
    "plan_item": "培训计划项目",
    "rows": "到课名单",
    # filings (培训计划申报表, 网络学习平台备案登记表)
    "project": "培训项目",
    "audience": "培训对象及人数",
    "starts_on": "开班时间",
    "teachers": "培训师资",
    "mode": "培训方式",
    "venue": "办班地点",
    "funding": "经费来源",
    "remark": "备注",
    "contact_name": "联系人",
    "contact_phone": "电话",
    "filer_opinion": "申报单位（基地）意见",
    "site_name": "网站名称",
    "host_org": "主办单位",
    "icp_number": "网站备案号",
    "domain": "域名",
    "url": "网址",
    "offers_public": "培训内容：公需科目",
    "offers_professional": "培训内容：专业科目",
    "fee_payer": "收费主体",
    "fee_standard": "收费标准",
    "fee_approval": "批准部门及文号",
    "manager_name": "网站运行管理负责人",
    "manager_phone": "负责人联系电话",
    "tech_org": "技术支持单位名称",
    "tech_mobile": "客服手机",
    "tech_office_phone": "客服办公电话",
    "base_opinion": "申报单位（基地）意见",
    "opinion": "行业主管单位意见",
    "organisation_id": "申报单位",
    "kind": "备案类型",
    "format": "导出格式",
    "page": "页码",
    "page_size": "每页条数",
}

_MESSAGES = {
    "missing": "必须填写。",
    "string_type": "应为文本。",
    "int_parsing": "应为整数。",
    "int_type": "应为整数。",
    "int_from_float": "应为整数。",
    "float_parsing": "应为数字。",
    "float_type": "应为数字。",
    "decimal_parsing": "应为数字。",
    "decimal_type": "应为数字。",
    "decimal_max_places": "最多保留 {decimal_places} 位小数。",
    "date_parsing": "日期格式应为 YYYY-MM-DD。",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD。",
    "date_from_datetime_inexact": "日期格式应为 YYYY-MM-DD。",
    "date_type": "日期格式应为 YYYY-MM-DD。",
    "greater_than": "应大于 {gt}。",
    "greater_than_equal": "不能小于 {ge}。",
    "less_than": "应小于 {lt}。",
    "less_than_equal": "不能大于 {le}。",
    "string_too_short": "不能为空。",
    "string_too_long": "不能超过 {max_length} 个字符。",
    "too_long": "最多 {max_length} 条。",
    "too_short": "至少 {min_length} 条。",
    "literal_error": "取值应为 {expected}。",
    "enum": "取值应为 {expected}。",
    "json_invalid": "请求内容不是有效的 JSON。",
    "model_attributes_type": "请求内容格式不正确。",
    "dict_type": "请求内容格式不正确。",
    "list_type": "应为列表。",
    "bool_parsing": "应为是或否（true/false）。",
    "value_error": "{error}",
    "text_forbidden": "含有不允许的控制字符。",
    "int_out_of_range": "数值超出允许范围。",
}

_LOC_NOISE = {"body", "query", "path", "form", "file", "payload", "data", "header"}


def _field_of(loc) -> str:
    parts = [str(p) for p in loc if str(p) not in _LOC_NOISE]
    return ".".join(parts) or "__all__"


def translate_errors(errors: list[dict]) -> list[dict]:
    """Pydantic's English errors → [{field, message}] in Chinese, naming the field."""
    result = []
    for error in errors:
        field = _field_of(error.get("loc", ()))
        ctx = {k: v for k, v in (error.get("ctx") or {}).items()}
        template = _MESSAGES.get(error.get("type", ""), "输入不正确。")
        try:
            message = template.format(**ctx)
        except (KeyError, IndexError):
            message = "输入不正确。"
        result.append({"field": field, "message": f"{_label(field)}：{message}"})
    return result


def _label(field: str) -> str:
    leaf = field.split(".")[-1]
    return FIELD_LABELS.get(leaf, leaf if not leaf.isdigit() else field)


def forbidden_input_errors(values: list[tuple[str, str]]) -> list[dict]:
    """[{field, message}] for the (name, text) pairs holding a control character or a lone
    surrogate (path, query and form parameters; JSON bodies are checked by core.schemas)."""
    message = _MESSAGES["text_forbidden"]
    return [
        {"field": name, "message": f"{_label(name)}：{message}"}
        for name, value in values
        if has_forbidden_characters(name) or has_forbidden_characters(value)
    ]


HTTP_STATUS_DETAILS = {
    400: "请求内容无法解析：请发送有效的 JSON（Content-Type: application/json）。",
    401: "未登录或令牌已失效，请重新获取令牌。",
    403: "无权执行此操作。",
    404: "接口不存在，请查看接口文档 /api/v1/docs。",
    405: "该接口不支持此请求方法。",
    413: "请求内容过大：超过 %(limit)s MB 的上限（见接口文档）。",
    429: "请求过于频繁，请稍后再试。",
    500: "服务器内部错误，请稍后再试；如需联系管理员，请提供请求编号 %(id)s。",
}


def error_body(detail: str, errors: list[dict] | None = None) -> dict:
    return {"detail": detail, "errors": errors or []}


def install_error_handlers(api) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request, exc: DomainError):
        return api.create_response(request, error_body(exc.detail, exc.errors), status=status_of(exc))

    @api.exception_handler(NinjaValidationError)
    def validation_error(request, exc: NinjaValidationError):
        errors = translate_errors(exc.errors)
        return api.create_response(
            request, error_body(errors[0]["message"] if errors else "输入有误。", errors), status=422
        )

    @api.exception_handler(AuthenticationError)
    def authentication_error(request, exc):
        return api.create_response(request, error_body(_("未登录或令牌已失效，请重新获取令牌。")), status=401)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, error_body(_("未找到该对象。")), status=404)

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        # Only django-ninja itself raises HttpError (our code raises DomainError): its English
        # texts are replaced by the Chinese one for the status.
        return api.create_response(
            request, error_body(status_detail(request, exc.status_code)), status=exc.status_code
        )

    @api.exception_handler(SuspiciousOperation)
    def suspicious(request, exc):
        # Django's own refusals of a request (too many fields, a malformed multipart body).
        return api.create_response(request, error_body(status_detail(request, 400)), status=400)

    @api.exception_handler(RequestDataTooBig)
    def too_big(request, exc):
        return api.create_response(request, error_body(status_detail(request, 413)), status=413)

    @api.exception_handler(OverflowError)
    def overflow(request, exc):
        # SQLite cannot bind an integer beyond 64 bits. In the path it names no object; in the
        # query it is a bad parameter (bodies are checked before, by core.schemas).
        kwargs = request.resolver_match.kwargs if request.resolver_match else {}
        if any(_oversized(v) for v in kwargs.values()):
            return api.create_response(request, error_body(_("未找到该对象。")), status=404)
        errors = [
            {"field": k, "message": f"{_label(k)}：{_MESSAGES['int_out_of_range']}"}
            for k, v in request.GET.items()
            if _oversized(v)
        ] or [{"field": "__all__", "message": _MESSAGES["int_out_of_range"]}]
        return api.create_response(request, error_body(errors[0]["message"], errors), status=422)

    @api.exception_handler(Exception)
    def unexpected(request, exc):
        request_id = getattr(request, "request_id", "-")
        logger.error(
            "Unhandled %s in %s %s (request %s)",
            type(exc).__name__,
            request.method,
            request.path,
            request_id,
            exc_info=exc,
        )
        response = api.create_response(request, error_body(status_detail(request, 500)), status=500)
        response._has_been_logged = True  # logged above, with the traceback and the id
        return response


def status_detail(request, status: int) -> str:
    """The Chinese detail for an answer with this status, with the request id and body limit."""
    detail = HTTP_STATUS_DETAILS.get(status, _("请求无法处理。"))
    limit = format_megabytes(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    return detail % {"id": getattr(request, "request_id", "-"), "limit": limit}


def _oversized(value) -> bool:
    text = str(value).strip().lstrip("+-")
    return text.isdigit() and int(text) > INT64_MAX


class BearerAuth(HttpBearer):
    """A person or staff token from POST auth/token; request.auth becomes the Actor.

    `deferred=True` is for an endpoint that checks the token in its own statement (one round
    trip for the whole request: `me/progress`): request.auth is then only the token's hash,
    and the endpoint answers 401 (`Unauthenticated`) when it is not a live token."""

    def __init__(self, deferred: bool = False):
        super().__init__()
        self.deferred = deferred

    def authenticate(self, request, token: str) -> Actor | str | None:
        if self.deferred:
            return crypto.token_hash(token)
        return import_string(settings.CE_TOKEN_ACTOR)(token)


def require_role(actor: Actor, *roles: str) -> Actor:
    if not actor.is_role(*roles):
        raise Forbidden(_("当前身份无权使用此接口。"))
    return actor
