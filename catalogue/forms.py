"""Forms of the bureau's catalogue pages: one kind's figures, its evidence slots and levels."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from catalogue.models import ActivityType, EvidenceSlot, ItemLevel
from catalogue.services import TYPE_FIELDS, ActivityTypeInput, LevelInput, SlotInput
from core.forms import Form


class ActivityTypeForm(forms.ModelForm):
    class Meta:
        model = ActivityType
        fields = ["code", *TYPE_FIELDS]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        error_messages = {
            "code": {
                "required": _("代码：必须填写。"),
                "invalid": _("代码：只能用小写字母、数字、下划线和连字符。"),
            },
            "name": {"required": _("名称：必须填写。")},
            "number": {"required": _("类别序号：必须填写。")},
        }

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["code"].disabled = True

    def validate_unique(self):
        """The service says when a code is taken (the year is not a field of this form)."""


class SlotForm(Form):
    code = forms.SlugField(label=_("代码"), max_length=30)
    name = forms.CharField(label=_("材料名称"), max_length=60)
    required = forms.BooleanField(label=_("必须上传"), required=False)
    help = forms.CharField(label=_("说明"), max_length=200, required=False)


class LevelForm(Form):
    code = forms.SlugField(label=_("代码"), max_length=30)
    name = forms.CharField(label=_("名称"), max_length=60)
    hours = forms.DecimalField(
        label=_("每项学时"),
        max_digits=5,
        decimal_places=1,
        min_value=0.1,
        required=False,
        help_text=_("空 = 由审核人员认定"),
    )


SlotFormSet = forms.formset_factory(SlotForm, extra=2, can_delete=True)
LevelFormSet = forms.formset_factory(LevelForm, extra=1, can_delete=True)


def activity_type_input(form: ActivityTypeForm, slots, levels) -> ActivityTypeInput:
    return ActivityTypeInput(
        **form.cleaned_data,
        slots=tuple(SlotInput(**row) for row in rows_of(slots)),
        levels=tuple(LevelInput(**row) for row in rows_of(levels)),
    )


def rows_of(formset) -> list[dict]:
    """The rows kept (unchanged ones included; blank extra rows and ticked 删除 left out)."""
    return [
        {k: v for k, v in f.cleaned_data.items() if k != "DELETE"}
        for f in formset.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]


def initial_slots(kind: ActivityType | None) -> list[dict]:
    if kind is None:
        return []
    return [
        {"code": s.code, "name": s.name, "required": s.required, "help": s.help}
        for s in EvidenceSlot.objects.filter(activity_type=kind)
    ]


def initial_levels(kind: ActivityType | None) -> list[dict]:
    if kind is None:
        return []
    return [
        {"code": lv.code, "name": lv.name, "hours": lv.hours}
        for lv in ItemLevel.objects.filter(activity_type=kind)
    ]
