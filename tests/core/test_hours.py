"""Hours print one way everywhere: 24, not 24.0; 12.5 stays (core.hours.format_hours)."""

from decimal import Decimal

import pytest
from django.template import Context, Template

from core.hours import format_hours


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("24.0"), "24"),
        (24, "24"),
        (24.0, "24"),
        ("24.00", "24"),
        (Decimal("12.5"), "12.5"),
        (12.5, "12.5"),
        (Decimal("0.0"), "0"),
        (Decimal("-0.0"), "0"),
        (None, "0"),
        ("", "0"),
        (Decimal("9999.9"), "9999.9"),
        (Decimal("12.25"), "12.3"),  # a sum never has two decimals; if it did, round half up
    ],
)
def test_format_hours(value, text):
    assert format_hours(value) == text


def test_the_template_filter_is_the_same_formatter():
    template = Template("{% load web_ui %}{{ a|hours }}/{{ b|hours }}")
    assert template.render(Context({"a": Decimal("24.0"), "b": Decimal("12.5")})) == "24/12.5"
