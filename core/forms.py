"""Bridging domain errors into Django forms so a refused form keeps its input and marks fields."""

from django import forms

from core.errors import DomainError


def apply_domain_error(form: forms.Form, exc: DomainError) -> None:
    placed = False
    for error in exc.errors:
        field = error.get("field")
        if field in form.fields:
            form.add_error(field, error["message"])
            placed = True
    if not placed:
        form.add_error(None, exc.detail)
