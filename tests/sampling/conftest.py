"""Fixtures for the audit-sampling tests: every test runs on the suite's clock (2026-11-16)."""

import pytest


@pytest.fixture(autouse=True)
def clock(today):
    return today
