"""Random audit sampling (抽查): an authority or bureau draws approved declarations of a year
in its scope, the people bring the original evidence, and each drawn declaration is confirmed
or revoked."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.actors import Role
from credits.models import Declaration
from organisations.models import Organisation


class AuditSample(models.Model):
    """One draw. The seed, the size asked for, the population drawn from and the weights used
    are kept so that the same draw over the same data can be replayed and checked."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("抽查机构"), on_delete=models.PROTECT, related_name="audit_samples"
    )
    role = models.CharField(_("抽查机构身份"), max_length=20, choices=Role.choices)
    year = models.PositiveSmallIntegerField(_("学时年度"))
    seed = models.PositiveBigIntegerField(_("随机种子"))
    share = models.DecimalField(_("抽查比例（%）"), max_digits=5, decimal_places=2, null=True, blank=True)
    requested = models.PositiveIntegerField(_("抽查数量"), null=True, blank=True)
    population = models.PositiveIntegerField(_("可抽查申报数"))
    weights = models.JSONField(_("风险权重"))
    evidence_due_on = models.DateField(_("提交原件截止日期"))
    note = models.CharField(_("说明"), max_length=300, blank=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("抽取人"), on_delete=models.PROTECT, related_name="+"
    )
    drawn_at = models.DateTimeField(_("抽取时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("学时抽查")
        verbose_name_plural = _("学时抽查")
        ordering = ["-drawn_at", "-id"]
        indexes = [models.Index(fields=["organisation", "year"])]

    def __str__(self):
        return f"{self.organisation_id} {self.year} #{self.pk}"


class SampledDeclaration(models.Model):
    class Outcome(models.TextChoices):
        PENDING = "pending", _("待核验")
        CONFIRMED = "confirmed", _("核验属实")
        REVOKED = "revoked", _("撤销学时")

    sample = models.ForeignKey(AuditSample, on_delete=models.PROTECT, related_name="items")
    declaration = models.ForeignKey(
        Declaration, verbose_name=_("学时申报"), on_delete=models.PROTECT, related_name="audit_items"
    )
    rank = models.PositiveIntegerField(_("抽中顺序"))
    weight = models.DecimalField(_("权重"), max_digits=6, decimal_places=2)
    risks = models.JSONField(_("风险因素"), default=list)
    hours = models.DecimalField(_("抽中时学时"), max_digits=5, decimal_places=1)
    outcome = models.CharField(_("核验结果"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    reason = models.CharField(_("核验意见"), max_length=300, blank=True)
    decided_at = models.DateTimeField(_("核验时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("抽中申报")
        verbose_name_plural = _("抽中申报")
        ordering = ["sample", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["sample", "declaration"], name="sampled_declaration_once"),
        ]
        indexes = [models.Index(fields=["declaration", "outcome"])]

    def __str__(self):
        return f"{self.sample_id}/{self.rank} {self.declaration_id} {self.outcome}"
