"""API tokens: who may have one, in which role, and whose a presented token is."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ApiToken, RoleAssignment, User
from accounts.services.registration import login_name_to_username
from core import crypto
from core.actors import Actor, Role
from core.errors import Forbidden, Throttled, Unauthenticated
from organisations.models import Organisation


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
