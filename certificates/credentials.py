"""The yearly credential: a person's year as an Open Badges 3.0 `OpenBadgeCredential` (W3C
Verifiable Credentials Data Model 2.0), secured as VC-JWT (VC-JOSE-COSE: a compact JWS whose
payload is the credential, header `alg: EdDSA`, `typ: vc+jwt`, `cty: vc`, `kid` the issuer's
DID URL), signed with the bureau's Ed25519 key (certificates.keys) through PyJWT.

The issuer is `did:web:<host>`: its DID document is `/.well-known/did.json` and the same keys
are `/.well-known/jwks.json` (the `kid` of a JWKS entry is the fragment of the header's `kid`).

The subject is never named by the ID number: `credentialSubject.identifier` holds an Open Badges
IdentityObject `identityHash = "sha256$" + hex(SHA-256(ID number + salt))`, `hashed: true`,
with a fresh random salt per credential printed beside it. Whoever knows the holder's ID number
(an employer the holder shows it to) can check it; the hash alone does not reveal it, and two
credentials of one person carry different hashes.

Revocation: `credentialStatus` is a BitstringStatusListEntry (W3C Bitstring Status List v1.0,
purpose `revocation`); the list is a credential too, signed the same way, published at
`statusListCredential` and made from the database on each request.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import hashlib
import secrets
from urllib.parse import quote

import jwt

from certificates.keys import SigningKey, b64url

CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
MEDIA_TYPE = "application/vc+jwt"
ALGORITHM = "EdDSA"
# W3C Bitstring Status List: at least 131,072 entries per list (16 KB), so that one entry
# says nothing about which credential a verifier asked about.
STATUS_LIST_SIZE = 131_072


def did_web(host: str) -> str:
    """did:web of the host the platform is reached under (a port is percent-encoded)."""
    return "did:web:" + quote(host.lower(), safe=".-")


def new_salt() -> str:
    return secrets.token_hex(16)


def identity_hash(id_number: str, salt: str) -> str:
    return "sha256$" + hashlib.sha256((id_number + salt).encode()).hexdigest()


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def status_position(index: int) -> tuple[int, int]:
    """(list number from 1, position in that list) of a credential's status index."""
    return index // STATUS_LIST_SIZE + 1, index % STATUS_LIST_SIZE


def encoded_list(positions: set[int]) -> str:
    """The bitstring with `positions` set (bit 0 is the first byte's most significant bit),
    GZIP-compressed and multibase base64url-encoded without padding (prefix "u")."""
    bits = bytearray(STATUS_LIST_SIZE // 8)
    for position in positions:
        bits[position // 8] |= 0x80 >> (position % 8)
    return "u" + b64url(gzip.compress(bytes(bits), mtime=0))


def decode_list(encoded: str) -> bytes:
    assert encoded.startswith("u")
    data = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))


def bit_is_set(bitstring: bytes, position: int) -> bool:
    return bool(bitstring[position // 8] & (0x80 >> (position % 8)))


def sign(payload: dict, key: SigningKey, issuer: str) -> str:
    headers = {"kid": f"{issuer}#{key.kid}", "typ": "vc+jwt", "cty": "vc"}
    return jwt.encode(payload, key.private_key, algorithm=ALGORITHM, headers=headers)


def did_document(issuer: str, jwks: dict) -> dict:
    methods = [
        {
            "id": f"{issuer}#{jwk['kid']}",
            "type": "JsonWebKey",
            "controller": issuer,
            "publicKeyJwk": {k: jwk[k] for k in ("kty", "crv", "x", "kid", "alg")},
        }
        for jwk in jwks["keys"]
    ]
    ids = [m["id"] for m in methods]
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/jwk/v1"],
        "id": issuer,
        "verificationMethod": methods,
        "assertionMethod": ids,
        "authentication": ids,
    }


def status_list_credential(issuer: str, url: str, positions: set[int], now: dt.datetime) -> dict:
    return {
        "@context": [CONTEXTS[0]],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": iso(now),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded_list(positions),
        },
    }
