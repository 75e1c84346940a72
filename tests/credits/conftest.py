"""Fixtures for the credit-hour tests: every test runs on a settable clock."""

import pytest


@pytest.fixture(autouse=True)
def clock(today):
    """Every credit-hour test runs on the suite's clock (`today`), 2026-11-16 10:00 Shanghai
    unless the test moves it."""
    return today
