from accounts.selectors import roles_of
from core.actors import Actor

SESSION_KEY = "active_role_id"


def actor_from_session(request) -> Actor | None:
    """The logged-in user in the role chosen for this session (the first one by default)."""
    user = request.user
    if not user.is_authenticated:
        return None
    roles = roles_of(user)
    if not roles:
        return None
    chosen = next((r for r in roles if r.pk == request.session.get(SESSION_KEY)), roles[0])
    return Actor(user=user, role=chosen.role, organisation=chosen.organisation)


class ActiveRoleMiddleware:
    """Sets request.actor, the role a web user currently acts in (switchable)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.actor = actor_from_session(request)
        return self.get_response(request)
