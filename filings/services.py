"""Writing filings: training plans, platform filings, their acceptance and credentials."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from audit.services import record
from core import crypto
from core.actors import Actor
from filings.models import FilingState, PlatformCredential, PlatformFiling
from organisations.models import Organisation
from organisations.services import upsert_organisation

TOKEN_PREFIX = "lp_"


@transaction.atomic
def accept_platform_filing(actor: Actor, filing: PlatformFiling) -> tuple[PlatformFiling, str]:
    """备案: the platform enters the learning entrance and gets its API credential for the year.
    Returns the filing and the credential's token, which is shown only this once."""
    filing = PlatformFiling.objects.select_for_update().get(pk=filing.pk)
    before = {"state": filing.state}
    platform, _ = upsert_organisation(
        actor,
        kind=Organisation.Kind.PLATFORM,
        name=filing.site_name,
        region=filing.filer.region,
        supervisor=filing.filer.supervisor if filing.filer.kind == Organisation.Kind.BASE else filing.filer,
    )
    filing.platform = platform
    filing.state = FilingState.ACCEPTED
    filing.decided_at = timezone.now()
    filing.decided_by = actor.user
    filing.save(update_fields=["platform", "state", "decided_at", "decided_by"])
    record(actor, "platform_filing.accepted", filing, before=before, after={"state": filing.state})
    _, token = issue_credential(actor, filing)
    return filing, token


@transaction.atomic
def issue_credential(actor: Actor, filing: PlatformFiling) -> tuple[PlatformCredential, str]:
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    credential = PlatformCredential.objects.create(
        filing=filing,
        platform=filing.platform,
        year=filing.year,
        key_prefix=token[:10],
        key_hash=crypto.token_hash(token),
        created_by=actor.user,
    )
    record(actor, "platform_credential.issued", credential, after={"prefix": credential.key_prefix})
    return credential, token


@transaction.atomic
def revoke_credential(actor: Actor, credential: PlatformCredential) -> PlatformCredential:
    if credential.revoked_at is None:
        credential.revoked_at = timezone.now()
        credential.save(update_fields=["revoked_at"])
        record(actor, "platform_credential.revoked", credential, after={"revoked_at": credential.revoked_at})
    return credential
