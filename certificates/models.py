"""What certificates keeps: the person's one electronic 继续教育证书, each printout of it (a
snapshot of the register and its hash, verifiable by number and code), and the yearly
credentials (Open Badges 3.0, VC-JWT) with their place in the revocation status list.

The register itself (登记: hours by category, compliant or not, the records of every year) is
not stored: it is read from the ledger (credits' YearSummary and HourRecords) whenever it is
shown, so it follows every credit and revocation at once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Person
from core.actors import Role
from organisations.models import Organisation, Region


class CertificateSequence(models.Model):
    """The last sequence number used for (issuing region, year of issue); incremented by one
    upsert, so concurrent issuers never get the same number."""

    region_code = models.CharField(_("发证机关区划代码"), max_length=6)
    year = models.PositiveSmallIntegerField(_("发证年份"))
    last = models.PositiveIntegerField(_("已用序号"), default=0)

    class Meta:
        verbose_name = _("证书编号序列")
        verbose_name_plural = _("证书编号序列")
        constraints = [
            models.UniqueConstraint(fields=["region_code", "year"], name="certificate_sequence_unique"),
        ]

    def __str__(self):
        return f"{self.region_code}-{self.year}: {self.last}"


class Certificate(models.Model):
    """《河南省专业技术人员继续教育证书》 (electronic, photo-free): one per person, numbered once
    when first issued; the number never changes, whatever employer or city the person moves to."""

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="certificate")
    number = models.CharField(_("证书编号"), max_length=17, unique=True)
    issuing_region = models.ForeignKey(
        Region, verbose_name=_("发证机关所在区域"), on_delete=models.PROTECT, related_name="+"
    )
    issuing_bureau = models.ForeignKey(
        Organisation,
        verbose_name=_("发证机关"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issuing_bureau_name = models.CharField(_("发证机关名称"), max_length=120)
    issuing_level = models.CharField(_("发证机关级别"), max_length=10, choices=Region.Level.choices)
    issued_at = models.DateTimeField(_("发证时间"))

    class Meta:
        verbose_name = _("继续教育证书")
        verbose_name_plural = _("继续教育证书")
        ordering = ["-issued_at", "-id"]

    def __str__(self):
        return self.number


class CertificatePrint(models.Model):
    """One printout of the certificate: the register as it stood (`snapshot`, with its SHA-256
    `register_sha256`), the code printed on it and the hash of the PDF."""

    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="prints")
    code = models.CharField(_("核验码"), max_length=12, unique=True)
    snapshot = models.JSONField(_("打印时的登记内容"))
    register_sha256 = models.CharField(_("登记内容指纹（SHA-256）"), max_length=64)
    pdf_sha256 = models.CharField(_("文件指纹（SHA-256）"), max_length=64)
    printed_at = models.DateTimeField(_("打印时间"), db_index=True)
    printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    printed_role = models.CharField(_("打印身份"), max_length=12, choices=Role.choices)

    class Meta:
        verbose_name = _("证书打印记录")
        verbose_name_plural = _("证书打印记录")
        ordering = ["-printed_at", "-id"]

    def __str__(self):
        return f"{self.certificate_id} · {self.code}"


class YearCredential(models.Model):
    """A person's year as an Open Badges 3.0 credential signed as VC-JWT. Its `id` is the
    index in the revocation status list; `record_ids` are the credited records it states, and
    when one of them leaves the credited state (a review or an audit sample revokes it) the
    credential is revoked (its bit in the status list is set)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="year_credentials")
    year = models.PositiveSmallIntegerField(_("年度"))
    credential_id = models.CharField(_("凭证标识"), max_length=60, unique=True)
    kid = models.CharField(_("签名密钥"), max_length=60)
    salt = models.CharField(_("身份哈希盐值"), max_length=40)
    record_ids = models.JSONField(_("所含学时记录"), default=list)
    compliant = models.BooleanField(_("达标"))
    jwt_sha256 = models.CharField(_("凭证指纹（SHA-256）"), max_length=64)
    issued_at = models.DateTimeField(_("签发时间"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_reason = models.CharField(_("撤销原因"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("年度学时凭证")
        verbose_name_plural = _("年度学时凭证")
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["person", "year"])]

    def __str__(self):
        return f"{self.person_id} {self.year} {self.credential_id}"
