"""The `|day` filter writes a day as the Django date filter "Y年n月j日" did: an instant by its
day in Shanghai, nothing as nothing."""

import datetime as dt

import pytest
from django.template import Context, Template

from core.dates import SHANGHAI

UTC = dt.UTC


@pytest.mark.parametrize(
    "value",
    [
        dt.date(2025, 12, 31),
        dt.date(2026, 1, 5),
        dt.datetime(2025, 12, 31, 15, 59, tzinfo=UTC),  # 23:59 in Shanghai
        dt.datetime(2025, 12, 31, 16, 0, tzinfo=UTC),  # already 1 January in Shanghai
        dt.datetime(2026, 3, 1, 0, 30, tzinfo=SHANGHAI),
        None,
        "",
    ],
)
def test_the_day_filter_writes_what_the_date_filter_did(value):
    context = Context({"value": value})
    django = Template('{{ value|date:"Y年n月j日" }}').render(context)
    assert Template("{% load web_ui %}{{ value|day }}").render(context) == django


def test_a_missing_day_still_falls_back_to_the_default():
    template = Template('{% load web_ui %}{{ value|day|default:"—" }}')
    assert template.render(Context({"value": None})) == "—"
