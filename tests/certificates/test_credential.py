"""The yearly credential: an Open Badges 3.0 OpenBadgeCredential signed as VC-JWT (EdDSA),
verified offline with PyJWT against the JWK published at /.well-known/jwks.json (and the
did:web document); a tampered credential fails; the subject is a salted hash, never the ID
number; revoking a record of the year sets the credential's bit in the status list."""

import base64
import datetime as dt
import hashlib
import json
from decimal import Decimal

import jwt
import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from audit.models import AuditEntry
from certificates import credentials
from certificates.models import YearCredential
from credits import ledger
from credits.models import HourRecord, RecordState
from sampling import services as sampling_services
from tests.certificates.conftest import credit
from tests.sampling.helpers import approved, authority

pytestmark = pytest.mark.django_db


def download(world, year=2026):
    client = Client()
    client.force_login(world.person.user)
    response = client.get(f"/certificates/credentials/{year}.jwt")
    assert response.status_code == 200, response.content.decode()
    assert response["Content-Type"] == "application/vc+jwt"
    return response.content.decode()


def published_key(token):
    """What a verifier does, offline once it has fetched the issuer's JWKS."""
    jwks = Client().get("/.well-known/jwks.json").json()
    kid = jwt.get_unverified_header(token)["kid"]
    issuer, fragment = kid.split("#")
    assert issuer == "did:web:testserver"
    return jwt.PyJWKSet.from_dict(jwks)[fragment]


def verify(token):
    return jwt.decode(token, published_key(token).key, algorithms=["EdDSA"])


def test_the_credential_verifies_against_the_published_key(world, hours, signing_key):
    token = download(world)
    header = jwt.get_unverified_header(token)
    assert header == {
        "alg": "EdDSA",
        "kid": f"did:web:testserver#{signing_key.kid}",
        "typ": "vc+jwt",
        "cty": "vc",
    }
    vc = verify(token)
    assert vc["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert vc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert vc["issuer"]["id"] == "did:web:testserver"
    assert vc["issuer"]["name"] == "三门峡市人力资源和社会保障局"
    assert vc["validFrom"] == "2026-11-16T02:00:00Z"  # 10:00 in Shanghai, the frozen clock
    subject = vc["credentialSubject"]
    assert subject["achievement"]["name"] == "2026 年度继续教育学时记录"  # not compliant yet
    results = {r["resultDescription"].rsplit("#", 1)[1]: r for r in subject["result"]}
    assert results["professional"]["value"] == "48" and results["status"]["status"] == "InProgress"
    assert [e["name"] for e in vc["evidence"]][:2] == ["新发展理念专题", "数字经济与创新驱动"]

    # the subject: a salted hash of the ID number, checkable by whoever knows the number
    (identity,) = subject["identifier"]
    number = hours.reveal_id_number()
    assert identity["hashed"] is True and identity["identityType"] == "nationalIdentityNumber"
    expected = "sha256$" + hashlib.sha256((number + identity["salt"]).encode()).hexdigest()
    assert identity["identityHash"] == expected
    assert number not in token and number not in json.dumps(vc, ensure_ascii=False)

    did = Client().get("/.well-known/did.json").json()
    (method,) = did["verificationMethod"]
    assert method["id"] == header["kid"] and did["assertionMethod"] == [header["kid"]]
    assert jwt.decode(token, jwt.PyJWK(method["publicKeyJwk"]).key, algorithms=["EdDSA"]) == vc


def test_a_compliant_year_carries_the_achievement(world, hours, signing_key):
    credit(hours, "professional", 12, title="补充专业课", day=dt.date(2026, 10, 9))
    vc = verify(download(world))
    assert vc["credentialSubject"]["achievement"]["name"] == "2026 年度继续教育学时达标"
    assert vc["credentialSubject"]["result"][-1]["status"] == "Completed"
    assert AuditEntry.objects.filter(action="credential.issued").count() == 1


def test_a_tampered_credential_fails(world, hours, signing_key):
    token = download(world)
    head, body, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    claims["credentialSubject"]["result"][1]["value"] = "60"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(jwt.InvalidSignatureError):
        verify(f"{head}.{forged}.{signature}")
    other = jwt.PyJWK(
        {"kty": "OKP", "crv": "Ed25519", "x": base64.urlsafe_b64encode(bytes(32)).rstrip(b"=").decode()}
    )
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, other.key, algorithms=["EdDSA"])


def status_bit(vc):
    entry = vc["credentialStatus"]
    assert entry["type"] == "BitstringStatusListEntry" and entry["statusPurpose"] == "revocation"
    url = entry["statusListCredential"].removeprefix("http://testserver")
    response = Client().get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/vc+jwt"
    status = verify(response.content.decode())  # the list is signed by the same issuer
    assert status["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    bits = credentials.decode_list(status["credentialSubject"]["encodedList"])
    assert len(bits) * 8 == credentials.STATUS_LIST_SIZE
    return credentials.bit_is_set(bits, int(entry["statusListIndex"]))


def test_revoking_a_record_of_the_year_sets_the_status_bit(world, hours, signing_key):
    vc = verify(download(world))
    assert status_bit(vc) is False
    record = HourRecord.objects.get(person=hours, title="装配式建筑施工实践")
    with transaction.atomic():  # as the audit sample's revocation does (sampling.services)
        ledger.move_records([record], RecordState.REJECTED, "三门峡市人社局抽查核验撤销：证明材料不实")
    assert status_bit(vc) is True
    row = YearCredential.objects.get()
    assert "装配式建筑施工实践" in row.revoked_reason
    assert AuditEntry.objects.filter(action="credential.revoked", target_id=str(row.pk)).exists()
    # a credential issued afterwards states the year as it now is, and is live
    assert status_bit(verify(download(world))) is False


def test_records_of_other_years_or_not_stated_leave_the_credential_live(world, hours, signing_key):
    vc = verify(download(world))
    pending = HourRecord.objects.get(person=hours, title="审核中的自学")
    earlier = HourRecord.objects.get(person=hours, year=2025)
    with transaction.atomic():
        ledger.move_records([pending, earlier], RecordState.REJECTED, "未通过")
    assert status_bit(vc) is False


def test_rotation_keeps_old_credentials_verifiable(world, hours, signing_key, today):
    old = download(world)
    today.set(2026, 11, 17, 10, 0)
    call_command("generate_credential_key", verbosity=0)
    new = download(world)
    assert jwt.get_unverified_header(new)["kid"] != jwt.get_unverified_header(old)["kid"]
    assert verify(old) and verify(new)
    assert len(Client().get("/.well-known/jwks.json").json()["keys"]) == 2


def test_the_api_answers_the_credential_and_refuses_what_it_cannot_sign(
    world, hours, signing_key, api_as, settings
):
    person_api = api_as(world.person.user)
    response = person_api.get("me/credentials/2026")
    assert response.status_code == 200 and response["Content-Type"] == "application/vc+jwt"
    assert verify(response.content.decode())["credentialSubject"]["achievement"]
    missing = person_api.get("me/credentials/1999")
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "year"
    assert api_as(world.unit_user).get("me/credentials/2026").status_code == 403
    settings.CE_CREDENTIAL_KEY_DIR = settings.CE_CREDENTIAL_KEY_DIR.parent / "empty"
    no_key = person_api.get("me/credentials/2026")
    assert no_key.status_code == 422 and "generate_credential_key" in no_key.json()["detail"]


def test_an_audit_sample_revocation_revokes_the_credential_of_that_year(world, signing_key):
    person = world.person
    approved(world, person, hours=Decimal("16"))
    client = Client()
    client.force_login(person.user)
    vc = verify(client.get("/certificates/credentials/2026.jwt").content.decode())
    assert vc["credentialSubject"]["result"][1]["value"] == "16"
    assert status_bit(vc) is False
    sample = sampling_services.draw_sample(
        authority(world), draw=sampling_services.DrawInput(year=2026, count=1, seed=1)
    )
    sampling_services.decide(
        authority(world),
        sample_id=sample.pk,
        item_id=sample.items.get().pk,
        outcome="revoked",
        reason="原件与申报不符",
    )
    assert status_bit(vc) is True
    assert "原件与申报不符" in YearCredential.objects.get().revoked_reason


def test_public_documents_without_keys_or_lists(settings, tmp_path):
    settings.CE_CREDENTIAL_KEY_DIR = tmp_path / "none"
    assert Client().get("/.well-known/jwks.json").json() == {"keys": []}
    assert Client().get("/certificates/status/1").status_code == 404
    assert Client().get("/certificates/status/0").status_code == 404
    assert credentials.did_web("127.0.0.1:8000") == "did:web:127.0.0.1%3A8000"


def test_an_unknown_status_list_is_not_found(signing_key):
    assert Client().get("/certificates/status/1").status_code == 200
    assert Client().get("/certificates/status/2").status_code == 404


def test_changed_hours_revoke_and_unchanged_ones_do_not(world, hours, signing_key):
    vc = verify(download(world))
    record = HourRecord.objects.get(person=hours, title="装配式建筑施工实践")
    with transaction.atomic():  # the same 24 hours, written as Decimal("24")
        ledger.move_records([record], RecordState.CREDITED, "", hours=Decimal("24"))
    assert status_bit(vc) is False
    with transaction.atomic():
        ledger.move_records([record], RecordState.CREDITED, "核减", hours=Decimal("20"))
    assert status_bit(vc) is True
