"""What every page shares: the acting role check."""

from django.utils.translation import gettext as _

from core.actors import Actor
from core.errors import Forbidden


def actor_in_role(request, *roles: str, message: str | None = None) -> Actor:
    """The request's actor if it acts in one of `roles` (any role when none is given)."""
    actor = getattr(request, "actor", None)
    if actor is None or (roles and not actor.is_role(*roles)):
        raise Forbidden(message or _("当前身份不能使用此页面。"))
    return actor
