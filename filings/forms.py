"""Web forms of the filings pages. They only shape input; the services validate and decide."""

from __future__ import annotations

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from core.forms import Form
from filings.models import FilingException, FilingState
from filings.rules import ITEM_REQUIRED
from policy.models import Category, PolicyYear


def year_choices():
    return [(y, f"{y} 年度") for y in PolicyYear.objects.order_by("-year").values_list("year", flat=True)]


class YearField(forms.TypedChoiceField):
    def __init__(self, **kwargs):
        super().__init__(coerce=int, choices=year_choices, **kwargs)


class PlanForm(Form):
    year = YearField(label=_("申报年度"))
    contact_name = forms.CharField(label=_("联系人"), max_length=30, required=False)
    contact_phone = forms.CharField(
        label=_("电话"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("手机号或固定电话，如 0398-2850937"),
    )
    filer_opinion = forms.CharField(
        label=_("申报单位（基地）意见"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("提交前必须填写；打印件上加盖公章。"),
    )


class PlanItemForm(Form):
    project = forms.CharField(label=_("培训项目"), max_length=120, required=False)
    audience = forms.CharField(label=_("培训对象及人数"), max_length=120, required=False)
    starts_on = forms.DateField(
        label=_("开班时间"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("开班时间：格式应为 YYYY-MM-DD。")},
    )
    hours = forms.DecimalField(
        label=_("培训学时数"),
        required=False,
        max_digits=5,
        decimal_places=1,
        min_value=0,
        error_messages={
            "invalid": _("培训学时数：应为数字，最多保留一位小数。"),
            "min_value": _("培训学时数：不能小于 0。"),
            "max_digits": _("培训学时数：数值过大。"),
            "max_whole_digits": _("培训学时数：数值过大。"),
            "max_decimal_places": _("培训学时数：最多保留一位小数。"),
        },
    )
    teachers = forms.CharField(label=_("培训师资"), max_length=120, required=False)
    mode = forms.CharField(label=_("培训方式"), max_length=60, required=False)
    venue = forms.CharField(label=_("办班地点"), max_length=120, required=False)
    funding = forms.CharField(label=_("经费来源"), max_length=60, required=False)
    remark = forms.CharField(label=_("备注"), max_length=200, required=False)
    category = forms.ChoiceField(
        label=_("科目类别"), choices=Category.choices, initial=Category.PROFESSIONAL, required=False
    )

    # A blank row is skipped, so no field is required by the form; these are required of a row
    # that is filled in (filings.rules.ITEM_REQUIRED), and the page marks them.
    REQUIRED_IN_A_ROW = ITEM_REQUIRED

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return not any(data.get(k) for k in self.REQUIRED_IN_A_ROW)


PlanItemFormSet = formset_factory(PlanItemForm, extra=2, can_delete=True, max_num=500, absolute_max=600)


class UploadForm(Form):
    file = forms.FileField(
        label=_("Excel 文件（.xlsx）"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )


class PlatformForm(Form):
    year = YearField(label=_("备案年度"))
    site_name = forms.CharField(label=_("网站名称"), max_length=100)
    host_org = forms.CharField(label=_("主办单位"), max_length=100)
    icp_number = forms.CharField(
        label=_("网站备案号"), max_length=40, help_text=_("如 豫ICP备2025000001号 或 豫ICP备12345678号-1")
    )
    domain = forms.CharField(label=_("域名"), max_length=100, help_text=_("如 www.example.cn"))
    url = forms.CharField(label=_("网址"), max_length=200, help_text=_("如 https://www.example.cn/"))
    offers_public = forms.BooleanField(label=_("培训内容：公需科目"), required=False)
    offers_professional = forms.BooleanField(label=_("培训内容：专业科目"), required=False)
    fee_payer = forms.CharField(label=_("收费主体"), max_length=100)
    fee_standard = forms.CharField(label=_("收费标准"), max_length=200, help_text=_("免费的请填写“免费”"))
    fee_approval = forms.CharField(label=_("批准部门及文号"), max_length=200, required=False)
    manager_name = forms.CharField(label=_("网站运行管理负责人"), max_length=30)
    manager_phone = forms.CharField(
        label=_("负责人联系电话"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    tech_org = forms.CharField(label=_("技术支持单位名称"), max_length=100)
    tech_mobile = forms.CharField(
        label=_("技术支持客服手机"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    tech_office_phone = forms.CharField(
        label=_("技术支持客服办公电话"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    base_opinion = forms.CharField(
        label=_("申报单位（基地）意见"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("提交前必须填写；打印件上加盖公章。"),
    )


class OpinionForm(Form):
    decision = forms.ChoiceField(
        label=_("意见结论"),
        choices=[("agree", _("同意，报送人社局")), ("return", _("退回申报单位修改"))],
        initial="agree",
        widget=forms.RadioSelect,
    )
    opinion = forms.CharField(
        label=_("行业主管单位意见"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReturnForm(Form):
    reason = forms.CharField(
        label=_("退回原因"), min_length=2, max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )


class ExceptionForm(Form):
    organisation = forms.ModelChoiceField(label=_("申报单位"), queryset=None)
    year = YearField(label=_("年度"))
    kind = forms.ChoiceField(label=_("备案类型"), choices=FilingException.Kind.choices)
    reason = forms.CharField(
        label=_("特批原因"), min_length=2, max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class InboxFilterForm(Form):
    kind = forms.ChoiceField(
        label=_("备案类型"),
        required=False,
        choices=[("", _("全部")), ("plan", _("培训计划")), ("platform", _("网络学习平台"))],
    )
    state = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("待我办理")), ("all", _("全部状态")), *FilingState.choices],
    )
    year = forms.TypedChoiceField(label=_("年度"), required=False, coerce=int, empty_value=None, choices=())
    q = forms.CharField(label=_("申报单位名称"), required=False, max_length=60)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("全部年度")), *year_choices()]


class ListFilterForm(Form):
    year = forms.TypedChoiceField(label=_("年度"), required=False, coerce=int, empty_value=None, choices=())
    state = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *FilingState.choices]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("全部年度")), *year_choices()]
