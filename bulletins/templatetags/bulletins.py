"""Notices and help lines on every page: the unread count of the identity bar, the footer's
contacts, and the notice list of the homes."""

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from bulletins import selectors

register = template.Library()

HOME_LIMIT = 6


@register.simple_tag(takes_context=True)
def notice_unread_count(context) -> int:
    request = context.get("request")
    return selectors.unread_count(getattr(request, "actor", None))


@register.inclusion_tag("bulletins/_footer_contacts.html")
def help_contacts():
    return {"contacts": selectors.contacts()}


@register.inclusion_tag("bulletins/_home_notices.html", takes_context=True)
def home_notices(context):
    """The newest notices for whoever looks (pinned first): public ones for a visitor, those
    addressed to the role and region for a logged-in user, with their unread marks."""
    request = context.get("request")
    actor = getattr(request, "actor", None)
    notices = list(selectors.notices_for(actor)[:HOME_LIMIT])
    return {"notices": notices, "logged_in": actor is not None, "request": request}


# An http(s) address: ASCII only, so that it ends where Chinese text (or a full-width
# parenthesis) begins — Django's urlize only finds addresses between spaces.
_URL = re.compile(r"https?://[A-Za-z0-9\-._~:/?#\[\]@!$&'*+,;=%]+")


@register.filter
def plain_text(text: str) -> str:
    """Plain text as HTML: a blank line starts a paragraph, a line break is kept, http(s)
    addresses become links; everything else is escaped."""
    paragraphs = re.split(r"\n\s*\n", str(text or "").replace("\r\n", "\n").strip())
    return mark_safe("".join(f"<p>{_lines(p)}</p>" for p in paragraphs if p.strip()))


def _lines(paragraph: str) -> str:
    return "<br>".join(_linked(line) for line in paragraph.split("\n"))


def _linked(line: str) -> str:
    out, last = [], 0
    for match in _URL.finditer(line):
        url = match.group(0).rstrip(".,;:!?'")
        end = match.start() + len(url)
        out.append(escape(line[last : match.start()]))
        out.append(f'<a href="{escape(url)}" rel="nofollow noopener">{escape(url)}</a>')
        last = end
    out.append(escape(line[last:]))
    return "".join(out)
