from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

phone_validator = RegexValidator(
    r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$",
    _("电话号码格式不正确：手机号为11位，固定电话如 0398-2850937。"),
)


class Region(models.Model):
    class Level(models.TextChoices):
        PROVINCE = "province", _("省")
        CITY = "city", _("市")
        COUNTY = "county", _("县（市、区）")
        ZONE = "zone", _("功能区")

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    level = models.CharField(_("级别"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("行政区域")
        verbose_name_plural = _("行政区域")
        ordering = ["code"]

    def __str__(self):
        return self.name

    def descendant_ids(self) -> list[int]:
        """This region and all below it (three levels at most: province → city → county)."""
        ids = [self.pk]
        frontier = [self.pk]
        while frontier:
            frontier = list(Region.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
            ids += frontier
        return ids


class Organisation(models.Model):
    class Kind(models.TextChoices):
        UNIT = "unit", _("用人单位")
        AUTHORITY = "authority", _("行业主管部门")
        BASE = "base", _("继续教育基地")
        PLATFORM = "platform", _("施教机构/网络学习平台")
        BUREAU = "bureau", _("人社局")

    class BaseLevel(models.TextChoices):
        PROVINCIAL = "provincial", _("省级")
        MUNICIPAL = "municipal", _("市级")

    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices, db_index=True)
    name = models.CharField(_("名称"), max_length=120)
    region = models.ForeignKey(Region, verbose_name=_("所在地区"), on_delete=models.PROTECT)
    supervisor = models.ForeignKey(
        "self",
        verbose_name=_("行业主管部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervised",
        limit_choices_to={"kind": "authority"},
        help_text=_("用人单位、继续教育基地的业务主管部门"),
    )
    base_level = models.CharField(
        _("基地级别"),
        max_length=12,
        choices=BaseLevel.choices,
        blank=True,
    )
    registry_no = models.PositiveSmallIntegerField(_("名单序号"), null=True, blank=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=30, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True, validators=[phone_validator])
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        ordering = ["kind", "registry_no", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="organisation_unique_kind_name"),
        ]

    def __str__(self):
        return self.name
