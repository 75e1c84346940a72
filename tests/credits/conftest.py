"""Fixtures for the credit-hour tests: every test runs on a settable clock."""

import pytest

from tests.credits.helpers import Clock


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """timezone.now() frozen at 2026-11-16 10:00 Shanghai (a Monday) unless a test moves it."""
    return Clock(monkeypatch)
