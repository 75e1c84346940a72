"""Statistics and exports on a real PostgreSQL streaming replica (core.replica): what the
primary commits appears on the replica once it has replayed that far; the compliance export and
listings read the replica; a person's progress is always the primary's, even while the replica
lags (its replay paused); a request that wrote reads its statistics on the primary.

Needs the replica of scripts/pg_replica.sh (README, "Read replica, PgBouncer and the sharding
path"). Django creates the test database on the primary only (DATABASES["replica"]["TEST"]
["MIRROR"]); it reaches the replica by streaming, and these tests point the "replica" alias
at that copy of it on the replica's port.
"""

import datetime as dt
import io
import os
import time
from decimal import Decimal

import psycopg
import pytest
from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from accounts.models import Person
from core.actors import Role
from core.replica import PrimaryAfterWriteMiddleware, reporting_alias
from credits import ledger, selectors
from credits.models import HourRecord, RecordState, Source, YearSummary
from credits.selectors import ComplianceFilter
from policy.models import Method
from reports import services
from reports.models import ExportJob
from tests import factories
from tests.conftest import ApiClient

pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("DATABASE_REPLICA_URL")
        or not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="needs PostgreSQL and a real streaming replica: run scripts/pg_replica.sh as root and set "
        "DATABASE_REPLICA_URL=postgres://postgres@127.0.0.1:5433/<db> (CI does not)",
    ),
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
]

CATCH_UP_SECONDS = 60


class Replica:
    """Control of the real replica over a connection of its own (its `postgres` database)."""

    def __init__(self):
        s = settings.DATABASES["replica"]
        self.control = psycopg.connect(
            host=s["HOST"], port=s["PORT"] or 5432, user=s["USER"], dbname="postgres", autocommit=True
        )

    def value(self, sql: str, params=()):
        return self.control.execute(sql, params).fetchone()[0]

    def catch_up(self) -> None:
        """Wait until the replica has replayed everything the primary has written so far."""
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()")
            target = cursor.fetchone()[0]
        give_up = time.monotonic() + CATCH_UP_SECONDS
        while not self.value("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target]):
            assert time.monotonic() < give_up, "the replica did not catch up (scripts/pg_replica.sh status)"
            time.sleep(0.05)

    def pause(self) -> None:
        """Simulate lag: the replica keeps receiving WAL but replays none of it."""
        self.value("SELECT pg_wal_replay_pause()::text")
        while self.value("SELECT pg_get_wal_replay_pause_state()") != "paused":
            time.sleep(0.02)

    def resume(self) -> None:
        self.value("SELECT pg_wal_replay_resume()::text")


@pytest.fixture
def replica(transactional_db, today):
    """The "replica" alias on the real replica's copy of this test database (the suite's
    mirror of the primary otherwise), caught up; replay resumed afterwards whatever happens."""
    control = Replica()
    alias = connections["replica"]
    mirror = alias.settings_dict
    alias.close()
    alias.settings_dict = {
        **settings.DATABASES["replica"],
        "NAME": connections["default"].settings_dict["NAME"],
    }
    control.catch_up()  # the test database itself (created, migrated, flushed) included
    try:
        yield control
    finally:
        control.resume()
        alias.close()
        alias.settings_dict = mirror
        control.control.close()


def credit(person: Person, category: str, hours: int) -> None:
    with transaction.atomic():
        ledger.add_records(
            [
                HourRecord(
                    person=person,
                    year=2026,
                    category=category,
                    method=Method.ONLINE,
                    hours=Decimal(hours),
                    source=Source.PLATFORM,
                    state=RecordState.CREDITED,
                    title="课程",
                    completed_on=dt.date(2026, 6, 1),
                )
            ]
        )


def names_in_export(actor) -> set[str]:
    job = services.start_compliance_export(actor, ComplianceFilter(year=2026))  # eager: runs right here
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE, job.error
    with job.file.open("rb") as f:
        rows = list(load_workbook(io.BytesIO(f.read())).active.iter_rows(values_only=True))
    return {r[1] for r in rows[3:] if r and r[0] == actor.organisation.name}


def test_the_replica_alias_is_a_real_read_only_standby(replica, world):
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery(), current_setting('port'), current_database()")
        in_recovery, port, name = cursor.fetchone()
    assert in_recovery is True and port == str(settings.DATABASES["replica"]["PORT"])
    assert name == connections["default"].settings_dict["NAME"]
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone()[0] is False
    with pytest.raises(DatabaseError, match="read-only"), connections["replica"].cursor() as cursor:
        cursor.execute("CREATE TABLE ce_replica_probe (id int)")
    # An object read on the replica is saved on the primary (core.replica.PrimaryReplicaRouter).
    replica.catch_up()
    person = Person.objects.using("replica").get(pk=world.person.pk)
    person.name = "张三丰"
    person.save(update_fields=["name"])
    assert Person.objects.get(pk=world.person.pk).name == "张三丰"


def test_what_the_primary_commits_appears_on_the_replica_after_catch_up(replica, world):
    newcomer = factories.person(world.unit, name="新同事")
    replica.catch_up()
    assert Person.objects.using("replica").filter(pk=newcomer.pk, name="新同事").exists()


def test_the_export_reads_through_the_replica(replica, world):
    actor = factories.actor(world.unit_user, Role.UNIT)
    assert reporting_alias() == "replica"
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        assert names_in_export(actor) == {"张三"}
    assert any("accounts_membership" in q["sql"] for q in on_replica.captured_queries)

    # While the replica lags, the export shows what it had replayed; the primary has more.
    replica.pause()
    factories.person(world.unit, name="新同事")
    assert names_in_export(actor) == {"张三"}
    assert selectors.staff_compliance(actor, 2026).count() == 2
    replica.resume()
    replica.catch_up()
    assert names_in_export(actor) == {"张三", "新同事"}


def test_a_persons_progress_right_after_a_credit_is_the_primarys_while_the_replica_lags(replica, world):
    me = ApiClient(factories.token_for(world.person.user))
    unit = ApiClient(factories.token_for(world.unit_user))
    replica.catch_up()
    replica.pause()
    credit(world.person, "public", 12)

    progress = me.get("me/progress").json()
    assert progress["public_hours"] == 12 and progress["total_hours"] == 12
    # The replica has not replayed the credit: the unit's listing (a statistic) lags, as the
    # README says it may; the person's own figure above never does.
    assert not YearSummary.objects.using("replica").filter(person=world.person, year=2026).exists()
    listed = {row["name"]: row for row in unit.get("compliance").json()["items"]}
    assert listed["张三"]["public_hours"] == 0

    replica.resume()
    replica.catch_up()
    listed = {row["name"]: row for row in unit.get("compliance").json()["items"]}
    assert listed["张三"]["public_hours"] == 12
    assert me.get("me/progress").json()["public_hours"] == 12


def test_a_request_that_wrote_reads_its_statistics_on_the_primary(replica, world):
    seen = []

    def view(request):
        seen.append(reporting_alias())
        Person.objects.filter(pk=world.person.pk).update(name="张三丰")
        seen.append(reporting_alias())
        return HttpResponse()

    PrimaryAfterWriteMiddleware(view)(RequestFactory().get("/"))
    assert seen == ["replica", "default"]
    assert reporting_alias() == "replica"  # the next request, or a worker's job, starts afresh
    with transaction.atomic():
        assert reporting_alias() == "default"  # the replica cannot see an uncommitted write
