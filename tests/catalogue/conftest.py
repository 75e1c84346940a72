"""Fixtures for the catalogue tests: every test runs on the suite's clock."""

import pytest


@pytest.fixture(autouse=True)
def clock(today):
    return today
