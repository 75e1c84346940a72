"""Test settings: the production settings with fast hashing, fixed keys and temp storage."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("FIELD_ENCRYPTION_KEY", "cnaHvllMvY0YnZ_NGJNVRiAe3dfTE6S6DricnZFGKCI=")
os.environ.setdefault("ID_LOOKUP_KEY", "test-id-lookup-key")

from config.settings import *  # noqa: F403

# Argon2 is the production hasher (asserted in tests/accounts); tests create thousands of
# users, so they hash with MD5 to stay fast.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
PRIVATE_STORAGE_ROOT = Path(tempfile.mkdtemp(prefix="ce-private-"))  # noqa: F405
MEDIA_ROOT = PRIVATE_STORAGE_ROOT
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True  # no collectstatic before tests
# The suite registers and pushes far more than a person would from one address; the rate
# limits are switched on by the tests that check them (tests/core/test_rate_limits.py).
CE_RATE_LIMITS = dict.fromkeys(CE_RATE_LIMITS, "")  # noqa: F405
