"""A statistic's cell in a page (supervision.cells.format_cell)."""

from django import template

from supervision.cells import format_cell

register = template.Library()


@register.simple_tag
def cell(values, column) -> str:
    return format_cell((values or {}).get(column.key), column.kind)
