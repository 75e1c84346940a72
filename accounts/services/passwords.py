"""Passwords: reset by the unit or bureau to a one-time password, changed by the person, and
recovered by a code sent by SMS to the registered phone (找回密码)."""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts import sms
from accounts.models import ApiToken, PasswordRecovery, User
from accounts.selectors import person_for_actor
from accounts.services.registration import login_name_to_username
from audit import actions
from audit.services import record
from core import crypto
from core.actors import SYSTEM, Actor, Role
from core.errors import Forbidden, Invalid
from core.text import mask_phone

logger = logging.getLogger(__name__)

RECOVERY_CODE_MINUTES = 10
RECOVERY_TRIES = 5
RECOVERY_EVERY = dt.timedelta(seconds=60)  # one code a minute per account
RECOVERY_PER_DAY = 5
RECOVERY_FAILED = gettext_noop("验证码错误或已失效，请重新获取验证码。")


def _holds_staff_role(user: User) -> bool:
    """The account acts in a staff role or in the admin, not only as a person."""
    return user.is_staff or user.is_superuser or any(r.role != Role.PERSON for r in user.roles())


@transaction.atomic
def reset_password(actor: Actor, *, person_id: int) -> str:
    """A unit (for its confirmed members) or the bureau (its region) resets a person's password
    to a one-time password that must be changed at next login. No e-mail or SMS is assumed.
    An account that also holds a staff role is never reset this way: whoever reads the
    one-time password would act in that role."""
    if not actor.is_role(Role.UNIT, Role.BUREAU):
        raise Forbidden()
    person = person_for_actor(actor, person_id)
    if _holds_staff_role(person.user):
        raise Forbidden(_("该账号同时具有管理身份，只能由本人修改密码或由人社局系统管理员处理。"))
    temporary = _temporary_password()
    user = person.user
    user.set_password(temporary)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    ApiToken.objects.filter(user=user).delete()
    record(actor, actions.USER_PASSWORD_RESET, user, note=f"person={person.pk}")
    return temporary


def _temporary_password() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz"
    return "".join(secrets.choice(alphabet) for _ in range(6)) + "".join(
        secrets.choice("23456789") for _ in range(4)
    )


@transaction.atomic
def change_password(actor: Actor, *, old_password: str, new_password: str) -> None:
    user = actor.user
    if not user.check_password(old_password or ""):
        raise Invalid.field("old_password", _("原密码：原密码不正确。"))
    try:
        validate_password(new_password or "", user)
    except ValidationError as exc:
        raise Invalid.field("new_password", _("新密码：") + " ".join(exc.messages)) from None
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    ApiToken.objects.filter(user=user).delete()  # tokens issued under the old password end
    record(actor, actions.USER_PASSWORD_CHANGED, user)


def _recovery_account(login: str, phone: str) -> User | None:
    """The person's account if the login (account name or ID number) and the registered phone
    match; staff accounts never recover by SMS (whoever holds the phone would act as staff)."""
    username = login_name_to_username(login)
    user = User.objects.filter(username=username, is_active=True).select_related("person").first()
    if user is None or not hasattr(user, "person") or user.person.phone != (phone or "").strip():
        return None
    if _holds_staff_role(user):
        return None
    return user


def _code_hash(user: User, code: str) -> str:
    return crypto.lookup_hash(f"recovery:{user.pk}:{code}")


@transaction.atomic
def request_password_recovery(*, login: str, phone: str) -> None:
    """Send a code to the registered phone if login and phone match. The answer is the same
    either way: nobody learns from it whether an ID number is registered or which phone it has."""
    user = _recovery_account(login, phone)
    if user is None:
        return
    User.objects.select_for_update().filter(pk=user.pk).first()  # one request at a time per account
    now = timezone.now()
    recent = PasswordRecovery.objects.filter(user=user, created_at__gte=now - dt.timedelta(days=1))
    if recent.filter(created_at__gte=now - RECOVERY_EVERY).exists() or recent.count() >= RECOVERY_PER_DAY:
        return
    PasswordRecovery.objects.filter(user=user, used_at=None).update(used_at=now)  # older codes end
    code = f"{secrets.randbelow(1_000_000):06d}"
    PasswordRecovery.objects.create(
        user=user,
        code_hash=_code_hash(user, code),
        expires_at=now + dt.timedelta(minutes=RECOVERY_CODE_MINUTES),
    )
    record(SYSTEM, actions.USER_PASSWORD_RECOVERY_SENT, user)
    try:
        sms.sender().send_code(user.person.phone, code, RECOVERY_CODE_MINUTES)
    except sms.SmsError as exc:
        # Answered like any other request (the answer must not tell a registered account
        # apart); the code that never left is withdrawn, the operator sees why in the log.
        logger.error("password recovery SMS to %s failed: %s", mask_phone(user.person.phone), exc)
        transaction.set_rollback(True)


def complete_password_recovery(*, login: str, phone: str, code: str, new_password: str) -> User:
    """Set a new password with the code; every API token of the account ends. A wrong try
    counts even though it is refused (the count is committed before the refusal is raised)."""
    with transaction.atomic():
        user, problem = _use_recovery_code(login, phone, code, new_password)
    if problem is not None:
        raise problem
    return user


def _use_recovery_code(login: str, phone: str, code: str, new_password: str):
    user = _recovery_account(login, phone)
    recovery = (
        PasswordRecovery.objects.select_for_update()
        .filter(user=user, used_at=None)
        .order_by("-created_at")
        .first()
        if user
        else None
    )
    now = timezone.now()
    failed = Invalid.field("code", _("验证码：") + _(RECOVERY_FAILED))
    if recovery is None or recovery.expires_at < now or recovery.attempts >= RECOVERY_TRIES:
        return None, failed
    recovery.attempts += 1
    if not hmac.compare_digest(recovery.code_hash, _code_hash(user, (code or "").strip())):
        recovery.save(update_fields=["attempts"])
        return None, failed
    try:
        validate_password(new_password or "", user)
    except ValidationError as exc:
        recovery.attempts -= 1  # the code was right: a weak password does not use up a try
        return None, Invalid.field("new_password", _("新密码：") + " ".join(exc.messages))
    recovery.used_at = now
    recovery.save(update_fields=["attempts", "used_at"])
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    ApiToken.objects.filter(user=user).delete()
    record(SYSTEM, actions.USER_PASSWORD_RECOVERED, user)
    return user, None
