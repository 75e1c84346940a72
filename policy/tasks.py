"""Background work of the policy app."""

from celery import shared_task

from policy.years import open_current_year


@shared_task(name="policy.tasks.open_policy_year")
def open_policy_year() -> int | None:
    """00:00 on 1 January (Asia/Shanghai): the new year's rules, carried forward, exist before
    the first push or page asks for them (and the first use opens them anyway if this ran late)."""
    policy = open_current_year()
    return policy.year if policy else None
