"""What reports keeps: records issued to people (学时证明, verifiable by code) and export jobs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Person
from core.actors import Role
from organisations.models import Organisation


class IssuedRecord(models.Model):
    """One printout of a person's year (继续教育学时证明). The code printed on it opens the public
    verification page; `figures` is what the printout said, `sha256` the hash of its PDF."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="issued_records")
    year = models.PositiveSmallIntegerField(_("年度"))
    code = models.CharField(_("核验码"), max_length=12, unique=True)
    sha256 = models.CharField(_("文件指纹（SHA-256）"), max_length=64)
    figures = models.JSONField(_("出具时的学时数据"))
    issued_at = models.DateTimeField(_("出具时间"), db_index=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_role = models.CharField(_("出具身份"), max_length=12, choices=Role.choices)
    issued_org = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("学时证明")
        verbose_name_plural = _("学时证明")
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["person", "year"])]

    def __str__(self):
        return f"{self.code} · {self.year}"


def export_path(instance, filename):
    return f"exports/{instance.created_by_id}/{instance.pk}-{filename}"


class ExportJob(models.Model):
    """A long export run by a Celery task. It keeps the scope it was asked in (the role and
    organisation of its creator), what was asked, how far it got, and the file it wrote
    (under PRIVATE_STORAGE_ROOT, served only to its creator)."""

    class Kind(models.TextChoices):
        COMPLIANCE = "compliance", _("人员学时达标情况")

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("正在导出")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")
        EXPIRED = "expired", _("已过期")

    kind = models.CharField(_("导出内容"), max_length=20, choices=Kind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导出人"), on_delete=models.PROTECT, related_name="+"
    )
    actor_role = models.CharField(_("导出身份"), max_length=12, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("所属机构"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    params = models.JSONField(_("导出条件"), default=dict)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.QUEUED)
    done = models.PositiveIntegerField(_("已写行数"), default=0)
    total = models.PositiveIntegerField(_("总行数"), null=True, blank=True)
    file = models.FileField(_("文件"), upload_to=export_path, blank=True)
    filename = models.CharField(_("文件名"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("最近进度时间"), null=True, blank=True)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_by", "-created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk} ({self.get_state_display()})"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED, self.State.EXPIRED)

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, self.done * 100 // self.total)
