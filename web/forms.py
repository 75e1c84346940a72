import datetime as dt
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import Form

_SEPARATORS = re.compile(r"[\s,，、;；]+")


def parse_dates(text: str, label: str) -> list[dt.date]:
    """Dates typed one per line (or separated by commas); each bad one is named."""
    days, bad = [], []
    for token in _SEPARATORS.split(text or ""):
        if not token:
            continue
        try:
            days.append(dt.date.fromisoformat(token.replace("/", "-").replace(".", "-")))
        except ValueError:
            bad.append(token)
    if bad:
        raise forms.ValidationError(
            _("%(label)s：“%(bad)s”不是有效日期，请按 YYYY-MM-DD 填写，每行一个。")
            % {"label": label, "bad": "”“".join(bad[:5])}
        )
    return sorted(set(days))


class CalendarYearForm(Form):
    holidays = forms.CharField(
        label=_("放假的工作日（周一至周五）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "placeholder": "2027-01-01\n2027-02-08"}),
        help_text=_("按国务院办公厅放假通知，填写落在周一至周五的放假日期，每行一个，格式 YYYY-MM-DD。"),
    )
    make_up_days = forms.CharField(
        label=_("调休上班的周末"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": "2027-02-06"}),
        help_text=_("需要上班的周六、周日，每行一个。"),
    )
    note = forms.CharField(
        label=_("依据"),
        max_length=200,
        required=False,
        help_text=_("如：国办发明电〔2026〕X号"),
    )

    def clean_holidays(self):
        return parse_dates(self.cleaned_data["holidays"], _("放假的工作日"))

    def clean_make_up_days(self):
        return parse_dates(self.cleaned_data["make_up_days"], _("调休上班的周末"))


class PeopleSearchForm(Form):
    q = forms.CharField(label=_("姓名、账号、手机号或身份证号码"), required=False, max_length=30)


class MemberFilterForm(Form):
    STATE_CHOICES = [
        ("pending", _("待确认")),
        ("confirmed", _("已确认")),
        ("rejected", _("未予确认")),
    ]
    state = forms.ChoiceField(label=_("状态"), choices=STATE_CHOICES, required=False)
    q = forms.CharField(label=_("姓名或账号"), required=False, max_length=30)


class RegionalFiguresForm(Form):
    """A city's own figures of a year; a figure the province does not let cities set is shown
    disabled, a blank one means the province's."""

    plan_filing_deadline = forms.DateField(
        label=_("本市培训计划及平台备案截止日"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("当日 23:59:59（北京时间）截止；留空则按全省日期。"),
    )
    review_sla_working_days = forms.IntegerField(
        label=_("本市每级审核时限（工作日）"),
        required=False,
        min_value=1,
        max_value=60,
        help_text=_("用人单位、行业主管部门各级审核的时限；留空则按全省时限。"),
    )

    def __init__(self, *args, allowed: set[str], **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name not in allowed:
                field.disabled = True
                field.help_text = _("本年度由省人社厅统一规定，各市不能另定。")
