"""Web forms of the notice and help pages. They only shape input; the services validate."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from bulletins.models import AUDIENCE_ROLES, FaqEntry
from core.forms import Form


class NoticeForm(Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    document_number = forms.CharField(
        label=_("文号"), max_length=60, required=False, help_text=_("如 三人社专技〔2025〕1号，可不填")
    )
    body = forms.CharField(
        label=_("正文"),
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("纯文本：空一行分段；以 http:// 或 https:// 开头的网址会成为链接。"),
    )
    region_id = forms.TypedChoiceField(
        label=_("发布范围（地区）"), coerce=int, help_text=_("该地区及其下级地区的对象可以看到")
    )
    is_public = forms.BooleanField(
        label=_("公开：在首页展示，无需登录即可阅读"), required=False, initial=True
    )
    audience = forms.MultipleChoiceField(
        label=_("发布对象（登录后在工作台看到）"),
        choices=[(r.value, r.label) for r in AUDIENCE_ROLES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    pinned = forms.BooleanField(label=_("置顶"), required=False)

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region_id"].choices = [(r.pk, r.name) for r in regions]


class AttachmentForm(Form):
    file = forms.FileField(
        label=_("添加附件"),
        help_text=_("PDF、Word（.docx）或 Excel（.xlsx），如通知原文及其附表。"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".pdf,.docx,.xlsx,application/pdf,"
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )


class FaqForm(Form):
    audience = forms.ChoiceField(label=_("适用对象"), choices=FaqEntry.Audience.choices)
    question = forms.CharField(label=_("问题"), max_length=200)
    answer = forms.CharField(
        label=_("解答"), widget=forms.Textarea(attrs={"rows": 8}), help_text=_("纯文本：空一行分段。")
    )
    position = forms.IntegerField(label=_("排序"), min_value=0, max_value=1000, initial=100)
    is_published = forms.BooleanField(label=_("在帮助页显示"), required=False, initial=True)
