"""The activity catalogue (继续教育方式目录) of a year: the kinds of continuing education that
count (豫人社〔2017〕121号 and the Henan platform's 13 kinds), each with the evidence it needs
and how its hours are set. A city (or province) bureau keeps it; a declaration stores the
figures it was submitted under (`ActivityType.terms`)."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from policy.models import Category, Method, PolicyYear


class HourRule(models.TextChoices):
    DECLARED = "declared", _("按申报学时审核")
    PER_ITEM = "per_item", _("按项计算（每项固定学时）")
    PER_DAY = "per_day", _("按天计算（每天最多学时）")


class ActivityType(models.Model):
    """One kind of activity in one year's catalogue."""

    policy_year = models.ForeignKey(
        PolicyYear, verbose_name=_("年度"), on_delete=models.CASCADE, related_name="activity_types"
    )
    number = models.PositiveSmallIntegerField(_("类别序号"), help_text=_("河南省平台申报的第几类"))
    code = models.SlugField(_("代码"), max_length=30, help_text=_("API 中 activity_type 的取值"))
    name = models.CharField(_("名称"), max_length=60)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    method = models.CharField(
        _("所属学习方式"),
        max_length=12,
        choices=Method.choices,
        help_text=_("《通知》的五种学习方式之一（API 的 method 取值）"),
    )
    category = models.CharField(_("默认科目类别"), max_length=12, choices=Category.choices)
    needs_plan_item = models.BooleanField(
        _("须选择已备案培训计划项目"), default=False, help_text=_("未备案的培训学时不予认可")
    )
    base_reported = models.BooleanField(
        _("可由基地统一报送"), default=False, help_text=_("基地报送出勤的无需个人申报、无需证明材料")
    )
    hour_rule = models.CharField(
        _("学时计算"), max_length=10, choices=HourRule.choices, default=HourRule.DECLARED
    )
    hours_per_day = models.DecimalField(
        _("每天最多学时"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.1"))],
        help_text=_("按天计算时适用；空 = 由审核人员认定"),
    )
    yearly_cap = models.DecimalField(
        _("每年最多计入学时"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.1"))],
        help_text=_("本人该方式当年已计入与审核中的学时合计不超过此数；空 = 不设上限"),
    )
    active = models.BooleanField(_("本年度可申报"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("继续教育方式")
        verbose_name_plural = _("继续教育方式目录")
        ordering = ["policy_year", "sort_order", "number", "code"]
        constraints = [
            models.UniqueConstraint(fields=["policy_year", "code"], name="activity_type_unique_year_code"),
        ]

    def __str__(self):
        return f"{self.policy_year_id} 第{self.number}类 {self.name}"

    def level(self, code: str) -> ItemLevel | None:
        return next((lv for lv in self.levels.all() if lv.code == code), None)

    def terms(self, level_code: str = "", count: int | None = None) -> dict:
        """The figures a declaration is submitted under, stored with it (a later change of the
        catalogue applies to declarations submitted after it)."""
        level = self.level(level_code) if level_code else None
        return {
            "year": self.policy_year_id,
            "code": self.code,
            "number": self.number,
            "name": self.name,
            "method": self.method,
            "needs_plan_item": self.needs_plan_item,
            "hour_rule": self.hour_rule,
            "hours_per_day": _num(self.hours_per_day),
            "yearly_cap": _num(self.yearly_cap),
            "level": {"code": level.code, "name": level.name, "hours": _num(level.hours)} if level else None,
            "count": count,
            "slots": [{"code": s.code, "name": s.name, "required": s.required} for s in self.slots.all()],
        }


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


class ItemLevel(models.Model):
    """For hours counted per item: the kinds of item and the hours of each (per paper by
    journal level, per patent by kind). Empty hours = the reviewer decides."""

    activity_type = models.ForeignKey(ActivityType, on_delete=models.CASCADE, related_name="levels")
    code = models.SlugField(_("代码"), max_length=30)
    name = models.CharField(_("名称"), max_length=60)
    hours = models.DecimalField(
        _("每项学时"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.1"))],
        help_text=_("空 = 由审核人员认定"),
    )
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("计时项目级别")
        verbose_name_plural = _("计时项目级别")
        ordering = ["sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["activity_type", "code"], name="item_level_unique_code"),
        ]

    def __str__(self):
        return self.name


class EvidenceSlot(models.Model):
    """One named piece of evidence a kind of activity asks for: one file slot on the form."""

    activity_type = models.ForeignKey(ActivityType, on_delete=models.CASCADE, related_name="slots")
    code = models.SlugField(_("代码"), max_length=30, help_text=_("API 上传证明材料时 slot 的取值"))
    name = models.CharField(_("材料名称"), max_length=60)
    required = models.BooleanField(_("必须上传"), default=True)
    help = models.CharField(_("说明"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("证明材料项目")
        verbose_name_plural = _("证明材料项目")
        ordering = ["sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["activity_type", "code"], name="evidence_slot_unique_code"),
        ]

    def __str__(self):
        return self.name
