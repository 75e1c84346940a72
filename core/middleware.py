from django.core.exceptions import PermissionDenied
from django.http import Http404

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
