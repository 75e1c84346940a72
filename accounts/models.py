from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from core import crypto, idnumber, names
from core.actors import Role
from organisations.models import Organisation, phone_validator


class User(AbstractUser):
    """A login. What the user may do comes from RoleAssignment rows, not from flags."""

    must_change_password = models.BooleanField(_("下次登录须修改密码"), default=False)

    class Meta(AbstractUser.Meta):
        verbose_name = _("账号")
        verbose_name_plural = _("账号")

    def roles(self) -> list["RoleAssignment"]:
        return list(self.role_assignments.select_related("organisation").all())


class RoleAssignment(models.Model):
    """One role of a user. A reviewer's role names the organisation it acts for."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("身份"), max_length=12, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("所属机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff_roles",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("身份授权")
        verbose_name_plural = _("身份授权")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "organisation"], name="role_unique_user_role_org"
            ),
            models.CheckConstraint(
                condition=models.Q(role="person", organisation__isnull=True)
                | (~models.Q(role="person") & models.Q(organisation__isnull=False)),
                name="role_org_matches_role",
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()}" + (f" · {self.organisation}" if self.organisation_id else "")

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.role == Role.PERSON:
            if self.organisation_id:
                raise ValidationError({"organisation": _("专业技术人员身份不属于任何机构。")})
            return
        if self.organisation_id is None or self.organisation.kind != self.role:
            raise ValidationError({"organisation": _("所属机构：机构类型与身份不符。")})


class Person(models.Model):
    """A professional technical person (专业技术人员)."""

    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="person")
    name = models.CharField(_("姓名"), max_length=30)
    # The name's pinyin (core.names.sort_key), kept with the name: lists sort people by it.
    name_sort = models.CharField(_("姓名拼音"), max_length=200, default="", editable=False)
    id_number_encrypted = models.TextField(_("身份证号码（加密）"), editable=False)
    id_number_hash = models.CharField(_("身份证号码检索值"), max_length=64, unique=True, editable=False)
    id_number_masked = models.CharField(_("身份证号码"), max_length=18, editable=False)
    phone = models.CharField(_("手机号码"), max_length=20, validators=[phone_validator])
    profession = models.ForeignKey(
        "policy.Profession", verbose_name=_("职称系列"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("注册时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("专业技术人员")
        verbose_name_plural = _("专业技术人员")
        ordering = ["id"]

    def __str__(self):
        return f"{self.name}（{self.id_number_masked}）"

    def save(self, *args, **kwargs):
        self.name_sort = names.sort_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_sort"}
        super().save(*args, **kwargs)

    def set_id_number(self, number: str) -> None:
        number = idnumber.validate(number)
        self.id_number_encrypted = crypto.encrypt(number)
        self.id_number_hash = crypto.lookup_hash(number)
        self.id_number_masked = idnumber.mask(number)

    def reveal_id_number(self) -> str:
        """Only for the places where the law needs the full number (certificate of record)."""
        return crypto.decrypt(self.id_number_encrypted)


class Membership(models.Model):
    """A person's link to an employer unit; it counts once the unit confirms it (审核账户)."""

    class State(models.TextChoices):
        PENDING = "pending", _("待单位确认")
        CONFIRMED = "confirmed", _("已确认")
        REJECTED = "rejected", _("单位未确认")
        ENDED = "ended", _("已解除")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(
        Organisation,
        verbose_name=_("用人单位"),
        on_delete=models.PROTECT,
        related_name="memberships",
        limit_choices_to={"kind": "unit"},
    )
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING)
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("原因"), max_length=200, blank=True)

    ACTIVE_STATES = (State.PENDING, State.CONFIRMED)

    class Meta:
        verbose_name = _("单位关系")
        verbose_name_plural = _("单位关系")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(state__in=["pending", "confirmed"]),
                name="membership_one_active_per_person",
            )
        ]
        indexes = [models.Index(fields=["unit", "state"])]

    def __str__(self):
        return f"{self.person.name} @ {self.unit} ({self.get_state_display()})"


class ApiToken(models.Model):
    """A bearer token from POST auth/token; only its hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    role = models.CharField(_("身份"), max_length=12, choices=Role.choices)
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.CASCADE)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self):
        return f"{self.user} {self.role} → {self.expires_at:%Y-%m-%d %H:%M}"


class PasswordRecovery(models.Model):
    """A code sent by SMS to a person's registered phone to set a new password (找回密码).
    Only a keyed hash of the code is stored; it lasts RECOVERY_CODE_MINUTES and a few tries."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("找回密码验证码")
        verbose_name_plural = _("找回密码验证码")

    def __str__(self):
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"
