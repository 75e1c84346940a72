"""Writing accounts: registration (管理入口), membership decisions, tokens, passwords."""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts import sms
from accounts.models import ApiToken, Membership, PasswordRecovery, Person, RoleAssignment, User
from accounts.signals import person_identified
from audit import actions
from audit.services import record
from core import crypto, idnumber
from core.actors import SYSTEM, Actor, Role
from core.errors import DomainError, Forbidden, Invalid, NotFound, Throttled, Unauthenticated
from core.text import mask_phone
from organisations.models import Organisation, phone_validator
from policy.models import Profession

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Registration:
    name: str
    id_number: str
    phone: str
    password: str
    unit_id: int
    profession: str


def _validate_registration(data: Registration) -> tuple[str, Organisation, Profession]:
    errors = []
    name = (data.name or "").strip()
    if not name:
        errors.append({"field": "name", "message": _("姓名：请填写真实姓名。")})
    elif len(name) > 30:
        errors.append({"field": "name", "message": _("姓名：不能超过30个字符。")})
    try:
        number = idnumber.validate(data.id_number)
    except ValidationError as exc:
        number = None
        message = exc.messages[0]  # each already names the field ("身份证号码校验位错误…")
        label = _("身份证号码")
        errors.append(
            {"field": "id_number", "message": message if message.startswith(label) else f"{label}：{message}"}
        )
    if number and Person.objects.filter(id_number_hash=crypto.lookup_hash(number)).exists():
        errors.append(
            {"field": "id_number", "message": _("身份证号码：该号码已注册，请直接登录或找回密码。")}
        )
    try:
        phone_validator(data.phone or "")
    except ValidationError:
        errors.append(
            {"field": "phone", "message": _("手机号码：格式不正确，手机号为11位，固定电话如 0398-2850937。")}
        )
    unit = Organisation.objects.filter(pk=data.unit_id, kind=Organisation.Kind.UNIT, is_active=True).first()
    if unit is None:
        errors.append({"field": "unit_id", "message": _("工作单位：所选单位不存在，请从单位列表中选择。")})
    profession = Profession.objects.filter(code=data.profession).first()
    if profession is None:
        errors.append({"field": "profession", "message": _("职称系列：请从列表中选择。")})
    try:
        validate_password(data.password or "", User(username=number or "", first_name=name))
    except ValidationError as exc:
        errors.append({"field": "password", "message": _("密码：") + " ".join(exc.messages)})
    if errors:
        raise Invalid(errors[0]["message"], errors)
    return number, unit, profession


def registration_problems(data: Registration) -> list[dict]:
    """Every reason the registration would be refused, field by field (for a form to show
    them all at once); [] if it would go through."""
    try:
        _validate_registration(data)
    except DomainError as exc:
        return exc.errors
    return []


def register_person(data: Registration) -> Person:
    """管理入口注册: the person may log in at once; the unit link waits for confirmation."""
    number, unit, profession = _validate_registration(data)
    try:
        with transaction.atomic():
            user = User(username=_new_person_username(), first_name=data.name.strip())
            user.set_password(data.password)
            user.save()
            RoleAssignment.objects.create(user=user, role=Role.PERSON)
            person = Person(user=user, name=data.name.strip(), phone=data.phone, profession=profession)
            person.set_id_number(number)
            person.save()
            membership = Membership.objects.create(person=person, unit=unit)
            actor = Actor(user=user, role=Role.PERSON)
            record(
                actor,
                actions.PERSON_REGISTERED,
                person,
                after={
                    "name": person.name,
                    "id_number": person.id_number_masked,
                    "profession": profession.code,
                },
            )
            record(
                actor,
                actions.MEMBERSHIP_REQUESTED,
                membership,
                after={"unit": unit.pk, "state": membership.state},
            )
            transaction.on_commit(lambda: person_identified.send(sender=Person, person=person))
    except IntegrityError:
        # Two registrations with the same number racing: the unique hash decides.
        if not Person.objects.filter(id_number_hash=crypto.lookup_hash(number)).exists():
            raise
        raise Invalid.field("id_number", _("身份证号码：该号码已注册，请直接登录或找回密码。")) from None
    return person


def _new_person_username() -> str:
    """An account name like p482913570; the ID number never becomes a username in clear."""
    while True:
        username = "p" + "".join(secrets.choice("0123456789") for _ in range(9))
        if not User.objects.filter(username=username).exists():
            return username


def login_name_to_username(login: str) -> str:
    """People may sign in with their ID number or their account name; staff with their name.
    An ID number nobody registered becomes a keyed hash, so that failed-login records
    (django-axes) never hold a resident ID number in clear."""
    candidate = idnumber.normalise(login)
    if len(candidate) == 18 and candidate[:17].isdigit():
        hashed = crypto.lookup_hash(candidate)
        username = (
            Person.objects.filter(id_number_hash=hashed).values_list("user__username", flat=True).first()
        )
        return username or f"id#{hashed[:24]}"
    return (login or "").strip()


def _unit_membership(actor: Actor, person_id: int) -> Membership:
    membership = (
        Membership.objects.select_for_update()
        .filter(person_id=person_id, unit=actor.organisation, state=Membership.State.PENDING)
        .first()
    )
    if membership is None:
        raise NotFound(_("该单位没有这位待确认的人员。"))
    return membership


@transaction.atomic
def confirm_membership(actor: Actor, *, person_id: int) -> Membership:
    if not actor.is_role(Role.UNIT):
        raise Forbidden()
    membership = _unit_membership(actor, person_id)
    if membership.person.user_id == actor.user.pk:
        raise Forbidden(_("不能确认本人的单位关系。"))
    membership.state = Membership.State.CONFIRMED
    membership.decided_at = timezone.now()
    membership.decided_by = actor.user
    membership.save(update_fields=["state", "decided_at", "decided_by"])
    record(
        actor,
        actions.MEMBERSHIP_CONFIRMED,
        membership,
        before={"state": "pending"},
        after={"state": "confirmed"},
    )
    return membership


@transaction.atomic
def reject_membership(actor: Actor, *, person_id: int, reason: str) -> Membership:
    if not actor.is_role(Role.UNIT):
        raise Forbidden()
    reason = (reason or "").strip()
    if not reason:
        raise Invalid.field("reason", _("原因：不予确认时必须填写原因。"))
    membership = _unit_membership(actor, person_id)
    membership.state = Membership.State.REJECTED
    membership.decided_at = timezone.now()
    membership.decided_by = actor.user
    membership.reason = reason[:200]
    membership.save(update_fields=["state", "decided_at", "decided_by", "reason"])
    record(
        actor,
        actions.MEMBERSHIP_REJECTED,
        membership,
        before={"state": "pending"},
        after={"state": "rejected", "reason": membership.reason},
    )
    return membership


@transaction.atomic
def request_unit_change(actor: Actor, *, unit_id: int) -> Membership:
    """A person names a (new) employer: the old link ends, the new one waits for the unit."""
    person = actor.person
    if person is None:
        raise Forbidden()
    unit = Organisation.objects.filter(pk=unit_id, kind=Organisation.Kind.UNIT, is_active=True).first()
    if unit is None:
        raise Invalid.field("unit_id", _("工作单位：所选单位不存在，请从单位列表中选择。"))
    active = Membership.objects.select_for_update().filter(person=person, state__in=Membership.ACTIVE_STATES)
    for old in active:
        if old.unit_id == unit.pk:
            raise Invalid.field("unit_id", _("工作单位：已是该单位或正在等待该单位确认。"))
        before = {"state": old.state}
        old.state = Membership.State.ENDED
        old.decided_at = timezone.now()
        old.save(update_fields=["state", "decided_at"])
        record(actor, actions.MEMBERSHIP_ENDED, old, before=before, after={"state": "ended"})
    membership = Membership.objects.create(person=person, unit=unit)
    record(
        actor, actions.MEMBERSHIP_REQUESTED, membership, after={"unit": unit.pk, "state": membership.state}
    )
    return membership


@dataclass(frozen=True)
class IssuedToken:
    token: str
    role: str
    organisation: Organisation | None
    expires_at: object


def authenticate_for_token(request, *, login: str, password: str) -> User:
    username = login_name_to_username(login)
    user = authenticate(request, username=username, password=password)
    if getattr(request, "axes_locked_out", False):
        raise Throttled(_("登录失败次数过多，账号已被暂时锁定，请15分钟后再试。"))
    if user is None or not user.is_active:
        raise Unauthenticated(
            _("用户名或密码错误。"), [{"field": "password", "message": _("用户名或密码错误。")}]
        )
    if user.must_change_password:
        # A one-time password was seen by whoever reset it: it opens nothing but the change page.
        message = _("密码已被重置，请先登录网页修改密码后再获取令牌。")
        raise Forbidden(message, [{"field": "password", "message": message}])
    return user


def role_for_token(
    user: User, *, role: str | None = None, organisation_id: int | None = None
) -> RoleAssignment:
    """The role a token is issued for: the one asked for, or the user's primary role."""
    if not role:
        assignment = primary_role(user)
    else:
        candidates = [r for r in user.roles() if r.role == role]
        if organisation_id is not None:
            candidates = [r for r in candidates if r.organisation_id == organisation_id]
        assignment = candidates[0] if candidates else None
    if assignment is None:
        message = _("身份：该账号没有此身份。") if role else _("该账号没有任何身份，请联系管理员。")
        raise Forbidden(message, [{"field": "role", "message": message}])
    return assignment


def primary_role(user: User) -> RoleAssignment | None:
    """The role a token or session starts in: a staff role first, else the person role."""
    order = [Role.BUREAU, Role.AUTHORITY, Role.UNIT, Role.BASE, Role.PERSON]
    roles = sorted(user.roles(), key=lambda r: order.index(r.role))
    return roles[0] if roles else None


@transaction.atomic
def issue_token(user: User, *, role: RoleAssignment) -> IssuedToken:
    token = secrets.token_urlsafe(32)
    expires_at = timezone.now() + settings.API_TOKEN_TTL
    ApiToken.objects.create(
        user=user,
        role=role.role,
        organisation=role.organisation,
        key_hash=crypto.token_hash(token),
        expires_at=expires_at,
    )
    ApiToken.objects.filter(user=user, expires_at__lt=timezone.now()).delete()
    return IssuedToken(token=token, role=role.role, organisation=role.organisation, expires_at=expires_at)


def live_token_sql(joins: str = "") -> str:
    """`FROM … WHERE …` of a live token `t` (parameters: its hash, now) of an active user `u`
    who need not change the password and still holds the token's role (a withdrawn role ends
    it). Written out because every API call runs it: the ORM took longer to build the
    equivalent query with its correlated subquery than the database took to answer it.
    Statements that authenticate and read in one round trip (`me/progress`) put their `joins`
    between (their parameters come first)."""
    return (
        f" FROM {ApiToken._meta.db_table} t JOIN {User._meta.db_table} u ON u.id = t.user_id {joins}"
        " WHERE t.key_hash = %s AND t.expires_at > %s AND u.is_active AND NOT u.must_change_password"
        f" AND EXISTS (SELECT 1 FROM {RoleAssignment._meta.db_table} r"
        " WHERE r.user_id = t.user_id AND r.role = t.role AND (r.organisation_id = t.organisation_id"
        " OR (r.organisation_id IS NULL AND t.organisation_id IS NULL)))"
    )


def live_token_params(key_hash: str) -> list:
    return [key_hash, connection.ops.adapt_datetimefield_value(timezone.now())]


def actor_for_token(token: str) -> Actor | None:
    """The actor of a live token (`live_token_sql`)."""
    sql = "SELECT u.*, t.role AS token_role, t.organisation_id AS token_organisation_id" + live_token_sql()
    user = next(iter(User.objects.raw(sql, live_token_params(crypto.token_hash(token)))), None)
    if user is None:
        return None
    organisation = None
    if user.token_organisation_id is not None:
        organisation = Organisation.objects.filter(pk=user.token_organisation_id).first()
        if organisation is None:  # deleted since the statement above ran
            return None
    return Actor(user=user, role=user.token_role, organisation=organisation)


@transaction.atomic
def reset_password(actor: Actor, *, person_id: int) -> str:
    """A unit (for its confirmed members) or the bureau (its region) resets a person's password
    to a one-time password that must be changed at next login. No e-mail or SMS is assumed.
    An account that also holds a staff role is never reset this way: whoever reads the
    one-time password would act in that role."""
    from accounts.selectors import person_for_actor

    if not actor.is_role(Role.UNIT, Role.BUREAU):
        raise Forbidden()
    person = person_for_actor(actor, person_id)
    if (
        person.user.is_staff
        or person.user.is_superuser
        or any(r.role != Role.PERSON for r in person.user.roles())
    ):
        raise Forbidden(_("该账号同时具有管理身份，只能由本人修改密码或由人社局系统管理员处理。"))
    temporary = _temporary_password()
    user = person.user
    user.set_password(temporary)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    ApiToken.objects.filter(user=user).delete()
    record(actor, actions.USER_PASSWORD_RESET, user, note=f"person={person.pk}")
    return temporary


@transaction.atomic
def correct_person_name(actor: Actor, *, person_id: int, name: str, reason: str) -> Person:
    """A bureau corrects the registered name of a person of its region (checked against the ID
    card), with the reason; audited. Items held because a platform sent the right name under
    this ID number are then credited (`person_identified`)."""
    from accounts.selectors import person_for_actor

    if not actor.is_role(Role.BUREAU):
        raise Forbidden(_("只有人社局可以更正人员姓名。"))
    person = person_for_actor(actor, person_id)
    person = Person.objects.select_for_update().get(pk=person.pk)
    name, reason = (name or "").strip(), (reason or "").strip()
    errors = []
    if not name:
        errors.append({"field": "name", "message": _("姓名：请填写身份证上的姓名。")})
    elif len(name) > 30:
        errors.append({"field": "name", "message": _("姓名：不能超过30个字符。")})
    elif name == person.name:
        errors.append({"field": "name", "message": _("姓名：与现登记姓名相同，无需更正。")})
    if not reason:
        errors.append({"field": "reason", "message": _("更正原因：必须填写（如：核对身份证原件）。")})
    elif len(reason) > 200:
        errors.append({"field": "reason", "message": _("更正原因：不能超过200个字符。")})
    if errors:
        raise Invalid(errors[0]["message"], errors)
    before = {"name": person.name}
    person.name = name
    person.save(update_fields=["name"])
    person.user.first_name = name
    person.user.save(update_fields=["first_name"])
    record(actor, actions.PERSON_NAME_CORRECTED, person, before=before, after={"name": name}, note=reason)
    transaction.on_commit(lambda: person_identified.send(sender=Person, person=person))
    return person


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


@transaction.atomic
def create_staff_account(
    actor: Actor, *, username: str, password: str, role: str, organisation_id: int, name: str = ""
) -> User:
    """Bureau admins create reviewer and operator accounts (also used by the demo loader)."""
    if actor is not SYSTEM and not actor.is_role(Role.BUREAU):
        raise Forbidden()
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        raise Invalid.field("organisation", _("所属机构：所选机构不存在。"))
    expected_kind = {
        Role.UNIT: Organisation.Kind.UNIT,
        Role.AUTHORITY: Organisation.Kind.AUTHORITY,
        Role.BASE: Organisation.Kind.BASE,
        Role.BUREAU: Organisation.Kind.BUREAU,
    }.get(role)
    if expected_kind is None or organisation.kind != expected_kind:
        raise Invalid.field("organisation", _("所属机构：机构类型与身份不符。"))
    user = User.objects.filter(username=username).first()
    if user is None:
        # Bureau staff work in the admin; reviewers and operators never enter it.
        user = User(username=username, first_name=name, is_staff=role == Role.BUREAU)
        user.set_password(password)
        user.save()
        record(actor, actions.USER_CREATED, user, after={"username": username})
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, role=role, organisation=organisation
    )
    if created:
        record(actor, actions.ROLE_GRANTED, assignment, after={"role": role, "organisation": organisation.pk})
    return user


# --- 找回密码: a code by SMS to the registered phone -----------------------------------------

RECOVERY_CODE_MINUTES = 10
RECOVERY_TRIES = 5
RECOVERY_EVERY = dt.timedelta(seconds=60)  # one code a minute per account
RECOVERY_PER_DAY = 5
RECOVERY_FAILED = gettext_noop("验证码错误或已失效，请重新获取验证码。")


def _recovery_account(login: str, phone: str) -> User | None:
    """The person's account if the login (account name or ID number) and the registered phone
    match; staff accounts never recover by SMS (whoever holds the phone would act as staff)."""
    username = login_name_to_username(login)
    user = User.objects.filter(username=username, is_active=True).select_related("person").first()
    if user is None or not hasattr(user, "person") or user.person.phone != (phone or "").strip():
        return None
    if user.is_staff or user.is_superuser or any(r.role != Role.PERSON for r in user.roles()):
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
