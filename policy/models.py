import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


# The notice's vocabulary: the two categories its hour requirements are counted in, and the
# ways of learning it recognises. Here, below the apps that file, record and list learning.
class Category(models.TextChoices):
    PUBLIC = "public", _("公需科目")
    PROFESSIONAL = "professional", _("专业科目")


class Method(models.TextChoices):
    TRAINING = "training", _("研修培训")
    PRACTICE = "practice", _("实践操作")
    GRASSROOTS = "grassroots", _("服务基层")
    ONLINE = "online", _("在线学习")
    SELF_STUDY = "self_study", _("经批准且有考核的自学")


class PolicyYear(models.Model):
    """The rules of one year (2025: 三人社专技〔2025〕1号). No figure of the notice lives in code."""

    year = models.PositiveSmallIntegerField(_("年度"), primary_key=True)
    declaration_deadline = models.DateField(
        _("学时完成及申报截止日"), help_text=_("当日 23:59:59（北京时间）截止")
    )
    plan_filing_deadline = models.DateField(
        _("培训计划及平台备案截止日"), help_text=_("当日 23:59:59（北京时间）截止")
    )
    review_sla_working_days = models.PositiveSmallIntegerField(
        _("每级审核时限（工作日）"), default=5, validators=[MinValueValidator(1)]
    )
    max_daily_hours = models.DecimalField(
        _("每日学时上限"),
        max_digits=4,
        decimal_places=1,
        default=Decimal(12),
        help_text=_("一条学时记录的学时不能超过其起止日期天数乘以此值"),
    )
    reporting_deadline = models.DateField(
        _("平台及基地学时报送截止日"),
        help_text=_(
            "本年度内完成的学习，由学习平台推送或继续教育基地报送出勤的最后一天（当日 23:59:59 北京时间）；"
            "默认次年 1 月 31 日。个人申报仍以学时申报截止日为准。"
        ),
    )
    cities_set_plan_filing_deadline = models.BooleanField(
        _("允许各市自定备案截止日"),
        default=False,
        help_text=_("勾选后，市人社局可为本市另定培训计划及平台备案截止日；未另定的市按本页日期"),
    )
    cities_set_review_sla = models.BooleanField(
        _("允许各市自定审核时限"),
        default=False,
        help_text=_("勾选后，市人社局可为本市另定每级审核时限；未另定的市按本页时限"),
    )
    notice_reference = models.CharField(_("依据文件"), max_length=120, blank=True)
    carried_forward_from = models.PositiveSmallIntegerField(_("沿用年度"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("年度政策")
        verbose_name_plural = _("年度政策")
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year}年度"

    @property
    def awaiting_confirmation(self) -> bool:
        """Carried forward from the year before (by the 1 January roll-over or by hand) and not
        yet confirmed or edited by a city (or province) bureau: 沿用上年，待确认."""
        return self.confirmed_at is None

    def clean(self):
        for field in ("declaration_deadline", "plan_filing_deadline"):
            value = getattr(self, field)
            if value and value.year != self.year:
                raise ValidationError({field: _("截止日期应在本年度内。")})
        last = dt.date(self.year + 1, 12, 31)
        if (
            self.reporting_deadline
            and self.declaration_deadline
            and not self.declaration_deadline <= self.reporting_deadline <= last
        ):
            raise ValidationError(
                {
                    "reporting_deadline": _(
                        "平台及基地学时报送截止日：应在学时申报截止日之后、次年 12 月 31 日之前。"
                    )
                }
            )


# The figures a city may set for its region, each with the flag of PolicyYear that allows it.
REGIONAL_FIGURES = {
    "plan_filing_deadline": "cities_set_plan_filing_deadline",
    "review_sla_working_days": "cities_set_review_sla",
}


class RegionalFigures(models.Model):
    """A city's own figures for one year, for its region and everything below it; a figure left
    empty, or one the year's policy does not let cities set, is the province's."""

    policy_year = models.ForeignKey(
        PolicyYear, verbose_name=_("年度"), on_delete=models.CASCADE, related_name="regional_figures"
    )
    region = models.ForeignKey(
        "organisations.Region", verbose_name=_("地区"), on_delete=models.PROTECT, related_name="+"
    )
    plan_filing_deadline = models.DateField(
        _("培训计划及平台备案截止日"), null=True, blank=True, help_text=_("当日 23:59:59（北京时间）截止")
    )
    review_sla_working_days = models.PositiveSmallIntegerField(
        _("每级审核时限（工作日）"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("本市年度数字")
        verbose_name_plural = _("本市年度数字")
        ordering = ["-policy_year", "region__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy_year", "region"], name="regional_figures_unique_year_region"
            ),
        ]

    def __str__(self):
        return f"{self.policy_year_id} {self.region}"


def default_reporting_deadline(year: int) -> dt.date:
    """Platforms report in batches and late, bases after the class: learning finished by
    31 December may still be reported until the end of January of the next year."""
    return dt.date(year + 1, 1, 31)


class RequirementProfile(models.Model):
    """A kind of requirement (default; accounting staff in their own zone, …)."""

    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    is_default = models.BooleanField(_("默认"), default=False)

    class Meta:
        verbose_name = _("学时要求类别")
        verbose_name_plural = _("学时要求类别")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="requirement_profile_single_default",
            )
        ]

    def __str__(self):
        return self.name


class Requirement(models.Model):
    policy_year = models.ForeignKey(
        PolicyYear, verbose_name=_("年度"), on_delete=models.CASCADE, related_name="requirements"
    )
    profile = models.ForeignKey(RequirementProfile, verbose_name=_("类别"), on_delete=models.PROTECT)
    total_hours = models.DecimalField(_("总学时不少于"), max_digits=5, decimal_places=1)
    public_hours = models.DecimalField(_("公需科目不少于"), max_digits=5, decimal_places=1)
    professional_hours = models.DecimalField(_("专业科目不少于"), max_digits=5, decimal_places=1)

    class Meta:
        verbose_name = _("学时要求")
        verbose_name_plural = _("学时要求")
        constraints = [
            models.UniqueConstraint(
                fields=["policy_year", "profile"], name="requirement_unique_year_profile"
            ),
        ]

    def __str__(self):
        hours = f"{self.total_hours}/{self.public_hours}/{self.professional_hours}"
        return f"{self.policy_year_id} {self.profile}: {hours}"

    def clean(self):
        values = (self.total_hours, self.public_hours, self.professional_hours)
        if any(v is not None and v < Decimal("0") for v in values):
            raise ValidationError(_("学时要求不能为负数。"))
        if None not in values and self.public_hours + self.professional_hours > self.total_hours:
            # The law reads "≥ 90, of which ≥ 30 public and ≥ 60 professional"; parts above
            # the total would make the total meaningless.
            raise ValidationError({"total_hours": _("总学时不应少于公需与专业学时之和。")})


class Profession(models.Model):
    """Title series (职称系列) a person belongs to; it decides the requirement profile."""

    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("职称系列"), max_length=40, unique=True)
    profile = models.ForeignKey(
        RequirementProfile,
        verbose_name=_("学时要求类别"),
        on_delete=models.PROTECT,
        related_name="professions",
    )
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("职称系列")
        verbose_name_plural = _("职称系列")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name


class CalendarYear(models.Model):
    """A year whose official holiday arrangement has been entered (from the package or by hand)."""

    class Source(models.TextChoices):
        PACKAGE = "chinesecalendar", _("chinesecalendar 软件包")
        MANUAL = "manual", _("人工录入（国务院办公厅通知）")

    year = models.PositiveSmallIntegerField(_("年份"), primary_key=True)
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices)
    entered_at = models.DateTimeField(_("录入时间"), auto_now=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("工作日历年份")
        verbose_name_plural = _("工作日历年份")
        ordering = ["-year"]

    def __str__(self):
        return str(self.year)


class CalendarDay(models.Model):
    """A day that departs from Monday–Friday: a weekday holiday or a make-up working weekend."""

    date = models.DateField(_("日期"), primary_key=True)
    is_working_day = models.BooleanField(_("是否工作日"))
    name = models.CharField(_("名称"), max_length=40, blank=True, help_text=_("如：国庆节、春节调休上班"))

    class Meta:
        verbose_name = _("节假日/调休日")
        verbose_name_plural = _("节假日/调休日")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {'上班' if self.is_working_day else '休息'} {self.name}"

    def clean(self):
        weekend = self.date.weekday() >= 5 if self.date else False
        if self.date and self.is_working_day != weekend:
            raise ValidationError(
                {"is_working_day": _("只需录入与“周一至周五上班”不同的日子：周末调休上班或工作日放假。")}
            )
