"""Every link on every page a role reaches from its home and menu leads somewhere: no empty or
bare-"#" href, and every platform path resolves and answers without an error."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from tests import factories
from tests.credits.helpers import declare
from web import nav

pytestmark = pytest.mark.django_db

# Following these would change state or leave the page (logout is a POST form, not a link).
NOT_FOLLOWED = ("/accounts/logout/", "/admin/", "/api/v1/")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href"))


def links_of(html: str) -> list[str | None]:
    parser = _Links()
    parser.feed(html)
    return parser.hrefs


def broken_links(client: Client, start: list[str]) -> list[str]:
    """Visit the start pages and every platform page they link to; name what is broken."""
    problems, seen, queue = [], set(), [(path, "menu") for path in start]
    while queue:
        path, found_on = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code >= 400:
            problems.append(f"{path} (linked from {found_on}) answers {response.status_code}")
            continue
        if "text/html" not in response.get("Content-Type", "") or found_on != "menu":
            continue
        for href in links_of(response.content.decode()):
            target = urlsplit(href or "")
            if not href or href == "#":
                problems.append(f"{path} has a link with href={href!r}")
            elif target.scheme or target.netloc or not target.path:
                continue
            elif not target.path.startswith(NOT_FOLLOWED):
                try:
                    resolve(target.path)
                except Resolver404:
                    problems.append(f"{path} links to {href}, which does not exist")
                    continue
                queue.append((href, path))
    return problems


@pytest.mark.parametrize("role", ["person", "unit", "authority", "base", "bureau"])
def test_every_link_a_role_can_reach_leads_somewhere(role, world, today):
    factories.person(world.unit, confirmed=False, name="王待确认")
    declare(world.person)
    users = world.user_of_each_role()
    client = Client()
    client.force_login(users[role])
    start = [item.url for item in nav.items_for(role, "/")]
    assert broken_links(client, start) == []


def test_public_pages_link_somewhere(client, today):
    assert broken_links(client, ["/", "/accounts/login/", "/accounts/register/"]) == []
