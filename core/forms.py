"""Bridging domain errors into Django forms so a refused form keeps its input and marks fields;
the base of every form, which refuses control characters in any text field."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, ProhibitNullCharactersValidator
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.schemas import INT64_MAX
from core.text import has_forbidden_characters


def apply_domain_error(form: forms.Form, exc: DomainError) -> None:
    placed = False
    for error in exc.errors:
        field = error.get("field")
        if field in form.fields:
            form.add_error(field, error["message"])
            placed = True
    if not placed:
        form.add_error(None, exc.detail)


@deconstructible
class TextCharactersValidator:
    """Django refuses NUL in a CharField; this refuses every control character but tab and
    line breaks, naming the field (lone surrogates cannot arrive in a form: the body is
    decoded with replacement)."""

    def __init__(self, label: str):
        self.label = label

    def __call__(self, value):
        if isinstance(value, str) and has_forbidden_characters(value):
            raise ValidationError(
                _("%(field)s含有不允许的控制字符。") % {"field": self.label}, code="control_characters"
            )

    def __eq__(self, other):
        return isinstance(other, TextCharactersValidator) and other.label == self.label


class SafeInputMixin:
    """Every text field refuses control characters; every integer field stays within what the
    database stores (SQLite cannot bind a larger one)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.CharField):
                label = str(field.label or name)
                field.validators = [
                    v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)
                ] + [TextCharactersValidator(label)]
            elif isinstance(field, forms.IntegerField):
                if field.max_value is None:
                    field.validators.append(MaxValueValidator(INT64_MAX))
                if field.min_value is None:
                    field.validators.append(MinValueValidator(-INT64_MAX))


class Form(SafeInputMixin, forms.Form):
    pass
