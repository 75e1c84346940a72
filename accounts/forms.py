from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.services import login_name_to_username
from core.forms import Form, SafeInputMixin
from organisations.selectors import units
from policy.selectors import professions


class LoginForm(SafeInputMixin, AuthenticationForm):
    username = forms.CharField(
        label=_("账号或身份证号码"),
        max_length=60,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )

    error_messages = {
        "invalid_login": _("账号或密码错误。"),
        "inactive": _("该账号已停用。"),
    }

    def clean(self):
        if self.cleaned_data.get("username"):
            self.cleaned_data["username"] = login_name_to_username(self.cleaned_data["username"])
        return super().clean()


class RegistrationForm(Form):
    name = forms.CharField(label=_("姓名"), max_length=30)
    # Room for the spaces and dashes people type between groups (core.idnumber.normalise).
    id_number = forms.CharField(
        label=_("身份证号码"),
        max_length=24,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    phone = forms.CharField(
        label=_("手机号码"),
        max_length=11,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    unit_id = forms.ModelChoiceField(label=_("工作单位"), queryset=units(), empty_label=_("请选择"))
    profession = forms.ChoiceField(label=_("职称系列"))
    password = forms.CharField(
        label=_("密码"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("至少8位，须同时包含字母和数字。"),
    )
    password2 = forms.CharField(
        label=_("确认密码"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["profession"].choices = [("", _("请选择"))] + [(p.code, p.name) for p in professions()]

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", _("两次输入的密码不一致。"))
        # Every rule the registration service applies, checked now on what was typed, so that
        # a wrong check digit, a fake phone and a weak password show up together with the rest.
        raw = self.data
        unit = str(raw.get("unit_id", ""))
        typed = services.Registration(
            name=raw.get("name", ""),
            id_number=raw.get("id_number", ""),
            phone=raw.get("phone", ""),
            password=raw.get("password", ""),
            unit_id=int(unit) if unit.isdigit() else None,
            profession=raw.get("profession", ""),
        )
        for problem in services.registration_problems(typed):
            field = problem["field"]
            if field in self.fields and field not in self.errors:
                self.add_error(field, problem["message"])
        return data


class ReasonForm(Form):
    reason = forms.CharField(
        label=_("不予确认的原因"),
        max_length=200,
        error_messages={
            "required": _("原因：不予确认时必须填写原因。"),
            "max_length": _("原因：不能超过200个字。"),
        },
        widget=forms.TextInput(attrs={"placeholder": _("如：非本单位在职人员")}),
    )


class PasswordChangeForm(Form):
    old_password = forms.CharField(
        label=_("原密码（或一次性密码）"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("原密码：请填写原密码。")},
    )
    new_password = forms.CharField(
        label=_("新密码"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("至少8位，须同时包含字母和数字。"),
        error_messages={"required": _("新密码：请填写新密码。")},
    )
    new_password2 = forms.CharField(
        label=_("再次输入新密码"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("再次输入新密码：请再输入一次新密码。")},
    )

    def clean(self):
        data = super().clean()
        if data.get("new_password") and data.get("new_password2") not in (None, data["new_password"]):
            self.add_error("new_password2", _("再次输入新密码：两次输入的新密码不一致。"))
        return data


class UnitChangeForm(Form):
    unit_id = forms.ModelChoiceField(
        label=_("工作单位"),
        queryset=units(),
        empty_label=_("请选择"),
        error_messages={
            "required": _("工作单位：请选择工作单位。"),
            "invalid_choice": _("工作单位：所选单位不存在，请从单位列表中选择。"),
        },
    )


class NameCorrectionForm(Form):
    name = forms.CharField(
        label=_("身份证上的姓名"),
        max_length=30,
        error_messages={
            "required": _("姓名：请填写身份证上的姓名。"),
            "max_length": _("姓名：不能超过30个字符。"),
        },
    )
    reason = forms.CharField(
        label=_("更正原因"),
        max_length=200,
        error_messages={
            "required": _("更正原因：必须填写（如：核对身份证原件）。"),
            "max_length": _("更正原因：不能超过200个字符。"),
        },
        widget=forms.TextInput(attrs={"placeholder": _("如：核对身份证原件，原登记有误")}),
    )


class RecoveryRequestForm(Form):
    login = forms.CharField(
        label=_("账号或身份证号码"),
        max_length=40,
        error_messages={"required": _("账号或身份证号码：必须填写。")},
    )
    phone = forms.CharField(
        label=_("注册时填写的手机号码"),
        max_length=11,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
        error_messages={"required": _("手机号码：必须填写。")},
    )


class RecoveryCodeForm(PasswordChangeForm):
    """The code from the SMS and the new password (twice), for the account of the request."""

    old_password = None
    code = forms.CharField(
        label=_("短信验证码"),
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
        error_messages={"required": _("验证码：必须填写。")},
    )
    field_order = ["code", "new_password", "new_password2"]
