"""Reading filings: what is accepted, and what an actor may see."""

from __future__ import annotations

from django.db.models import QuerySet

from core import crypto
from filings.models import FilingState, PlanItem, PlatformCredential, PlatformFiling


def accepted_platform_filings(year: int) -> QuerySet[PlatformFiling]:
    """The learning entrance (学习入口): platforms whose filing for `year` is accepted."""
    return PlatformFiling.objects.filter(year=year, state=FilingState.ACCEPTED).order_by("site_name")


def credential_for_token(token: str) -> PlatformCredential | None:
    """The live credential a platform pushes with (revoked ones no longer authenticate)."""
    return (
        PlatformCredential.objects.select_related("platform", "filing")
        .filter(key_hash=crypto.token_hash(token), revoked_at__isnull=True)
        .first()
    )


def recognised_plan_item(plan_item_id: int | None) -> PlanItem | None:
    """The plan item if its plan is accepted (备案); training outside one is not recognised."""
    if not plan_item_id:
        return None
    return (
        PlanItem.objects.select_related("plan", "plan__filer")
        .filter(pk=plan_item_id, plan__state=FilingState.ACCEPTED)
        .first()
    )


def platform_offers(platform_id: int, year: int, category: str) -> bool:
    """Whether the platform has an accepted filing for `year` that covers `category`."""
    field = "offers_public" if category == "public" else "offers_professional"
    return PlatformFiling.objects.filter(
        platform_id=platform_id, year=year, state=FilingState.ACCEPTED, **{field: True}
    ).exists()
