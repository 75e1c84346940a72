"""Who reads which notice, and the help page's questions and contacts.

A published notice reaches an actor when it is addressed to the actor's role (or is public)
and its region is the actor's region or one above it: a notice of the city bureau for units
reaches every unit of the city, one of a county bureau only that county's. Anyone, logged in
or not, reads the public notices. A bureau manages (sees in every state, edits, publishes) the
notices of its region and below. Anything else is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.selectors import current_membership
from bulletins.models import AUDIENCE_ROLES, FaqEntry, Notice, NoticeAttachment, NoticeRead
from core.actors import Actor, Role
from core.errors import Forbidden, NotFound
from organisations.models import Organisation, Region

CONTACTS_CACHE_KEY = "bulletins:contacts"
CONTACTS_CACHE_SECONDS = 300


def _published() -> QuerySet[Notice]:
    return Notice.objects.filter(state=Notice.State.PUBLISHED).select_related("bureau", "region")


def public_notices() -> QuerySet[Notice]:
    """The notices anyone may read without logging in (the public home, the list)."""
    return _published().filter(is_public=True)


def audience_region(actor: Actor) -> Region | None:
    """The region an actor is addressed in: its organisation's (a person: their unit's). An
    organisation above city level that is not a bureau (the provincial bases) works with this
    installation's city (`CE_HOME_REGION`), as it files its plans there."""
    if actor.is_role(Role.PERSON):
        membership = current_membership(actor.person) if actor.person else None
        organisation = membership.unit if membership else None
    else:
        organisation = actor.organisation
    if organisation is None:
        return None
    region = organisation.region
    if region.level == Region.Level.PROVINCE and not actor.is_role(Role.BUREAU):
        return Region.objects.filter(code=settings.CE_HOME_REGION).first() or region
    return region


def reaching_region_ids(region: Region) -> list[int]:
    """`region` and every region above it: the regions whose notices reach it."""
    parents = dict(Region.objects.values_list("pk", "parent_id"))
    ids, node = [], region.pk
    while node is not None and node not in ids:
        ids.append(node)
        node = parents.get(node)
    return ids


def _addressed_to(actor: Actor) -> Q:
    if actor.role not in AUDIENCE_ROLES:
        return Q(is_public=True)
    return Q(is_public=True) | Q(**{f"for_{actor.role}": True})


def notices_for(actor: Actor | None) -> QuerySet[Notice]:
    """The published notices addressed to the actor (its role or public) in its region; for
    nobody logged in, or someone with no region yet, the public ones. Annotated with `is_read`
    for a logged-in user."""
    if actor is None or actor.user is None:
        return public_notices()
    region = audience_region(actor)
    if region is None:  # a person with no employer yet: what everyone reads
        qs = public_notices()
    else:
        qs = _published().filter(_addressed_to(actor), region_id__in=reaching_region_ids(region))
    return qs.annotate(is_read=Exists(NoticeRead.objects.filter(notice=OuterRef("pk"), user=actor.user)))


def unread_count(actor: Actor | None) -> int:
    if actor is None or actor.user is None:
        return 0
    return notices_for(actor).filter(is_read=False).count()


def may_manage(actor: Actor | None) -> bool:
    return actor is not None and actor.is_role(Role.BUREAU) and actor.organisation is not None


def managed_region_ids(actor: Actor) -> list[int]:
    if not may_manage(actor):
        raise Forbidden()
    return actor.organisation.region.descendant_ids()


def managed_notices(actor: Actor) -> QuerySet[Notice]:
    """Every notice of the bureau's region and below, in every state (drafts included)."""
    return Notice.objects.filter(region_id__in=managed_region_ids(actor)).select_related(
        "bureau", "region", "created_by"
    )


def managed_notice(actor: Actor, notice_id: int) -> Notice:
    notice = managed_notices(actor).filter(pk=notice_id).first()
    if notice is None:
        raise NotFound()
    return notice


def notice_for(actor: Actor | None, notice_id: int) -> Notice:
    """A notice the actor may read: public, addressed to it, or one it manages; else NotFound."""
    notice = public_notices().filter(pk=notice_id).first()
    if notice is None and actor is not None and actor.user is not None:
        notice = notices_for(actor).filter(pk=notice_id).first()
        if notice is None and may_manage(actor):
            notice = managed_notices(actor).filter(pk=notice_id).first()
    if notice is None:
        raise NotFound()
    return notice


def attachment_for(actor: Actor | None, notice_id: int, attachment_id: int) -> NoticeAttachment:
    notice = notice_for(actor, notice_id)
    attachment = notice.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound()
    return attachment


def region_choices(actor: Actor) -> QuerySet[Region]:
    """The regions a bureau may address a notice to: its own and those below it."""
    return Region.objects.filter(pk__in=managed_region_ids(actor)).order_by("code")


# ---------------------------------------------------------------------------------------------
# help: questions and contacts


def faq_entries(include_hidden: bool = False) -> QuerySet[FaqEntry]:
    qs = FaqEntry.objects.all()
    return qs if include_hidden else qs.filter(is_published=True)


@dataclass(frozen=True)
class FaqGroup:
    audience: str
    label: str
    entries: list[FaqEntry]


def faq_by_role(first: str | None = None) -> list[FaqGroup]:
    """The published questions grouped by role, in the order of the roles (the reader's own
    role first when given)."""
    entries = list(faq_entries())
    order = [r.value for r in AUDIENCE_ROLES]
    if first in order:
        order.remove(first)
        order.insert(0, first)
    groups = []
    for audience in order:
        rows = [e for e in entries if e.audience == audience]
        if rows:
            groups.append(FaqGroup(audience, str(Role(audience).label), rows))
    return groups


def faq_entry(entry_id: int) -> FaqEntry:
    entry = FaqEntry.objects.filter(pk=entry_id).first()
    if entry is None:
        raise NotFound()
    return entry


def may_edit_faq(actor: Actor | None) -> bool:
    """City and province bureaus edit the help page (it is the installation's); county bureaus
    read it, as they read the year's rules."""
    return may_manage(actor) and actor.organisation.region.level in (Region.Level.CITY, Region.Level.PROVINCE)


@dataclass(frozen=True)
class Contact:
    name: str
    person: str
    phone: str


@dataclass(frozen=True)
class Contacts:
    bureau: Contact | None
    bases: list[Contact]


def contacts() -> Contacts:
    """The help lines of every page's footer: the bureau's phone (`CE_HELP_PHONE`, else the
    contact phone of the home city's bureau in the registry) and the bases of the registry that
    have a contact phone (the municipal bases of attachment 2). Cached for a few minutes and
    dropped whenever an organisation is saved."""
    found = cache.get(CONTACTS_CACHE_KEY)
    if found is None:
        found = _contacts()
        cache.set(CONTACTS_CACHE_KEY, found, CONTACTS_CACHE_SECONDS)
    return found


def _contacts() -> Contacts:
    bureau = (
        Organisation.objects.filter(
            kind=Organisation.Kind.BUREAU, region__code=settings.CE_HOME_REGION, is_active=True
        )
        .order_by("pk")
        .first()
    )
    phone = settings.CE_HELP_PHONE or (bureau.contact_phone if bureau else "")
    bureau_line = None
    if phone:
        name = bureau.name if bureau else ""
        bureau_line = Contact(name, bureau.contact_name if bureau else "", phone)
    bases = [
        Contact(b.name, b.contact_name, b.contact_phone)
        for b in Organisation.objects.filter(kind=Organisation.Kind.BASE, is_active=True)
        .exclude(contact_phone="")
        .order_by("base_level", "registry_no", "name")[:6]
    ]
    return Contacts(bureau_line, bases)
