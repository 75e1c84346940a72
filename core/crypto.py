"""Field encryption (Fernet, rotatable keys) and keyed look-up hashes for identity numbers."""

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(k.encode()) for k in settings.FIELD_ENCRYPTION_KEYS])


def encrypt(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode()


def lookup_hash(value: str, key: str | None = None) -> str:
    """HMAC-SHA256 so that equal numbers can be found without storing them in clear; `key`
    checks a key set other than the configured one (restore)."""
    key = settings.ID_LOOKUP_KEY if key is None else key
    return hmac.new(key.encode(), value.encode(), hashlib.sha256).hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
