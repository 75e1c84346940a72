"""How a declaration's state is shown: the Bootstrap colour of its badge."""

_STATE_BADGES = {
    "draft": "secondary",
    "pending_unit": "warning",
    "pending_authority": "warning",
    "approved": "success",
    "rejected": "danger",
    "returned": "info",
    "not_recognised": "danger",
}


def state_badge(state: str) -> str:
    """The badge colour of a declaration state (grey for one not listed)."""
    return _STATE_BADGES.get(state, "secondary")
