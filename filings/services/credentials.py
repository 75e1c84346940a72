"""Platform credentials (平台接口密钥): issued on acceptance, rotated and revoked by the bureau
that accepts the filing or by the filer.

Each public function is one transaction and leaves an audit entry for every state change.
"""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import actions
from audit.services import record
from core import crypto
from core.actors import Actor
from core.errors import Forbidden, Invalid, NotFound
from filings import selectors
from filings.models import FilingState, PlatformCredential, PlatformFiling

TOKEN_PREFIX = "lp_"


def _may_manage_credentials(actor: Actor, filing_id: int) -> None:
    """The bureau that accepts the filing (or the province bureau over it) and the filer manage
    a platform's credentials; a county bureau only reads."""
    filing = selectors.platform_filings_in_scope(actor).filter(pk=filing_id).first()
    if filing is None:
        raise NotFound()
    if selectors.may_decide(actor, filing):
        return
    if actor.organisation is not None and filing.filer_id == actor.organisation.pk:
        return
    raise Forbidden(_("只有受理备案的市人社局或备案单位可以管理平台接口密钥。"))


@transaction.atomic
def issue_credential(actor: Actor, *, filing_id: int) -> tuple[PlatformCredential, str]:
    """A new API key of the platform for the filing's year; the token is returned only here."""
    _may_manage_credentials(actor, filing_id)
    filing = PlatformFiling.objects.select_for_update().get(pk=filing_id)
    if filing.state != FilingState.ACCEPTED or filing.platform_id is None:
        raise Invalid.field("state", _("状态：平台备案尚未通过，不能签发接口密钥。"))
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    credential = PlatformCredential.objects.create(
        filing=filing,
        platform_id=filing.platform_id,
        year=filing.year,
        key_prefix=token[:10],
        key_hash=crypto.token_hash(token),
        created_by=actor.user,
    )
    record(
        actor,
        actions.PLATFORM_CREDENTIAL_ISSUED,
        credential,
        after={"prefix": credential.key_prefix, "year": credential.year, "platform": filing.platform_id},
    )
    return credential, token


def _revoke(actor: Actor, credential_id: int) -> PlatformCredential:
    credential = PlatformCredential.objects.select_for_update().select_related("filing").get(pk=credential_id)
    _may_manage_credentials(actor, credential.filing_id)
    if credential.revoked_at is None:
        credential.revoked_at = timezone.now()
        credential.save(update_fields=["revoked_at"])
        record(
            actor,
            actions.PLATFORM_CREDENTIAL_REVOKED,
            credential,
            before={"revoked_at": None},
            after={"revoked_at": credential.revoked_at},
        )
    return credential


@transaction.atomic
def revoke_credential(actor: Actor, *, credential_id: int) -> PlatformCredential:
    """A revoked key no longer authenticates (the push answers 401). Idempotent."""
    credential = selectors.get_credential(actor, credential_id)
    return _revoke(actor, credential.pk)


@transaction.atomic
def rotate_credential(actor: Actor, *, filing_id: int) -> tuple[PlatformCredential, str]:
    """Issue a new key and revoke every live one of the filing, in one step."""
    filing = selectors.get_platform_filing(actor, filing_id)
    old = list(filing.credentials.filter(revoked_at__isnull=True).values_list("pk", flat=True))
    credential, token = issue_credential(actor, filing_id=filing.pk)
    for previous in old:
        _revoke(actor, previous)
    return credential, token
