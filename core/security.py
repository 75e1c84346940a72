"""Response headers and request rate limits that every page and endpoint shares.

The rate limits reuse django-ninja's throttles (a sliding window kept in the Django cache:
Redis in production, so the limit holds across web processes); a refused API request answers
429 in the §5 error format with Retry-After, set by django-ninja.
"""

from __future__ import annotations

import math
import threading
import time

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import SimpleRateThrottle


class PermissionsPolicyMiddleware:
    """No page of the platform needs a camera, a microphone, a location or payments."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class ConfiguredRateThrottle(SimpleRateThrottle):
    """A throttle whose rate is `settings.CE_RATE_LIMITS[scope]`, read at each request so that
    an operator's setting (and a test's override) applies without re-importing the API; an
    empty rate switches the limit off.

    django-ninja keeps one throttle object per endpoint and its base class stores the request's
    key and history on it, which threads of one worker would overwrite for each other; here the
    only per-request state (the wait) is thread-local. Two requests racing at the very limit may
    both pass: the limit is a brake on floods, not an exact quota."""

    def __init__(self, scope: str):
        self.scope = scope
        self._local = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        self._local.wait = None
        rate = settings.CE_RATE_LIMITS.get(self.scope) or None
        key = self.get_cache_key(request) if rate else None
        if key is None:
            return True
        limit, window = self.parse_rate(rate)
        now = time.time()
        history = [t for t in self.cache.get(key, []) if t > now - window]
        if len(history) >= limit:
            self._local.wait = window - (now - history[-1])
            return False
        self.cache.set(key, [now, *history], window)
        return True

    def wait(self) -> float | None:
        return self._local.wait

    def retry_after(self) -> int:
        """Whole seconds until the oldest counted request leaves the window (RFC 9110)."""
        return max(1, math.ceil(self._local.wait or 0))


class ClientRateThrottle(ConfiguredRateThrottle):
    """Per client address (NINJA_NUM_PROXIES says how many proxies' X-Forwarded-For to trust)."""

    def get_cache_key(self, request: HttpRequest) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class PlatformRateThrottle(ConfiguredRateThrottle):
    """Per learning platform: all keys of one platform (rotation, several years) share a limit."""

    def get_cache_key(self, request: HttpRequest) -> str | None:
        credential = getattr(request, "auth", None)
        if credential is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": credential.platform_id}
