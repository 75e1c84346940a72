"""The bureau's credential signing keys (Ed25519), kept outside the database like the
platform's other keys: PEM files (PKCS #8, mode 0600) in `CE_CREDENTIAL_KEY_DIR` (default
`var/keys/credentials/`), one file per key, named `<UTC time>-<kid>.pem`.

`kid` is the key's RFC 7638 JWK thumbprint. `manage.py generate_credential_key` adds a key; the
newest signs; every key in the folder stays published (`/.well-known/jwks.json` and
`/.well-known/did.json`), so credentials signed before a rotation still verify. Remove a key
file only when every credential it signed may stop verifying.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.utils import timezone


class MissingKey(Exception):
    """No signing key has been generated yet."""


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_key: Ed25519PrivateKey

    @property
    def public_jwk(self) -> dict:
        return {**_public_members(self.private_key), "kid": self.kid, "alg": "EdDSA", "use": "sig"}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _public_members(private_key: Ed25519PrivateKey) -> dict:
    raw = private_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return {"crv": "Ed25519", "kty": "OKP", "x": b64url(raw)}


def thumbprint(private_key: Ed25519PrivateKey) -> str:
    """RFC 7638: SHA-256 of the required members in lexicographic order, no whitespace."""
    members = json.dumps(_public_members(private_key), sort_keys=True, separators=(",", ":"))
    return b64url(hashlib.sha256(members.encode()).digest())


def key_dir() -> Path:
    return Path(settings.CE_CREDENTIAL_KEY_DIR)


def generate() -> SigningKey:
    """A new key, written atomically with mode 0600; it signs from now on."""
    private_key = Ed25519PrivateKey.generate()
    kid = thumbprint(private_key)
    folder = key_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    pem = private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".part")
    try:
        os.write(handle, pem)
    finally:
        os.close(handle)
    os.chmod(temporary, 0o600)
    os.replace(temporary, folder / f"{timezone.now():%Y%m%dT%H%M%S%fZ}-{kid}.pem")
    return SigningKey(kid, private_key)


def all_keys() -> list[SigningKey]:
    """Every key in the folder, oldest first."""
    folder = key_dir()
    if not folder.is_dir():
        return []
    keys = []
    for path in sorted(folder.glob("*.pem")):
        private_key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if isinstance(private_key, Ed25519PrivateKey):
            keys.append(SigningKey(thumbprint(private_key), private_key))
    return keys


def signing_key() -> SigningKey:
    keys = all_keys()
    if not keys:
        raise MissingKey(str(key_dir()))
    return keys[-1]


def jwks() -> dict:
    return {"keys": [key.public_jwk for key in all_keys()]}
