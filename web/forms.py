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
