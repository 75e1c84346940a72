from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Person
from core.hours import format_hours
from filings.models import PlanItem
from organisations.models import Organisation
from policy.models import Category, Method


class Source(models.TextChoices):
    PLATFORM = "platform", _("学习入口自动计入")
    DECLARATION = "declaration", _("个人申报")
    ATTENDANCE = "attendance", _("基地报送")


class RecordState(models.TextChoices):
    CREDITED = "credited", _("已计入")
    PENDING = "pending", _("审核中")
    RETURNED = "returned", _("退回修改")
    REJECTED = "rejected", _("未通过")
    NOT_RECOGNISED = "not_recognised", _("不予认可")
    DUPLICATE = "duplicate", _("重复，不重复计入")


# States whose hours count toward a year (credited) or may still count (pending).
COUNTING_STATES = (RecordState.CREDITED, RecordState.PENDING)


class HourRecord(models.Model):
    """One piece of learning in a person's hour file (学时档案), credited or not, with why."""

    # No index of its own: the (person, year, state) index leads with it (one index fewer to
    # write per record of a platform push).
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="hour_records", db_index=False)
    year = models.PositiveSmallIntegerField(_("学时年度"))
    category = models.CharField(_("科目类别"), max_length=12, choices=Category.choices)
    method = models.CharField(_("学习方式"), max_length=12, choices=Method.choices)
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1)
    source = models.CharField(_("来源"), max_length=12, choices=Source.choices)
    state = models.CharField(_("状态"), max_length=16, choices=RecordState.choices)
    title = models.CharField(_("名称"), max_length=200)
    organizer = models.CharField(_("举办单位/施教机构"), max_length=120, blank=True)
    started_on = models.DateField(
        _("开始日期"),
        null=True,
        blank=True,
        help_text=_("学习期间的第一天；空 = 来源未报（按年初至完成日期计）"),
    )
    completed_on = models.DateField(_("完成日期"))
    reason = models.CharField(_("说明"), max_length=300, blank=True)
    declaration = models.OneToOneField(
        "Declaration", null=True, blank=True, on_delete=models.PROTECT, related_name="hour_record"
    )
    completion = models.OneToOneField(
        "PlatformCompletion", null=True, blank=True, on_delete=models.PROTECT, related_name="hour_record"
    )
    plan_item = models.ForeignKey(
        PlanItem, null=True, blank=True, on_delete=models.PROTECT, related_name="hour_records"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("学时记录")
        verbose_name_plural = _("学时记录")
        ordering = ["-completed_on", "-id"]
        indexes = [models.Index(fields=["person", "year", "state"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(hours__gt=Decimal(0)), name="hour_record_positive"),
            # A base reports a person's attendance of one class once (exactly-once crediting).
            models.UniqueConstraint(
                fields=["person", "plan_item"],
                condition=models.Q(source="attendance"),
                name="hour_record_one_attendance_per_item",
            ),
            # One class counts once for a person, whether reported by the base or declared.
            models.UniqueConstraint(
                fields=["person", "plan_item"],
                condition=models.Q(state="credited", plan_item__isnull=False),
                name="hour_record_one_credit_per_item",
            ),
        ]

    def __str__(self):
        return f"{self.person_id} {self.year} {self.title} {self.hours}"

    @property
    def counted(self) -> bool:
        return self.state == RecordState.CREDITED


class YearSummary(models.Model):
    """Per person and year, kept in step by the ledger in the same transaction as each
    record change, so that progress is one indexed row."""

    # Indexed by the unique (person, year) constraint, which leads with it.
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="year_summaries", db_index=False
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    public_hours = models.DecimalField(_("公需科目已计入"), max_digits=7, decimal_places=1, default=0)
    professional_hours = models.DecimalField(_("专业科目已计入"), max_digits=7, decimal_places=1, default=0)
    pending_hours = models.DecimalField(_("审核中"), max_digits=7, decimal_places=1, default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("年度学时汇总")
        verbose_name_plural = _("年度学时汇总")
        constraints = [
            models.UniqueConstraint(fields=["person", "year"], name="year_summary_unique_person_year"),
        ]

    def __str__(self):
        return f"{self.person_id} {self.year}: {self.public_hours}+{self.professional_hours}"

    @property
    def total_hours(self) -> Decimal:
        return self.public_hours + self.professional_hours


class DeclarationState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PENDING_UNIT = "pending_unit", _("待单位审核")
    PENDING_AUTHORITY = "pending_authority", _("待主管部门审核")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("未通过")
    RETURNED = "returned", _("退回修改")
    NOT_RECOGNISED = "not_recognised", _("不予认可")


class Declaration(models.Model):
    """学时申报: learning outside the learning entrance, declared with evidence for review."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="declarations")
    year = models.PositiveSmallIntegerField(_("学时年度"))
    category = models.CharField(_("科目类别"), max_length=12, choices=Category.choices)
    method = models.CharField(_("学习方式"), max_length=12, choices=Method.choices)
    title = models.CharField(_("学习内容"), max_length=200)
    organizer = models.CharField(_("举办单位"), max_length=120)
    hours = models.DecimalField(_("申报学时"), max_digits=5, decimal_places=1)
    started_on = models.DateField(_("开始日期"))
    ended_on = models.DateField(_("结束日期"))
    plan_item = models.ForeignKey(
        PlanItem,
        verbose_name=_("培训计划项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="declarations",
    )
    activity_type = models.ForeignKey(
        "catalogue.ActivityType",
        verbose_name=_("继续教育方式"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="declarations",
        help_text=_("空 = 按《通知》的学习方式申报（不按目录）"),
    )
    item_level = models.CharField(_("项目级别"), max_length=30, blank=True)
    item_count = models.PositiveSmallIntegerField(_("项目数量"), null=True, blank=True)
    terms = models.JSONField(
        _("提交时适用的目录标准"),
        default=dict,
        blank=True,
        help_text=_("提交时的学时标准、上限和证明材料项目；目录之后的修改只适用于之后提交的申报"),
    )
    state = models.CharField(
        _("状态"), max_length=20, choices=DeclarationState.choices, default=DeclarationState.DRAFT
    )
    unit = models.ForeignKey(
        Organisation,
        verbose_name=_("审核单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    authority = models.ForeignKey(
        Organisation,
        verbose_name=_("审核主管部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("学时申报")
        verbose_name_plural = _("学时申报")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["person", "year", "state"]),
            models.Index(fields=["unit", "state"]),
            models.Index(fields=["authority", "state"]),
        ]

    def __str__(self):
        return f"{self.title}（{format_hours(self.hours)}学时）"

    @property
    def editable(self) -> bool:
        """Only a draft, or a declaration returned for correction, may be changed."""
        return self.state in (DeclarationState.DRAFT, DeclarationState.RETURNED)


class Review(models.Model):
    """One level of review of one submission: the unit's, then the authority's."""

    class Level(models.TextChoices):
        UNIT = "unit", _("用人单位")
        AUTHORITY = "authority", _("行业主管部门")

    class Decision(models.TextChoices):
        APPROVE = "approve", _("通过")
        REJECT = "reject", _("不通过")
        RETURN = "return", _("退回修改")

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="reviews")
    level = models.CharField(_("审核级别"), max_length=10, choices=Level.choices)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("审核机构"), on_delete=models.PROTECT, related_name="reviews"
    )
    arrived_at = models.DateTimeField(_("到达时间"))
    due_on = models.DateField(_("审核期限"))
    due_provisional = models.BooleanField(_("期限为暂定"), default=False)
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(_("审核结果"), max_length=10, choices=Decision.choices, blank=True)
    comment = models.CharField(_("审核意见"), max_length=300, blank=True)
    overdue_notified_at = models.DateTimeField(_("逾期提醒时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("审核")
        verbose_name_plural = _("审核")
        ordering = ["due_on", "arrived_at"]
        constraints = [
            # A declaration waits at one level at a time (a double submit cannot open two clocks).
            models.UniqueConstraint(
                fields=["declaration"],
                condition=models.Q(decided_at__isnull=True),
                name="review_one_open_per_declaration",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "decided_at", "due_on"]),
            # Open reviews by due date: the overdue sweep, and which windows a calendar change
            # touches (credits.services.open_reviews_touching).
            models.Index(
                fields=["due_on", "arrived_at"],
                condition=models.Q(decided_at__isnull=True),
                name="review_open_due_idx",
            ),
        ]

    def __str__(self):
        return f"{self.get_level_display()} · {self.declaration_id} · {self.decision or '待审'}"


def evidence_path(instance, filename):
    return f"evidence/{instance.declaration.person_id}/{instance.declaration_id}/{instance.sha256[:16]}"


class EvidenceFile(models.Model):
    """What is known of an evidence file wherever it is kept: its name, type (by content),
    size and digest."""

    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=40)
    size = models.PositiveIntegerField(_("大小"))
    sha256 = models.CharField(max_length=64)

    class Meta:
        abstract = True

    def __str__(self):
        return self.original_name


class Evidence(EvidenceFile):
    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="evidence")
    slot = models.CharField(
        _("证明材料项目"), max_length=30, blank=True, help_text=_("目录中该方式的材料项目代码；空 = 其他材料")
    )
    file = models.FileField(_("文件"), upload_to=evidence_path)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("证明材料")
        verbose_name_plural = _("证明材料")
        # the same file on another declaration (credits.integrity): one index look-up per submit
        indexes = [models.Index(fields=["sha256"], name="evidence_sha256_idx")]


def pending_evidence_path(instance, filename):
    return f"evidence/{instance.person_id}/pending/{instance.sha256[:16]}"


class PendingEvidence(EvidenceFile):
    """A file a person chose on a declaration form that was refused for another reason: kept
    for them (PENDING_EVIDENCE_HOURS) so that the corrected form attaches it without choosing
    it again."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    slot = models.CharField(_("证明材料项目"), max_length=30, blank=True)
    file = models.FileField(_("文件"), upload_to=pending_evidence_path)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("待保存的证明材料")
        verbose_name_plural = _("待保存的证明材料")


class CompletionState(models.TextChoices):
    """The fate of an item a learning platform pushed (what `GET platform/completions/…` answers)."""

    CREDITED = "credited", _("已计入")
    HELD = "held", _("暂存，待条件满足后自动计入")
    REJECTED = "rejected", _("未接收")
    EXPIRED = "expired", _("暂存已过期")
    DUPLICATE = "duplicate", _("重复，不重复计入")
    VOIDED = "voided", _("平台已撤销")


class HoldReason(models.TextChoices):
    """Why an item that may still become right is held instead of refused."""

    UNREGISTERED = "unregistered", _("学员尚未注册")
    NAME_MISMATCH = "name_mismatch", _("姓名与身份证号码登记的姓名不一致")
    NOT_FILED = "not_filed", _("平台该年度该科目的备案尚未通过")


class PlatformCompletion(models.Model):
    """An item pushed by a filed learning platform (学习入口), kept with its fate: credited
    (with its hour record), held with the reason it cannot be credited yet, rejected with the
    reason it never can, expired, or a duplicate. One row per (platform, external_id)."""

    # Indexed by the unique (platform, external_id) constraint, which leads with it.
    platform = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="completions", db_index=False
    )
    external_id = models.CharField(_("平台记录号"), max_length=80)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="completions"
    )
    id_number_hash = models.CharField(max_length=64, blank=True)
    id_number_masked = models.CharField(_("身份证号码"), max_length=18, blank=True)
    name = models.CharField(_("姓名（平台报送）"), max_length=60, blank=True)
    course = models.CharField(_("课程"), max_length=200, blank=True)
    category = models.CharField(_("科目类别"), max_length=12, choices=Category.choices, blank=True)
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1, null=True, blank=True)
    started_on = models.DateField(_("开始日期"), null=True, blank=True)
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("学时年度"), null=True, blank=True)
    state = models.CharField(
        _("处理结果"), max_length=12, choices=CompletionState.choices, default=CompletionState.CREDITED
    )
    hold_reason = models.CharField(_("暂存原因"), max_length=16, choices=HoldReason.choices, blank=True)
    reason = models.CharField(_("说明"), max_length=300, blank=True)
    received_at = models.DateTimeField(_("接收时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    credential = models.ForeignKey(
        "filings.PlatformCredential",
        verbose_name=_("推送密钥"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("平台学习记录")
        verbose_name_plural = _("平台学习记录")
        constraints = [
            models.UniqueConstraint(fields=["platform", "external_id"], name="completion_unique_external_id"),
        ]
        indexes = [
            # receipts: a platform polls what changed since a moment
            models.Index(fields=["platform", "updated_at"], name="completion_platform_updated"),
            # releases: the held items of an ID number (registration, name correction) …
            models.Index(
                fields=["id_number_hash"], name="completion_held_by_id", condition=models.Q(state="held")
            ),
            # … and of a platform's year (its filing accepted), and the expiry sweep
            models.Index(
                fields=["platform", "year"],
                name="completion_held_by_platform",
                condition=models.Q(state="held"),
            ),
        ]

    def __str__(self):
        return f"{self.platform_id}:{self.external_id}"


class PlatformIntakeDay(models.Model):
    """What happened to a platform's items on one day (Shanghai): received in that day's
    pushes, and credited, held, rejected, duplicates and expired that day (a held item
    credited later counts as credited on the day of its release)."""

    platform = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("日期"))
    received = models.PositiveIntegerField(_("收到"), default=0)
    credited = models.PositiveIntegerField(_("计入"), default=0)
    held = models.PositiveIntegerField(_("暂存"), default=0)
    rejected = models.PositiveIntegerField(_("未接收"), default=0)
    duplicates = models.PositiveIntegerField(_("重复"), default=0)
    expired = models.PositiveIntegerField(_("过期"), default=0)

    class Meta:
        verbose_name = _("平台推送日统计")
        verbose_name_plural = _("平台推送日统计")
        constraints = [models.UniqueConstraint(fields=["platform", "day"], name="intake_day_unique")]

    def __str__(self):
        return f"{self.platform_id} {self.day}"


class IntegrityFlag(models.Model):
    """Something possible but suspicious, beyond the policy's daily limit across sources, or
    the same learning or the same file arriving twice by different ways (credits.integrity),
    kept for the integrity list (诚信核查) with the records and declarations involved; never
    silently refused, never silently passed."""

    class Kind(models.TextChoices):
        PACE = "pace", _("学习强度异常")
        OVER_DAILY_LIMIT = "over_daily_limit", _("超过每日学时上限")
        SAME_CLASS = "same_class", _("基地报送与个人申报为同一培训")
        SAME_COURSE = "same_course", _("平台推送与个人申报为同一课程")
        SAME_EVIDENCE = "same_evidence", _("证明材料重复使用")

    class State(models.TextChoices):
        OPEN = "open", _("待核查")
        DISMISSED = "dismissed", _("核查无误")
        UPHELD = "upheld", _("确有问题")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="integrity_flags")
    year = models.PositiveSmallIntegerField(_("学时年度"))
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    message = models.CharField(_("说明"), max_length=300)
    records = models.ManyToManyField(HourRecord, related_name="integrity_flags", verbose_name=_("涉及记录"))
    declarations = models.ManyToManyField(
        Declaration, blank=True, related_name="integrity_flags", verbose_name=_("涉及申报")
    )
    # What the flag is about, e.g. "d12:d34" for two declarations sharing a file: one flag per
    # case, however often its items are sent again or resubmitted (empty: no such key).
    key = models.CharField(max_length=80, blank=True)
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(_("发现时间"), auto_now_add=True)
    decided_at = models.DateTimeField(_("核查时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("核查意见"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("诚信核查")
        verbose_name_plural = _("诚信核查")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "year"])]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key"], condition=~models.Q(key=""), name="integrity_flag_unique_key"
            ),
        ]

    def __str__(self):
        return f"{self.person_id} {self.year} {self.kind}"


class XapiStatement(models.Model):
    """A statement a learning platform sent to the xAPI door (`/xapi/statements`), as sent.
    Its id is the idempotency key; a `completed` statement becomes the platform completion
    `xapi:<id>` and takes its fate; a `voided` statement withdraws the one it names."""

    platform = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    statement_id = models.UUIDField()
    statement = models.JSONField()
    content_hash = models.CharField(max_length=64)
    verb = models.CharField(max_length=200)
    voided = models.BooleanField(default=False)
    stored_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("xAPI 学习记录语句")
        verbose_name_plural = _("xAPI 学习记录语句")
        constraints = [
            models.UniqueConstraint(fields=["platform", "statement_id"], name="xapi_statement_unique_id"),
        ]

    def __str__(self):
        return str(self.statement_id)
