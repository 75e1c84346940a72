"""Forms of the credit-hour pages. They check presence and shape; the rules (dates, the year's
deadline, hours per day, plan items) are checked by credits.services, whose Chinese messages
are placed on the same fields."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.forms import Form
from core.hours import format_hours
from core.sizes import format_megabytes
from credits.rules import recognition
from credits.services import DeclarationChange, DeclarationInput
from policy.models import Category, Method

METHOD_HELP = {
    Method.TRAINING: (
        _(
            "参加继续教育基地、用人单位或主管部门举办的培训班、研修班、学术会议。须选择已备案的培训计划项目，未备案培训的学时不予认可。"
        ),
        _("结业证书或培训证明、签到记录。"),
    ),
    Method.PRACTICE: (
        _("参加技术实践、项目攻关、挂职锻炼等实践活动。"),
        _("单位出具的实践证明（写明时间、内容和学时）或实践报告。"),
    ),
    Method.GRASSROOTS: (
        _("到基层单位开展技术服务、支教、支医、支农等。"),
        _("派出单位和服务单位出具的服务证明。"),
    ),
    Method.ONLINE: (
        _("在学习入口以外的平台在线学习。（学习入口的已备案平台学时自动计入，无需申报。）"),
        _("学习平台出具的学时证明或学习记录截图。"),
    ),
    Method.SELF_STUDY: (
        _("经业务主管部门批准、并通过考核的自学。"),
        _("主管部门的批准文件和考核结果。"),
    ),
}


def method_help() -> list[dict]:
    return [
        {"value": value, "label": label, "what": METHOD_HELP[value][0], "evidence": METHOD_HELP[value][1]}
        for value, label in Method.choices
    ]


def _required(label: str) -> dict:
    return {"required": _("%(label)s：必须填写。") % {"label": label}}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class DeclarationForm(Form):
    category = forms.ChoiceField(
        label=_("科目类别"),
        choices=Category.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={**_required(_("科目类别")), "invalid_choice": _("科目类别：请从列表中选择。")},
    )
    method = forms.ChoiceField(
        label=_("学习方式"),
        choices=Method.choices,
        widget=forms.RadioSelect,
        error_messages={**_required(_("学习方式")), "invalid_choice": _("学习方式：请从列表中选择。")},
    )
    plan_item_id = forms.TypedChoiceField(
        label=_("培训计划项目（研修培训必选）"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_(
            "列出已备案和正在备案的培训计划中的项目。计划尚未备案的，学时暂不予认可，计划备案后自动进入审核；"
            "找不到所参加的培训，说明其未申报备案，学时不予认可。"
        ),
        error_messages={"invalid_choice": _("培训计划项目：请从列表中选择。")},
    )
    title = forms.CharField(
        label=_("学习内容"),
        error_messages=_required(_("学习内容")),
        widget=forms.TextInput(attrs={"maxlength": 200, "placeholder": _("如：BIM 技术应用研修班")}),
    )
    organizer = forms.CharField(
        label=_("举办单位"),
        error_messages=_required(_("举办单位")),
        widget=forms.TextInput(attrs={"maxlength": 120}),
    )
    started_on = forms.CharField(
        label=_("开始日期"),
        error_messages=_required(_("开始日期")),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    ended_on = forms.CharField(
        label=_("结束日期"),
        error_messages=_required(_("结束日期")),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("学时计入结束日期所在的年度；当年学时须在当年 12 月 31 日前申报。"),
    )
    hours = forms.CharField(
        label=_("申报学时"),
        error_messages=_required(_("申报学时")),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "12 或 12.5"}),
    )
    file = MultipleFileField(
        label=_("证明材料"),
        required=False,
    )

    # Files kept from a refused submit of this form (PendingEvidence ids; ticked = attach them).
    pending_evidence = forms.TypedMultipleChoiceField(label=_("已选择的证明材料"), coerce=int, required=False)

    # The catalogue's kind (继续教育方式目录): chosen before the form, sent back hidden.
    activity_type = forms.CharField(required=False, widget=forms.HiddenInput)
    item_level = forms.ChoiceField(
        label=_("项目级别"),
        required=False,
        error_messages={"invalid_choice": _("项目级别：请从列表中选择。")},
    )
    item_count = forms.CharField(
        label=_("项目数量"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "1"}),
        help_text=_("如发表论文的篇数、获得专利的件数。"),
    )

    SERVICE_FIELDS = ("category", "method", "title", "organizer", "hours", "started_on", "ended_on")
    SLOT_PREFIX = "file_"

    def __init__(self, *args, plan_items=(), activity_type=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Read at each form: the limit is a setting (EVIDENCE_MAX_BYTES), not a figure of the text.
        self.fields["file"].help_text = _(
            "PDF、JPG 或 PNG，每个不超过 %(mb)s MB，可一次选择多个文件。提交审核前至少上传一份。"
        ) % {"mb": format_megabytes(settings.EVIDENCE_MAX_BYTES)}
        self.kind = activity_type
        self.slot_names = []
        if activity_type is not None:
            self._follow_catalogue(activity_type)
        choices = [("", _("（不选择：非研修培训）"))]
        choices += [
            (
                item.pk,
                f"{item.plan.year} · {item.plan.filer.name} · {item.seq}. {item.project}"
                f"（{item.get_category_display()}，{format_hours(item.hours)} 学时）"
                + ("" if recognition.plan_is_filed(item.plan) else str(_("〔计划备案中〕"))),
            )
            for item in plan_items
        ]
        self.fields["plan_item_id"].choices = choices
        # The service attaches only the person's own held files; any id may be sent back.
        self.fields["pending_evidence"].valid_value = lambda value: True
        self.pending = []  # PendingEvidence the page lists (filled when a submit is refused)

    def _follow_catalogue(self, kind) -> None:
        """The kind decides the method, the default category, the levels, and one file field
        per evidence item it asks for."""
        self.fields["method"].required = False
        self.initial.setdefault("category", kind.category)
        self.initial["activity_type"] = kind.code
        levels = list(kind.levels.all())
        self.fields["item_level"].choices = [("", _("（请选择）"))] + [(lv.code, lv.name) for lv in levels]
        if kind.hour_rule == "per_item" and any(lv.hours is not None for lv in levels):
            self.fields["hours"].required = False
            self.fields["hours"].help_text = _("所选级别每项学时固定的，可不填，按级别和数量计算。")
        for slot in kind.slots.all():
            name = f"{self.SLOT_PREFIX}{slot.code}"
            self.fields[name] = MultipleFileField(
                label=slot.name,
                required=False,
                help_text=" ".join(
                    str(t) for t in (_("必须上传。") if slot.required else _("可选。"), slot.help) if t
                ),
            )
            self.fields[name].slot = slot
            self.slot_names.append(name)
        self.fields["file"].label = _("其他材料（可选）")
        self.fields["file"].help_text = _("PDF、JPG 或 PNG，每个不超过 %(mb)s MB。") % {
            "mb": format_megabytes(settings.EVIDENCE_MAX_BYTES)
        }

    @property
    def slot_fields(self):
        return [self[name] for name in self.slot_names]

    def uploads(self) -> list[tuple[str, list]]:
        """(slot code, files) for every file field, the unslotted one (other material) last."""
        rows = [(self.fields[n].slot.code, self.cleaned_data.get(n) or []) for n in self.slot_names]
        return [*rows, ("", self.cleaned_data.get("file") or [])]

    def declaration(self) -> DeclarationInput:
        return DeclarationInput(**self._service_data())

    def change(self) -> DeclarationChange:
        """Every field of the form: the page always sends the whole declaration."""
        return DeclarationChange(**self._service_data())

    def _service_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.SERVICE_FIELDS}
        data["plan_item_id"] = self.cleaned_data.get("plan_item_id")
        if self.kind is not None:
            data["activity_type"] = self.kind.code
            data["method"] = None
            data["item_level"] = self.cleaned_data.get("item_level") or ""
            data["item_count"] = self.cleaned_data.get("item_count") or None
            data["hours"] = self.cleaned_data.get("hours") or None
        else:
            data["activity_type"] = None
        return data


class ReviewForm(Form):
    decision = forms.ChoiceField(
        label=_("审核结果"),
        choices=[("approve", _("通过")), ("return", _("退回修改")), ("reject", _("不通过"))],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("审核结果：请选择通过、退回修改或不通过。"),
            "invalid_choice": _("审核结果：请选择通过、退回修改或不通过。"),
        },
    )
    comment = forms.CharField(
        label=_("审核意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 300}),
        help_text=_("不通过或退回修改时必须填写：写明原因或需要修改什么。"),
    )


class BatchApproveForm(Form):
    ids = forms.TypedMultipleChoiceField(
        label=_("申报"), coerce=int, error_messages={"required": _("申报：请至少勾选一条申报。")}
    )
    comment = forms.CharField(label=_("审核意见"), required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any number is accepted here; the service checks each id against the actor's queue.
        self.fields["ids"].valid_value = lambda value: True


class ReadinessForm(Form):
    on_date = forms.DateField(
        label=_("职称申报日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("职称申报日期：格式应为 YYYY-MM-DD。")},
    )
    years = forms.TypedMultipleChoiceField(
        label=_("核验年度"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, year_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["years"].choices = [(y, f"{y} 年度") for y in year_choices]
