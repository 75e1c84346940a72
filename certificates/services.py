"""Writes of certificates: numbering a person's certificate (once), printing it, issuing a
yearly credential, and revoking credentials whose records the ledger has taken back.

ensure_certificate(actor, person_id=) → Certificate (the existing one, or a new number)
print_certificate(actor, verify_url=) → Printed(print, pdf, filename)
issue_year_credential(actor, year=, host=, base_url=) → Credential(credential, token, filename)
revoke_for_record(record) → credentials revoked (the ledger listener, certificates.receivers)

Each write is one transaction with its audit entry.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Person
from accounts.selectors import current_membership
from audit import actions
from audit.services import record as audit
from certificates import credentials, keys, numbering
from certificates.models import Certificate, CertificatePrint, YearCredential
from certificates.pdf import CertificateSheet, render_certificate_pdf
from certificates.register import digest, register_of
from core.actors import SYSTEM, Actor, Role
from core.dates import local_day, today
from core.errors import Forbidden, Invalid
from credits import selectors as credit_selectors
from credits.models import HourRecord, RecordState
from organisations.models import Organisation, Region
from reports.services import new_code

# ---------------------------------------------------------------------------------------------
# the certificate and its number


def issuing_region(person: Person) -> Region:
    """The bureau that issues: the city (or province) of the person's current unit; without a
    unit, the city this installation serves (CE_HOME_REGION)."""
    membership = current_membership(person)
    region = membership.unit.region if membership else None
    while region is not None and region.level not in (Region.Level.CITY, Region.Level.PROVINCE):
        region = region.parent
    return region or Region.objects.get(code=settings.CE_HOME_REGION)


def ensure_certificate(actor: Actor, *, person_id: int) -> Certificate:
    """The person's certificate, numbered the first time anyone entitled opens it. The number
    is never changed afterwards (employer or city changes keep it)."""
    return _ensure_certificate(actor, Person.objects.get(pk=person_id))


def _ensure_certificate(actor: Actor, person: Person) -> Certificate:
    existing = Certificate.objects.filter(person=person).first()
    if existing is not None:
        return existing
    region = issuing_region(person)
    bureau = Organisation.objects.filter(kind=Organisation.Kind.BUREAU, region=region).order_by("id").first()
    issued_at = timezone.now()
    try:
        with transaction.atomic():
            # one issuer per person at a time; a concurrent second one finds the certificate
            Person.objects.select_for_update().filter(pk=person.pk).first()
            existing = Certificate.objects.filter(person=person).first()
            if existing is not None:
                return existing
            sequence = numbering.next_sequence(region.code, today().year)
            certificate = Certificate.objects.create(
                person=person,
                number=numbering.compose(region.code, today().year, sequence),
                issuing_region=region,
                issuing_bureau=bureau,
                issuing_bureau_name=bureau.name if bureau else f"{region.name}人力资源和社会保障局",
                issuing_level=region.level,
                issued_at=issued_at,
            )
            audit(actor, actions.CERTIFICATE_ISSUED, certificate, after={"number": certificate.number})
            return certificate
    except IntegrityError:
        # SQLite has no row lock: the other issuer's certificate won (its number stands)
        return Certificate.objects.get(person=person)


def _own_person(actor: Actor) -> Person:
    if not actor.is_role(Role.PERSON):
        raise Forbidden(_("只有专业技术人员本人可以打印本人的继续教育证书。"))
    return credit_selectors.own_person(actor)


def _unit_label(person: Person) -> str:
    membership = current_membership(person)
    if membership is None:
        return _("（未关联工作单位）")
    label = membership.unit.name
    if membership.state != membership.State.CONFIRMED:
        label += _("（待单位确认）")
    return label


# ---------------------------------------------------------------------------------------------
# printing


@dataclass(frozen=True)
class Printed:
    print: CertificatePrint
    pdf: bytes
    filename: str


def print_certificate(actor: Actor, *, verify_url: Callable[[str, str], str]) -> Printed:
    """Print the acting person's certificate with its register as it stands now, and keep the
    register (snapshot + SHA-256) so that the printout can be verified later.
    `verify_url(number, code)` is the address printed on it."""
    person = _own_person(actor)
    certificate = _ensure_certificate(actor, person)
    register = register_of(person)
    code = new_code()
    printed_at = timezone.now()
    sheet = CertificateSheet(
        number=certificate.number,
        name=person.name,
        id_number_masked=person.id_number_masked,
        profession=person.profession.name,
        unit=_unit_label(person),
        bureau=certificate.issuing_bureau_name,
        level=certificate.get_issuing_level_display() + _("级"),
        issued_on=local_day(certificate.issued_at),
        register=register,
        printed_at=printed_at,
        code=code,
        verify_url=verify_url(certificate.number, code),
    )
    pdf = render_certificate_pdf(sheet)
    with transaction.atomic():
        printout = CertificatePrint.objects.create(
            certificate=certificate,
            code=code,
            snapshot={"name": person.name, "register": register},
            register_sha256=digest(register),
            pdf_sha256=hashlib.sha256(pdf).hexdigest(),
            printed_at=printed_at,
            printed_by=actor.user,
            printed_role=actor.role,
        )
        audit(
            actor, actions.CERTIFICATE_PRINTED, printout, after={"number": certificate.number, "code": code}
        )
    return Printed(printout, pdf, f"continuing-education-certificate-{certificate.number}.pdf")


# ---------------------------------------------------------------------------------------------
# the yearly credential (Open Badges 3.0, VC-JWT)


@dataclass(frozen=True)
class Credential:
    credential: YearCredential
    token: str
    filename: str


def _achievement(base_url: str, year: int, entry: dict) -> dict:
    kind = "compliant" if entry["compliant"] else "record"
    name = (
        _("%(year)s 年度继续教育学时达标") if entry["compliant"] else _("%(year)s 年度继续教育学时记录")
    ) % {"year": year}
    r = entry["required"]
    achievement_id = f"{base_url}/certificates/achievements/{year}/{kind}"
    parts = [("public", _("公需科目学时")), ("professional", _("专业科目学时")), ("total", _("合计学时"))]
    return {
        "id": achievement_id,
        "type": ["Achievement"],
        "achievementType": "Certificate",
        "name": name,
        "description": _("专业技术人员 %(year)s 年度继续教育学时（经审核计入）。") % {"year": year},
        "criteria": {
            "narrative": _(
                "公需科目不少于 %(public)s 学时、专业科目不少于 %(professional)s 学时、"
                "合计不少于 %(total)s 学时，"
                "三项均达到为达标；学时只计入学习发生的年度。"
            )
            % r
        },
        "resultDescription": [
            *(
                {
                    "id": f"{achievement_id}#{key}",
                    "type": ["ResultDescription"],
                    "name": label,
                    "resultType": "RawScore",
                }
                for key, label in parts
            ),
            {
                "id": f"{achievement_id}#status",
                "type": ["ResultDescription"],
                "name": _("达标情况"),
                "resultType": "Status",
            },
        ],
    }


def _evidence_line(r: dict) -> str:
    parts = [r["completed_on"], r["category_label"], f"{r['method']} / {r['source']}", f"{r['hours']} 学时"]
    return " · ".join([*parts, r["organizer"]] if r["organizer"] else parts)


def issue_year_credential(actor: Actor, *, year: int, host: str, base_url: str) -> Credential:
    """The acting person's `year` as a signed OpenBadgeCredential (a new one on every call:
    its own id, salt and status-list entry). Raises 422 on `year` if the year has no register."""
    person = _own_person(actor)
    entry = next((y for y in register_of(person) if y["year"] == int(year)), None)
    if entry is None:
        raise Invalid.field("year", _("年度：%(year)s 年度没有学时登记。") % {"year": year})
    try:
        key = keys.signing_key()
    except keys.MissingKey:
        raise Invalid(
            _("凭证签名密钥尚未生成，请联系平台管理员（manage.py generate_credential_key）。")
        ) from None
    certificate = _ensure_certificate(actor, person)
    issuer = credentials.did_web(host)
    records = HourRecord.objects.filter(person=person, year=year, state=RecordState.CREDITED).order_by(
        "completed_on", "id"
    )
    record_hours = {str(r.pk): str(r.hours) for r in records}
    now = timezone.now()
    salt = credentials.new_salt()
    credential_id = f"urn:uuid:{uuid.uuid4()}"
    with transaction.atomic():
        row = YearCredential.objects.create(
            person=person,
            year=year,
            credential_id=credential_id,
            kid=key.kid,
            salt=salt,
            record_ids=record_hours,
            compliant=entry["compliant"],
            jwt_sha256="",
            issued_at=now,
            issued_by=actor.user,
        )
        list_no, position = credentials.status_position(row.pk)
        status_url = base_url + reverse("certificates:status_list", args=[list_no])
        achievement = _achievement(base_url, year, entry)
        status = "Completed" if entry["compliant"] else "InProgress"
        payload = {
            "@context": credentials.CONTEXTS,
            "id": credential_id,
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {
                "id": issuer,
                "type": ["Profile"],
                "name": certificate.issuing_bureau_name,
                "url": base_url + "/",
            },
            "validFrom": credentials.iso(now),
            "name": achievement["name"],
            "credentialSubject": {
                "type": ["AchievementSubject"],
                "identifier": [
                    {
                        "type": "IdentityObject",
                        "identityHash": credentials.identity_hash(person.reveal_id_number(), salt),
                        "identityType": "nationalIdentityNumber",
                        "hashed": True,
                        "salt": salt,
                    }
                ],
                "activityStartDate": f"{year}-01-01T00:00:00+08:00",
                "activityEndDate": f"{year}-12-31T23:59:59+08:00",
                "achievement": achievement,
                "result": [
                    *(
                        {
                            "type": ["Result"],
                            "resultDescription": f"{achievement['id']}#{key_}",
                            "value": entry[key_],
                        }
                        for key_ in ("public", "professional", "total")
                    ),
                    {
                        "type": ["Result"],
                        "resultDescription": f"{achievement['id']}#status",
                        "status": status,
                    },
                ],
                "certificateNumber": certificate.number,
            },
            "evidence": [
                {
                    "type": ["Evidence"],
                    "name": r["title"],
                    "description": _evidence_line(r),
                }
                for r in entry["records"]
            ],
            "credentialStatus": {
                "id": f"{status_url}#{position}",
                "type": "BitstringStatusListEntry",
                "statusPurpose": "revocation",
                "statusListIndex": str(position),
                "statusListCredential": status_url,
            },
        }
        token = credentials.sign(payload, key, issuer)
        row.jwt_sha256 = hashlib.sha256(token.encode()).hexdigest()
        row.save(update_fields=["jwt_sha256"])
        audit(actor, actions.CREDENTIAL_ISSUED, row, after={"year": year, "credential_id": credential_id})
    return Credential(row, token, f"credential-{year}-{certificate.number}.jwt")


def revoke_for_record(hour_record: HourRecord) -> list[YearCredential]:
    """Revoke every live credential that states `hour_record` with hours it no longer has
    credited (it left the credited state, or its hours changed). Runs inside the ledger's
    transaction, so the status list flips exactly when the record does; a conditional UPDATE
    revokes a credential once even when two revocations race."""
    live = YearCredential.objects.filter(person_id=hour_record.person_id, revoked_at__isnull=True)
    revoked = []
    for row in live:
        stated = row.record_ids.get(str(hour_record.pk))
        if stated is None:
            continue
        if hour_record.state == RecordState.CREDITED and Decimal(stated) == Decimal(hour_record.hours):
            continue
        reason = (
            _("学时记录“%(title)s”已不再按原学时计入：%(reason)s")
            % {"title": hour_record.title, "reason": hour_record.reason or hour_record.get_state_display()}
        )[:300]
        now = timezone.now()
        if YearCredential.objects.filter(pk=row.pk, revoked_at__isnull=True).update(
            revoked_at=now, revoked_reason=reason
        ):
            row.revoked_at, row.revoked_reason = now, reason
            audit(SYSTEM, actions.CREDENTIAL_REVOKED, row, after={"reason": reason, "record": hour_record.pk})
            revoked.append(row)
    return revoked
