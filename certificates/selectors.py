"""Reads of certificates, scoped by the actor: the person's certificate and its live register
(their own, or one in a unit's, authority's or bureau's scope; another scope → 404), and the
public reads: a printout by number and code, the revocation status list, the published keys.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from accounts.models import Person
from accounts.selectors import person_for_actor
from certificates import numbering
from certificates.credentials import STATUS_LIST_SIZE
from certificates.models import Certificate, CertificatePrint, YearCredential
from certificates.register import changed_years, register_of
from core.actors import Actor, Role
from core.errors import Forbidden, NotFound
from credits import selectors as credit_selectors
from reports.selectors import normalise_code


@dataclass(frozen=True)
class CertificateView:
    person: Person
    certificate: Certificate | None
    register: list[dict]
    credentials: list[YearCredential]


def person_of(actor: Actor, person_id: int | None = None) -> Person:
    """The acting person (person_id None), or a person in a staff actor's scope."""
    if person_id is None:
        if not actor.is_role(Role.PERSON):
            raise Forbidden(_forbidden())
        return credit_selectors.own_person(actor)
    if not actor.is_role(Role.UNIT, Role.AUTHORITY, Role.BUREAU):
        raise Forbidden(_forbidden())
    return person_for_actor(actor, person_id)


def _forbidden() -> str:
    return _("当前身份不能查看继续教育证书。")


def certificate_view(person: Person) -> CertificateView:
    """`person` already resolved through person_of."""
    return CertificateView(
        person=person,
        certificate=Certificate.objects.filter(person=person).first(),
        register=list(reversed(register_of(person))),
        credentials=list(YearCredential.objects.filter(person=person)[:20]),
    )


@dataclass(frozen=True)
class Verification:
    print: CertificatePrint
    certificate: Certificate
    register: list[dict]
    changed_years: list[int]

    @property
    def changed(self) -> bool:
        return bool(self.changed_years)


def verify(number: str, code: str) -> Verification:
    """Public: the printout with this certificate number and code, the register it showed, and
    the years that have changed since. Unknown number, wrong code or a code of another
    certificate are the same NotFound: the page never tells whether a number exists."""
    number, code = numbering.normalise(number), normalise_code(code)
    found = None
    if numbering.is_well_formed(number) and len(code) == 12:
        found = (
            CertificatePrint.objects.select_related("certificate", "certificate__person")
            .filter(code=code, certificate__number=number)
            .first()
        )
    if found is None:
        raise NotFound("未找到与该证书编号和核验码相符的打印件。")
    printed = found.snapshot["register"]
    return Verification(
        print=found,
        certificate=found.certificate,
        register=printed,
        changed_years=changed_years(printed, register_of(found.certificate.person)),
    )


def revoked_positions(list_no: int) -> set[int]:
    """Positions set in status list `list_no` (from 1): the revoked credentials' indexes."""
    low = (list_no - 1) * STATUS_LIST_SIZE
    ids = YearCredential.objects.filter(
        revoked_at__isnull=False, pk__gte=low, pk__lt=low + STATUS_LIST_SIZE
    ).values_list("pk", flat=True)
    return {pk - low for pk in ids}


def status_list_exists(list_no: int) -> bool:
    if list_no < 1:
        return False
    return list_no == 1 or YearCredential.objects.filter(pk__gte=(list_no - 1) * STATUS_LIST_SIZE).exists()
