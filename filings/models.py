import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation
from policy.models import Category


class FilingState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PENDING_OPINION = "pending_opinion", _("待主管部门意见")
    SUBMITTED = "submitted", _("待备案")
    ACCEPTED = "accepted", _("已备案")
    RETURNED = "returned", _("已退回")


class FilingException(models.Model):
    """The bureau lets one organisation file after the deadline of a year (who, why)."""

    class Kind(models.TextChoices):
        PLAN = "plan", _("培训计划")
        PLATFORM = "platform", _("网络学习平台")

    organisation = models.ForeignKey(Organisation, verbose_name=_("机构"), on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("备案类型"), max_length=10, choices=Kind.choices)
    reason = models.CharField(_("原因"), max_length=300)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(_("批准时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("逾期备案特批")
        verbose_name_plural = _("逾期备案特批")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year", "kind"], name="filing_exception_unique"),
        ]

    def __str__(self):
        return f"{self.organisation} {self.year} {self.get_kind_display()}"


class FilingBase(models.Model):
    """What both filings share: who files, for which year, and the bureau's decision."""

    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    state = models.CharField(
        _("状态"), max_length=20, choices=FilingState.choices, default=FilingState.DRAFT, db_index=True
    )
    bureau = models.ForeignKey(
        Organisation,
        verbose_name=_("受理备案的人社局"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "bureau"},
        help_text=_("申报单位所在市的人社局；省级基地为本平台所在市的人社局"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    first_submitted_at = models.DateTimeField(
        _("首次提交时间"), null=True, blank=True, help_text=_("按时首次提交的备案退回后可再次提交")
    )
    decided_at = models.DateTimeField(_("备案/退回时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    return_reason = models.CharField(_("退回原因"), max_length=300, blank=True)
    late_exception = models.ForeignKey(
        FilingException,
        verbose_name=_("逾期特批"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    authority_opinion = models.CharField(_("行业主管单位意见"), max_length=300, blank=True)
    authority_opinion_at = models.DateTimeField(_("主管单位意见时间"), null=True, blank=True)
    authority_opinion_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opinion_authority = models.ForeignKey(
        Organisation,
        verbose_name=_("出具意见的行业主管部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        abstract = True

    @property
    def is_editable(self) -> bool:
        return self.state in (FilingState.DRAFT, FilingState.RETURNED)

    @property
    def is_accepted(self) -> bool:
        return self.state == FilingState.ACCEPTED

    @property
    def is_late(self) -> bool:
        return self.late_exception_id is not None


class TrainingPlan(FilingBase):
    """培训计划申报表 (附件4): a unit's, base's or authority's annual training plan."""

    filer = models.ForeignKey(
        Organisation,
        verbose_name=_("申报单位（基地）"),
        on_delete=models.PROTECT,
        related_name="training_plans",
    )
    declared_on = models.DateField(_("申报日期"), null=True, blank=True)
    filer_opinion = models.CharField(_("申报单位（基地）意见"), max_length=300, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=30, blank=True)
    contact_phone = models.CharField(_("电话"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("年度培训计划")
        verbose_name_plural = _("年度培训计划")
        ordering = ["-year", "-id"]
        indexes = [models.Index(fields=["filer", "year", "state"])]

    def __str__(self):
        return f"{self.year}年度培训计划 · {self.filer}"


class PlanItem(models.Model):
    """One numbered row of the plan form."""

    plan = models.ForeignKey(TrainingPlan, on_delete=models.CASCADE, related_name="items")
    seq = models.PositiveSmallIntegerField(_("序号"))
    project = models.CharField(_("培训项目"), max_length=120)
    audience = models.CharField(_("培训对象及人数"), max_length=120)
    starts_on = models.DateField(_("开班时间"))
    hours = models.DecimalField(_("培训学时数"), max_digits=5, decimal_places=1)
    teachers = models.CharField(_("培训师资"), max_length=120, blank=True)
    mode = models.CharField(_("培训方式"), max_length=60)
    venue = models.CharField(_("办班地点"), max_length=120)
    funding = models.CharField(_("经费来源"), max_length=60, blank=True)
    remark = models.CharField(_("备注"), max_length=200, blank=True)
    category = models.CharField(
        _("科目类别"), max_length=12, choices=Category.choices, default=Category.PROFESSIONAL
    )

    class Meta:
        verbose_name = _("培训计划项目")
        verbose_name_plural = _("培训计划项目")
        ordering = ["plan", "seq"]
        constraints = [models.UniqueConstraint(fields=["plan", "seq"], name="plan_item_unique_seq")]

    def __str__(self):
        return f"{self.seq}. {self.project}"


class PlatformFiling(FilingBase):
    """网络学习平台备案登记表 (附件3)."""

    filer = models.ForeignKey(
        Organisation, verbose_name=_("备案单位"), on_delete=models.PROTECT, related_name="platform_filings"
    )
    site_name = models.CharField(_("网站名称"), max_length=100)
    host_org = models.CharField(_("主办单位"), max_length=100)
    icp_number = models.CharField(_("网站备案号"), max_length=40)
    domain = models.CharField(_("域名"), max_length=100)
    url = models.URLField(_("网址"), max_length=200)
    offers_public = models.BooleanField(_("培训内容：公需科目"), default=False)
    offers_professional = models.BooleanField(_("培训内容：专业科目"), default=False)
    fee_payer = models.CharField(_("收费主体"), max_length=100, blank=True)
    fee_standard = models.CharField(_("收费标准"), max_length=200, blank=True)
    fee_approval = models.CharField(_("批准部门及文号"), max_length=200, blank=True)
    manager_name = models.CharField(_("网站运行管理负责人"), max_length=30)
    manager_phone = models.CharField(_("负责人联系电话"), max_length=20)
    tech_org = models.CharField(_("技术支持单位名称"), max_length=100)
    tech_mobile = models.CharField(_("客服手机"), max_length=20, blank=True)
    tech_office_phone = models.CharField(_("客服办公电话"), max_length=20, blank=True)
    base_opinion = models.CharField(_("继续教育基地意见"), max_length=300, blank=True)
    base_opinion_at = models.DateTimeField(_("基地意见时间"), null=True, blank=True)
    platform = models.ForeignKey(
        Organisation,
        verbose_name=_("学习平台"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="filings_as_platform",
        limit_choices_to={"kind": "platform"},
    )

    class Meta:
        verbose_name = _("网络学习平台备案")
        verbose_name_plural = _("网络学习平台备案")
        ordering = ["-year", "-id"]

    def __str__(self):
        return f"{self.year} {self.site_name}"


class PlatformCredential(models.Model):
    """The API key a learning platform pushes completions with; issued on acceptance."""

    filing = models.ForeignKey(PlatformFiling, on_delete=models.PROTECT, related_name="credentials")
    platform = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="credentials")
    year = models.PositiveSmallIntegerField(_("年度"))
    key_prefix = models.CharField(_("密钥前缀"), max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("平台接口密钥")
        verbose_name_plural = _("平台接口密钥")

    def __str__(self):
        return f"{self.platform} {self.year} {self.key_prefix}…"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None


class AttendanceUpload(models.Model):
    """One accepted attendance report (到课名单) of a class of an accepted plan."""

    plan_item = models.ForeignKey(PlanItem, on_delete=models.PROTECT, related_name="attendance_uploads")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    file_name = models.CharField(_("文件名"), max_length=200)
    row_count = models.PositiveIntegerField(_("名单行数"))
    credited = models.PositiveIntegerField(_("计入人数"))
    duplicates = models.PositiveIntegerField(_("此前已计入人数"))

    class Meta:
        verbose_name = _("培训到课名单")
        verbose_name_plural = _("培训到课名单")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self):
        return f"{self.plan_item} {self.file_name}"


def import_path(instance, filename):
    # Not the uploader's file name: it is kept in `file_name` and never reaches the disk.
    return f"imports/{instance.created_by_id}/{secrets.token_hex(12)}.xlsx"


class ImportJob(models.Model):
    """An uploaded `.xlsx` read and written by a background job: plan rows (replacing a
    draft plan's items) or a class's attendance sheet. It keeps the scope it was asked in,
    the file until the job ends (then it is deleted: it holds ID numbers), how far the
    reading got, and the outcome — what was written, or every bad row."""

    class Kind(models.TextChoices):
        PLAN_ITEMS = "plan_items", _("培训项目导入")
        ATTENDANCE = "attendance", _("到课名单报送")

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("正在处理")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    class Stage(models.TextChoices):
        READING = "reading", _("正在读取文件")
        WRITING = "writing", _("正在写入")

    kind = models.CharField(_("导入内容"), max_length=20, choices=Kind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    actor_role = models.CharField(_("上传身份"), max_length=12)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("所属机构"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    plan = models.ForeignKey(
        TrainingPlan, verbose_name=_("培训计划"), on_delete=models.CASCADE, related_name="import_jobs"
    )
    plan_item = models.ForeignKey(
        PlanItem,
        verbose_name=_("培训项目"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_jobs",
    )
    file = models.FileField(_("文件"), upload_to=import_path, blank=True)
    file_name = models.CharField(_("文件名"), max_length=200)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.QUEUED)
    stage = models.CharField(_("阶段"), max_length=10, choices=Stage.choices, blank=True)
    done = models.PositiveIntegerField(_("已读行数"), default=0)
    total = models.PositiveIntegerField(_("行数（据文件声明）"), null=True, blank=True)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    row_errors = models.JSONField(_("逐行错误"), default=list, blank=True)
    error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("最近进度时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["created_by", "-created_at"]),
            models.Index(fields=["state", "heartbeat_at"]),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk} ({self.get_state_display()})"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        if not self.total:
            return 0
        return min(99, self.done * 100 // self.total)
