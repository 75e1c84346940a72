"""Fixtures for the certificate tests: the suite's frozen clock, a signing key of their own
(a temporary CE_CREDENTIAL_KEY_DIR), and 张三's hours of 2025 and 2026 (tests/reports)."""

import pytest
from django.core.management import call_command

from tests.reports.conftest import credit, hours  # noqa: F401 (张三's hours; credit() helper)


@pytest.fixture(autouse=True)
def clock(today):
    return today


@pytest.fixture
def signing_key(settings, tmp_path):
    settings.CE_CREDENTIAL_KEY_DIR = tmp_path / "keys"
    call_command("generate_credential_key", "--if-missing", verbosity=0)
    from certificates import keys

    return keys.signing_key()
