"""Fixtures for the statistics tests: every test runs on the suite's settable clock."""

import pytest


@pytest.fixture(autouse=True)
def clock(today):
    return today
