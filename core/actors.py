"""Who is acting: a user in one of their roles, with the organisation that role belongs to.

Every selector and service takes an Actor, so the scope of a query is decided in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PERSON = "person", _("专业技术人员")
    UNIT = "unit", _("用人单位")
    AUTHORITY = "authority", _("行业主管部门")
    BASE = "base", _("继续教育基地")
    BUREAU = "bureau", _("人社局")


@dataclass(frozen=True)
class Actor:
    # accounts' User and organisations' Organisation, typed by their Django bases: core sits
    # below every app and imports none of them.
    user: AbstractBaseUser | None
    role: str
    organisation: models.Model | None = None

    @property
    def person(self) -> models.Model | None:
        if self.role != Role.PERSON or self.user is None:
            return None
        return getattr(self.user, "person", None)

    @property
    def label(self) -> str:
        if self.user is None:
            return "system"
        return f"{self.user.username}/{self.role}"

    def is_role(self, *roles: str) -> bool:
        return self.role in roles


SYSTEM = Actor(user=None, role="system")
