import pytest
import time_machine
from django.conf import settings
from django.db import connections
from django.test import Client

from organisations.models import Region
from provisioning.reference import load_reference_data
from tests import factories
from tests.clock import TODAY, Clock


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Reference data (regions, bases, policy, calendar) once per test database, as loaded on
    TODAY (policies 2025–2026): what exists does not depend on the day the suite runs."""
    with django_db_blocker.unblock(), time_machine.travel(TODAY, tick=False):
        load_reference_data()
    yield
    if settings.DATABASE_POOLER:
        # Behind PgBouncer (README, "Read replica, PgBouncer and the sharding path") its idle
        # server sessions still hold the test database that Django is about to drop.
        name = connections["default"].settings_dict["NAME"]
        connections.close_all()
        with django_db_blocker.unblock(), connections["default"]._nodb_cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name]
            )


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Tests that flush the database (transactional ones) get the reference data back."""
    if "django_db_setup" not in request.fixturenames:
        return
    flushing = "transactional_db" in request.fixturenames or "live_server" in request.fixturenames
    if flushing:
        request.getfixturevalue("transactional_db")
        if not Region.objects.exists():
            with time_machine.travel(TODAY, tick=False):
                load_reference_data()


@pytest.fixture
def today():
    """The clock frozen at `tests.clock.TODAY` (2026-11-16 10:00 Shanghai); `today.set(...)`
    moves it. Every test whose outcome depends on the date asks for it (directly, or through
    the autouse `clock` of tests/credits and tests/reports); the others run on the real clock,
    and CI runs them again with the process clock on 4 January of next year (libfaketime)."""
    clock = Clock()
    clock.set(TODAY)
    yield clock
    clock.stop()


@pytest.fixture
def running_today():
    """Like `today` but the clock runs on from TODAY (browser tests and live servers, whose
    sessions and timeouts need time to pass)."""
    clock = Clock()
    clock.set(TODAY, tick=True)
    yield clock
    clock.stop()


@pytest.fixture
def world(db):
    """Two authorities, three units, a base, a bureau, their staff, and confirmed people."""
    return factories.World.build()


class ApiClient:
    """A thin client for /api/v1/ that sends JSON and an optional bearer token."""

    def __init__(self, token: str | None = None):
        self.client = Client()
        self.token = token

    def _headers(self):
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token}"} if self.token else {}

    def get(self, path, **params):
        return self.client.get(f"/api/v1/{path}", params, **self._headers())

    def post(self, path, data=None, **extra):
        return self.client.post(
            f"/api/v1/{path}", data=data or {}, content_type="application/json", **self._headers(), **extra
        )

    def upload(self, path, files: dict):
        return self.client.post(f"/api/v1/{path}", data=files, **self._headers())


@pytest.fixture
def api():
    return ApiClient()


@pytest.fixture
def api_as():
    def make(user, role=None):
        return ApiClient(factories.token_for(user, role))

    return make
