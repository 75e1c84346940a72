"""Every page and API answer carries the security headers; no page runs inline script; the API
docs load nothing from another host; TLS mode adds HSTS and Secure cookies."""

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client, override_settings

from tests import factories
from tests.credits.helpers import declare
from web import nav

pytestmark = pytest.mark.django_db

PUBLIC = ["/", "/bases/", "/learn/", "/accounts/login/", "/accounts/register/", "/api/v1/docs"]


class _Scripts(HTMLParser):
    """Inline scripts, event-handler attributes and javascript: links of a page."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:>")
        self._in_inline_script = (
            tag == "script" and "src" not in attrs and attrs.get("type") != "application/json"
        )

    def handle_data(self, data):
        if self._in_inline_script and data.strip():
            self.found.append(f"<script>{data.strip()[:40]}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_inline_script = False


def inline_scripts(html: str) -> list[str]:
    parser = _Scripts()
    parser.feed(html)
    return parser.found


def assert_security_headers(response, where):
    csp = response.get("Content-Security-Policy", "")
    directives = dict(d.strip().partition(" ")[::2] for d in csp.split(";") if d.strip())
    assert directives.get("script-src") == "'self'", (where, csp)
    assert directives.get("style-src") == "'self'", (where, csp)
    assert directives.get("object-src") == "'none'" and directives.get("base-uri") == "'none'", (where, csp)
    assert directives.get("frame-ancestors") == "'self'", (where, csp)
    assert response.get("Referrer-Policy") == "same-origin", where
    assert "camera=()" in response.get("Permissions-Policy", ""), where
    assert response.get("X-Content-Type-Options") == "nosniff", where


def pages_of_each_role(world):
    factories.person(world.unit, confirmed=False, name="王待确认")
    declare(world.person)
    users = world.user_of_each_role()
    anonymous = Client()
    for path in PUBLIC:
        yield "anonymous", path, anonymous.get(path)
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        for item in nav.items_for(role, "/"):
            yield role, item.url, client.get(item.url)
    admin = Client()
    admin.force_login(world.bureau_user)
    yield "bureau", "/admin/", admin.get("/admin/")


def test_every_page_of_every_role_has_the_headers_and_no_inline_script(world, today):
    visited = 0
    for role, path, response in pages_of_each_role(world):
        assert response.status_code == 200, (role, path, response.status_code)
        assert_security_headers(response, (role, path))
        assert inline_scripts(response.content.decode()) == [], (role, path)
        visited += 1
    assert visited > 30


@pytest.mark.parametrize(
    "method, path", [("get", "/api/v1/health"), ("get", "/api/v1/me/progress"), ("get", "/api/v1/no-such")]
)
def test_api_answers_and_errors_have_the_headers(method, path):
    assert_security_headers(getattr(Client(), method)(path), path)


def test_api_docs_are_served_from_our_static_files(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<meta charset="utf-8">' in html
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls and all(u.startswith(settings.STATIC_URL) for u in urls), urls
    assert "//" not in "".join(urls)
    swagger = json.loads(re.search(r'id="swagger-settings">(.*?)</script>', html, re.S).group(1))
    assert swagger["url"] == "/api/v1/openapi.json" and swagger["validatorUrl"] is None
    for url in urls:
        assert finders.find(url.removeprefix(settings.STATIC_URL)), url


def test_tls_mode_sends_hsts_and_secure_cookies():
    env = {**os.environ, "SECURE_COOKIES": "1", "DJANGO_SETTINGS_MODULE": "config.settings_test"}
    env.pop("HSTS_SECONDS", None)
    probe = (
        "from django.conf import settings as s; print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER)"
    )
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {probe}"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.split() == ["31536000", "True", "True", "('HTTP_X_FORWARDED_PROTO',", "'https')"]


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
def test_behind_a_tls_proxy_pages_carry_hsts(client):
    response = client.get("/", HTTP_X_FORWARDED_PROTO="https")
    assert response["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in client.get("/")
