from accounts.middleware import SESSION_KEY
from accounts.selectors import roles_of


def roles(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    assignments = roles_of(user)
    active = request.session.get(SESSION_KEY) or (assignments[0].pk if assignments else None)
    return {"role_assignments": assignments, "active_role_id": active}
