"""What the bureau publishes to the people it serves: notices (通知公告) with their attachments,
who has read them, and the FAQ of the help page (帮助)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.actors import Role
from organisations.models import Organisation, Region

# The roles a notice can be addressed to, each a boolean column (`for_<role>`), so the audience
# of an actor is one indexed condition on every database.
AUDIENCE_ROLES = [Role.PERSON, Role.UNIT, Role.AUTHORITY, Role.BASE, Role.BUREAU]


class Notice(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        WITHDRAWN = "withdrawn", _("已撤回")

    bureau = models.ForeignKey(
        Organisation,
        verbose_name=_("发布机关"),
        on_delete=models.PROTECT,
        related_name="notices",
        limit_choices_to={"kind": Organisation.Kind.BUREAU},
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("发布范围（地区）"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("本地区及下级地区的对象可以看到"),
    )
    title = models.CharField(_("标题"), max_length=200)
    document_number = models.CharField(_("文号"), max_length=60, blank=True)
    body = models.TextField(_("正文"), help_text=_("纯文本：空一行分段，网址自动成为链接"))
    is_public = models.BooleanField(_("公开（首页展示，无需登录）"), default=False)
    for_person = models.BooleanField(_("专业技术人员"), default=False)
    for_unit = models.BooleanField(_("用人单位"), default=False)
    for_authority = models.BooleanField(_("行业主管部门"), default=False)
    for_base = models.BooleanField(_("继续教育基地"), default=False)
    for_bureau = models.BooleanField(_("人社局"), default=False)
    pinned = models.BooleanField(_("置顶"), default=False)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.DRAFT)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("通知公告")
        verbose_name_plural = _("通知公告")
        ordering = ["-pinned", "-published_at", "-id"]
        indexes = [models.Index(fields=["state", "-pinned", "-published_at"], name="notice_listing")]

    def __str__(self):
        return self.title

    def clean(self):
        if not self.is_public and not self.audience_roles:
            raise ValidationError({"is_public": _("发布对象：请选择公开或至少一类对象。")})

    @property
    def audience_roles(self) -> list[str]:
        return [role.value for role in AUDIENCE_ROLES if getattr(self, f"for_{role.value}")]

    @property
    def audience_labels(self) -> list[str]:
        labels = [str(_("公开"))] if self.is_public else []
        return labels + [str(Role(role).label) for role in self.audience_roles]

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED


def attachment_path(instance, filename):
    return f"notices/{instance.notice_id}/{instance.sha256[:16]}"


class NoticeAttachment(models.Model):
    """A file of a notice (the notice itself as PDF, its forms as DOCX/XLSX), kept under
    PRIVATE_STORAGE_ROOT and served only by the notice's view to those who may read it."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to=attachment_path)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["id"]

    def __str__(self):
        return self.original_name


class NoticeRead(models.Model):
    """That a user has opened a notice (the unread mark is its absence)."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(_("阅读时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("阅读记录")
        verbose_name_plural = _("阅读记录")
        constraints = [models.UniqueConstraint(fields=["user", "notice"], name="notice_read_once")]

    def __str__(self):
        return f"{self.user_id} · {self.notice_id}"


class FaqEntry(models.Model):
    """A question of the help page, for one role (or everyone)."""

    class Audience(models.TextChoices):
        PERSON = Role.PERSON.value, Role.PERSON.label
        UNIT = Role.UNIT.value, Role.UNIT.label
        AUTHORITY = Role.AUTHORITY.value, Role.AUTHORITY.label
        BASE = Role.BASE.value, Role.BASE.label
        BUREAU = Role.BUREAU.value, Role.BUREAU.label

    audience = models.CharField(_("适用对象"), max_length=12, choices=Audience.choices)
    question = models.CharField(_("问题"), max_length=200)
    answer = models.TextField(_("解答"), help_text=_("纯文本：空一行分段，网址自动成为链接"))
    position = models.PositiveSmallIntegerField(_("排序"), default=100, help_text=_("数字小的在前"))
    is_published = models.BooleanField(_("在帮助页显示"), default=True)
    # The reference loader's name for the questions it seeded, so loading again never adds
    # them twice nor brings back one the bureau has hidden.
    key = models.CharField(max_length=40, unique=True, null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("常见问题")
        verbose_name_plural = _("常见问题")
        ordering = ["audience", "position", "id"]

    def __str__(self):
        return self.question
