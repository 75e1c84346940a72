"""Domain errors carrying Chinese messages tied to a field, shared by API and web."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class DomainError(Exception):
    """A refused request: `errors` is a list of {field, message}; status is the HTTP code."""

    status = 422

    def __init__(self, detail: str, errors: list[dict] | None = None, status: int | None = None):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []
        if status is not None:
            self.status = status

    @classmethod
    def field(cls, field: str, message: str, status: int | None = None) -> DomainError:
        return cls(message, [{"field": field, "message": message}], status=status)

    @classmethod
    def from_validation_error(cls, exc: ValidationError, default_field: str = "__all__") -> DomainError:
        errors = []
        if hasattr(exc, "error_dict"):
            for field, field_errors in exc.message_dict.items():
                errors += [{"field": field, "message": m} for m in field_errors]
        else:
            errors = [{"field": default_field, "message": m} for m in exc.messages]
        detail = errors[0]["message"] if errors else "输入有误。"
        return cls(detail, errors)


class Unauthenticated(DomainError):
    """No live token: the API's 401 (the answer of a failed `BearerAuth`)."""

    status = 401

    def __init__(self, detail: str = "未登录或令牌已失效，请重新获取令牌。"):
        super().__init__(detail)


class NotFound(DomainError):
    status = 404

    def __init__(self, detail: str = "未找到该对象。"):
        super().__init__(detail)


class Forbidden(DomainError):
    status = 403

    def __init__(self, detail: str = "无权执行此操作。"):
        super().__init__(detail)


class Conflict(DomainError):
    status = 409
