"""Domain errors carrying Chinese messages tied to a field, shared by API and web.

`DomainError` is the common base of sibling kinds, each with a stable `code`: `Invalid`
(a field's value is refused), `NotFound`, `Forbidden`, `Conflict` (the object's state forbids
it now), `Unauthenticated`, `Throttled`. Their HTTP statuses live in `STATUS` alone, read by
`status_of` for the API's answers; pages map NotFound and Forbidden in
core.middleware.DomainErrorMiddleware.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError


class DomainError(Exception):
    """A refused request: `detail` says why, `errors` is a list of {field, message}.

    Abstract: raise one of the kinds below. Catch the base only where every refusal is
    handled alike (a batch that reports each item's fate)."""

    code: str
    default_detail = "请求无法处理。"

    def __init__(self, detail: str | None = None, errors: list[dict] | None = None):
        detail = self.default_detail if detail is None else detail
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []


class Invalid(DomainError):
    """Refused input: each bad field with its message."""

    code = "invalid"
    default_detail = "输入有误。"

    @classmethod
    def field(cls, field: str, message: str) -> Invalid:
        return cls(message, [{"field": field, "message": message}])

    @classmethod
    def from_validation_error(cls, exc: ValidationError, default_field: str = "__all__") -> Invalid:
        errors = []
        if hasattr(exc, "error_dict"):
            for field, field_errors in exc.message_dict.items():
                errors += [{"field": field, "message": m} for m in field_errors]
        else:
            errors = [{"field": default_field, "message": m} for m in exc.messages]
        detail = errors[0]["message"] if errors else cls.default_detail
        return cls(detail, errors)


class Unauthenticated(DomainError):
    """No live token or wrong credentials: the API's 401 (the answer of a failed `BearerAuth`)."""

    code = "unauthenticated"
    default_detail = "未登录或令牌已失效，请重新获取令牌。"


class NotFound(DomainError):
    code = "not_found"
    default_detail = "未找到该对象。"


class Forbidden(DomainError):
    code = "forbidden"
    default_detail = "无权执行此操作。"


class Conflict(DomainError):
    code = "conflict"


class Throttled(DomainError):
    """Too many attempts in a short time (repeated login failures)."""

    code = "throttled"
    default_detail = "请求过于频繁，请稍后再试。"


# The one place a kind of refusal becomes an HTTP status.
STATUS: dict[type[DomainError], int] = {
    Invalid: 422,
    Unauthenticated: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    Throttled: 429,
}


def status_of(exc: DomainError) -> int:
    """The HTTP status of a refusal, by its kind (a subclass answers as its kind)."""
    for kind in type(exc).__mro__:
        if kind in STATUS:
            return STATUS[kind]
    raise TypeError(f"{type(exc).__name__} is not one of the kinds in core.errors.STATUS")
