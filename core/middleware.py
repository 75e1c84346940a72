from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse

from core.api import HTTP_STATUS_DETAILS, error_body
from core.errors import Forbidden, NotFound


class DomainErrorMiddleware:
    """Pages: an object outside the actor's scope is a plain 404, a wrong role a 403."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, NotFound):
            raise Http404(exception.detail)
        if isinstance(exception, Forbidden):
            raise PermissionDenied(exception.detail)
        return None


class ApiErrorFormatMiddleware:
    """Answers under /api/ are JSON in the §5 error format even when Django itself answers
    (an unknown path, a method the endpoint does not take)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code in HTTP_STATUS_DETAILS
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            body = error_body(HTTP_STATUS_DETAILS[response.status_code])
            replacement = JsonResponse(
                body, status=response.status_code, json_dumps_params={"ensure_ascii": False}
            )
            if response.has_header("Allow"):
                replacement["Allow"] = response["Allow"]
            return replacement
        return response
