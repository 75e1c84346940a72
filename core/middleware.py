import re
import uuid

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpResponseBadRequest, JsonResponse

from core import logs
from core.api import HTTP_STATUS_DETAILS, error_body, forbidden_input_errors, status_detail
from core.errors import DomainError, status_of

# A caller's own id is kept if it is short and plain (a proxy's or a platform's trace id);
# anything else would let a caller write arbitrary text into our log lines.
_CALLER_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    """Every request gets an id: the caller's X-Request-ID if plain, else a new one. It is in
    every log line written while the request runs and in the answer's X-Request-ID header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request.request_id = given if _CALLER_ID.match(given) else uuid.uuid4().hex
        token = logs.request_id.set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            logs.request_id.reset(token)
        response["X-Request-ID"] = request.request_id
        return response


class InputCharactersMiddleware:
    """No control character or lone surrogate reaches a view through the URL (path and query)
    or, under /api/, through form fields: the database would refuse NUL and surrogates with a
    500. Web forms' own fields are checked by core.forms, which names them on the page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        values = [(k, v) for k, v in view_kwargs.items() if isinstance(v, str)]
        values += [(k, v) for k, vs in request.GET.lists() for v in vs]
        api = request.path.startswith("/api/")
        if api and request.method == "POST" and request.content_type in _FORM_TYPES:
            try:
                values += [(k, v) for k, vs in request.POST.lists() for v in vs]
            except RequestDataTooBig:
                return _json(error_body(status_detail(request, 413)), 413)
        errors = forbidden_input_errors(values)
        if not errors:
            return None
        if api:
            return _json(error_body(errors[0]["message"], errors), 422)
        return HttpResponseBadRequest(errors[0]["message"], content_type="text/plain; charset=utf-8")


_FORM_TYPES = {"multipart/form-data", "application/x-www-form-urlencoded"}


def _json(body: dict, status: int) -> JsonResponse:
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


class DomainErrorMiddleware:
    """Pages: an object outside the actor's scope is a plain 404, a wrong role a 403 (the
    statuses of core.errors). Views catch only the refusals they show on the page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DomainError):
            status = status_of(exception)
            if status == 404:
                raise Http404(exception.detail)
            if status == 403:
                raise PermissionDenied(exception.detail)
        if isinstance(exception, OverflowError):
            # A number in the URL beyond 64 bits (SQLite cannot even bind it): no such object.
            raise Http404(str(exception))
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
            body = error_body(status_detail(request, response.status_code))
            replacement = JsonResponse(
                body, status=response.status_code, json_dumps_params={"ensure_ascii": False}
            )
            if response.has_header("Allow"):
                replacement["Allow"] = response["Allow"]
            return replacement
        return response
