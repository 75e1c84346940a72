"""Registration (管理入口) and the account names people sign in with."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import Membership, Person, RoleAssignment, User
from accounts.signals import person_identified
from audit import actions
from audit.services import record
from core import crypto, idnumber
from core.actors import Actor, Role
from core.errors import DomainError, Invalid
from organisations.models import Organisation, phone_validator
from organisations.selectors import units
from policy.models import Profession


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
    unit = units().filter(pk=data.unit_id).first()
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
