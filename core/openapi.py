"""The OpenAPI document as a client generator needs it: operationIds that read as verbs, the §5
error format on every error answer an operation can give, and content types for files.

Error answers are added centrally rather than on each route, so a new route cannot forget them:
which codes an operation can answer follows from what it has (authentication, path parameters,
a body, a method that changes state).
"""

from __future__ import annotations

from ninja import NinjaAPI, Schema

# First words that already read as an action; other names get their HTTP method in front
# (`my_progress` → `get_my_progress`).
VERBS = frozenset(
    [
        "accept",
        "batch",
        "confirm",
        "create",
        "decide",
        "delete",
        "download",
        "export",
        "get",
        "import",
        "list",
        "obtain",
        "register",
        "rerun",
        "reject",
        "return",
        "review",
        "revoke",
        "rotate",
        "submit",
        "update",
        "upload",
    ]
)


class FieldErrorOut(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    """DESIGN §5: every refusal names what is wrong, field by field where a field is to blame."""

    detail: str
    errors: list[FieldErrorOut] = []


ERROR_ANSWERS = {
    401: "未登录或令牌无效（Authorization: Bearer <令牌>）",
    403: "无权办理此事项",
    404: "对象不存在或不在本人权限范围内",
    409: "对象当前状态不允许此操作",
    413: "请求内容过大",
    422: "输入有误：errors 逐项列出字段与原因",
    429: "请求过于频繁，请按 Retry-After 头稍后再试",
    500: "服务器内部错误（已记录，可凭请求编号查询）",
}
_CHANGES_STATE = {"post", "put", "patch", "delete"}
_ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}


def binary_answer(description: str, *media_types: str) -> dict:
    """`openapi_extra` for a route that answers a file instead of JSON."""
    content = {m: {"schema": {"type": "string", "format": "binary"}} for m in media_types}
    return {"responses": {200: {"description": description, "content": content}}}


def also_answers(*codes: int) -> dict:
    """`openapi_extra` for a route with error answers its shape does not imply (a token
    request without authentication still answers 401 for a wrong password)."""
    return {"responses": {code: _error_answer(code) for code in codes}}


def error_codes(method: str, operation: dict) -> list[int]:
    codes = [422, 500]
    if operation.get("security"):
        codes += [401, 403]
    if any(p.get("in") == "path" for p in operation.get("parameters", [])):
        codes.append(404)
    if method in _CHANGES_STATE:
        codes += [409, 429]
    if "requestBody" in operation:
        codes.append(413)
    return sorted(set(codes))


def _error_schemas() -> dict:
    schema = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
    return {**schema.pop("$defs", {}), "ErrorOut": schema}


def _error_answer(code: int) -> dict:
    return {"description": ERROR_ANSWERS[code], "content": {"application/json": {"schema": _ERROR_REF}}}


class PlatformAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        name = operation.view_func.__name__
        if name.split("_", 1)[0] in VERBS:
            return name
        return f"{operation.methods[0].lower()}_{name}"

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema.setdefault("components", {}).setdefault("schemas", {}).update(_error_schemas())
        for operations in schema["paths"].values():
            for method, operation in operations.items():
                answers = operation.setdefault("responses", {})
                for code in error_codes(method, operation):
                    answers.setdefault(code, _error_answer(code))
        return schema


def enum_of(choices, *extra: str) -> dict:
    """`json_schema_extra` naming the values of a choice field (a model's TextChoices): the
    schema documents them while the services keep giving their field messages for bad ones."""
    return {"enum": [*choices.values, *extra]}
