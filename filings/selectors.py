"""Reading filings: what is accepted, and what an actor may see."""

from __future__ import annotations

from django.db.models import QuerySet

from core import crypto
from filings.models import FilingState, PlatformCredential, PlatformFiling


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
