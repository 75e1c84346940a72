"""HTTP of the xAPI Statements resource (`/xapi/statements`, `/xapi/about`): the version
header, the platform's key (Bearer, or Basic with the key as password), and answers in the
§5 error format."""

from __future__ import annotations

import base64
import binascii
import json

from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from core.security import PlatformRateThrottle
from credits import xapi
from filings import selectors as filing_selectors

# The same per-platform limit as the JSON push: one door's budget is not a way round the other's.
WRITE_THROTTLE = PlatformRateThrottle("platform_push")


def _answer(data=None, status: int = 200) -> HttpResponse:
    response = HttpResponse(status=status) if data is None else JsonResponse(data, status=status, safe=False)
    response["X-Experience-API-Version"] = xapi.VERSION
    return response


def _error(status: int, message: str) -> HttpResponse:
    return _answer({"detail": message, "errors": []}, status)


def _credential(request):
    header = request.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() == "bearer":
        return filing_selectors.credential_for_token(value.strip())
    if scheme.lower() == "basic":
        try:
            _user, _colon, key = base64.b64decode(value.strip()).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return filing_selectors.credential_for_token(key)
    return None


def about(request):
    return _answer({"version": [xapi.VERSION]})


@csrf_exempt
def statements(request):
    if not request.headers.get("X-Experience-API-Version", "").startswith("1.0"):
        return _error(400, _("请求头 X-Experience-API-Version 应为 1.0.3。"))
    credential = _credential(request)
    if credential is None:
        response = _error(401, _("未提供有效的学习平台密钥。"))
        response["WWW-Authenticate"] = 'Basic realm="xapi"'
        return response
    try:
        if request.method == "GET":
            return _get(request, credential)
        if request.method in ("POST", "PUT"):
            request.auth = credential
            if not WRITE_THROTTLE.allow_request(request):
                response = _error(429, _("请求过于频繁，请稍后再试。"))
                response["Retry-After"] = str(WRITE_THROTTLE.retry_after())
                return response
            return _write(request, credential)
    except xapi.XapiError as exc:
        return _error(exc.status, exc.message)
    return _error(405, _("该接口不支持此请求方法。"))


def _get(request, credential):
    if "statementId" in request.GET:
        return _answer(xapi.get_statement(credential, request.GET["statementId"]))
    if "voidedStatementId" in request.GET:
        return _answer(xapi.get_statement(credential, request.GET["voidedStatementId"], voided=True))
    try:
        limit = int(request.GET.get("limit", "100"))
    except ValueError:
        limit = 100
    return _answer({"statements": xapi.recent_statements(credential, limit), "more": ""})


def _write(request, credential):
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return _error(400, _("请求内容不是有效的 JSON。"))
    if request.method == "PUT":
        statement_id = request.GET.get("statementId")
        if not statement_id or not isinstance(body, dict):
            return _error(400, _("PUT 需要查询参数 statementId 和一条语句。"))
        if "id" in body and str(body["id"]) != statement_id:
            return _error(400, _("语句 id 与 statementId 不一致。"))
        xapi.store_statements(credential, [body], ids=[statement_id])
        return _answer(status=204)
    statements_ = body if isinstance(body, list) else [body]
    return _answer(xapi.store_statements(credential, statements_))
