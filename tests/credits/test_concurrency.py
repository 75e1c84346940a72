"""Exactly-once under real concurrency (PostgreSQL: row locks and unique indexes decide)."""

import datetime as dt
import random
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test import Client

from core import errors
from core.actors import SYSTEM
from credits import ledger, services
from credits.models import HourRecord, PlatformCompletion, RecordState, Review
from tests import factories
from tests.credits.helpers import actor, declare, person_actor, plan_item, platform_token

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL for real concurrency"),
    pytest.mark.usefixtures("transactional_db"),
]


def run_together(n, work):
    """Run work(i) in n threads released at the same instant; return results (or exceptions)."""
    barrier = threading.Barrier(n)
    results = [None] * n

    def target(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # collected and asserted by the test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def _items(people, count):
    return [
        {
            "external_id": f"course-{i}",
            "id_number": people[i % len(people)].reveal_id_number(),
            "name": people[i % len(people)].name,
            "course": f"课程{i}",
            "category": "public" if i % 3 else "professional",
            "hours": 1.5,
            "completed_on": "2026-11-10",
        }
        for i in range(count)
    ]


def _push(token, items):
    response = Client().post(
        "/api/v1/platform/completions",
        {"items": items},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200, response.content
    return response.json()


def test_sixteen_identical_batches_at_once_are_credited_once(world):
    token = platform_token(world)
    people = [world.person, world.other_person] + [
        factories.person(world.unit, name=f"学员{i}") for i in range(6)
    ]
    items = _items(people, 200)
    results = run_together(16, lambda i: _push(token, items))
    assert not [r for r in results if isinstance(r, Exception)], results
    accepted = [e for r in results for e in r["accepted"]]
    assert sorted(accepted) == sorted(i["external_id"] for i in items)  # each one exactly once
    for r in results:
        assert sorted(r["accepted"] + r["duplicates"]) == sorted(i["external_id"] for i in items)
        assert r["rejected"] == []
    assert PlatformCompletion.objects.count() == 200
    assert HourRecord.objects.count() == 200
    assert ledger.summary_mismatches() == []
    total = sum(
        ledger.recompute_summary(p.pk, 2026).public_hours
        + ledger.recompute_summary(p.pk, 2026).professional_hours
        for p in people
    )
    assert total == Decimal("300.0")


def test_two_senders_of_the_same_full_batch_credit_it_once(world):
    """Two copies of a 1,000-item batch at once: the unique index lets each item in once, and
    each sender's answer names every item (accepted by one, a duplicate for the other)."""
    token = platform_token(world)
    people = [world.person, world.other_person] + [
        factories.person(world.unit, name=f"学员{i}") for i in range(6)
    ]
    items = _items(people, 1000)
    results = run_together(2, lambda i: _push(token, items))
    assert not [r for r in results if isinstance(r, Exception)], results
    sent = sorted(i["external_id"] for i in items)
    assert sorted(e for r in results for e in r["accepted"]) == sent
    for r in results:
        assert sorted(r["accepted"] + r["duplicates"]) == sent
        assert r["held"] == r["rejected"] == []
    assert PlatformCompletion.objects.count() == 1000
    assert HourRecord.objects.count() == 1000
    assert ledger.summary_mismatches() == []


def test_overlapping_batches_in_different_orders_neither_deadlock_nor_double_count(world):
    token = platform_token(world)
    people = [factories.person(world.unit, name=f"学员{i}") for i in range(10)]
    items = _items(people, 300)

    def work(i):
        batch = random.Random(i).sample(items, 150)
        return _push(token, batch)

    results = run_together(12, work)
    assert not [r for r in results if isinstance(r, Exception)], results
    accepted = [e for r in results for e in r["accepted"]]
    assert len(accepted) == len(set(accepted)) == PlatformCompletion.objects.count()
    assert HourRecord.objects.count() == len(accepted)
    assert ledger.summary_mismatches() == []


def test_concurrent_attendance_reports_of_one_class_credit_each_person_once(world):
    item = plan_item(world.base, hours="8")
    people = [factories.person(world.unit, name=f"学员{i}") for i in range(20)]
    rows = [(p, Decimal("8")) for p in people]
    base = actor(world.base_user)
    results = run_together(4, lambda i: services.credit_attendance(base, plan_item_id=item.pk, rows=rows))
    assert not [r for r in results if isinstance(r, Exception)], results
    credited = [p.pk for r in results for p in r.credited]
    assert sorted(credited) == sorted(p.pk for p in people)
    assert HourRecord.objects.filter(plan_item=item).count() == 20
    assert ledger.summary_mismatches() == []


def test_a_double_submit_opens_one_review(world):
    declaration = declare(world.person, submit=False)
    who = person_actor(world.person)
    results = run_together(6, lambda i: services.submit_declaration(who, declaration_id=declaration.pk))
    assert sum(1 for r in results if not isinstance(r, Exception)) == 1
    assert all(isinstance(r, errors.Conflict) for r in results if isinstance(r, Exception))
    assert Review.objects.filter(declaration=declaration).count() == 1
    assert HourRecord.objects.filter(declaration=declaration).count() == 1
    assert ledger.summary_mismatches() == []


def test_two_reviewers_deciding_at_once_decide_once(world):
    declaration = declare(world.person)
    second = factories.staff("unit", world.unit)
    reviewers = [actor(world.unit_user), actor(second)]
    results = run_together(
        2,
        lambda i: services.review_declaration(
            reviewers[i], declaration_id=declaration.pk, decision="approve"
        ),
    )
    assert sum(1 for r in results if not isinstance(r, Exception)) == 1
    assert Review.objects.filter(declaration=declaration, level="authority").count() == 1


def _wait_for_a_lock_waiter(seconds=10.0) -> bool:
    """Poll (on this thread's connection) until another session of this database waits on a lock."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # activity is cached per transaction
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return True
        time.sleep(0.05)
    return False


def test_an_approval_racing_the_bases_report_of_the_class_ends_as_duplicate(world):
    """The base's report is inserted but not committed when the authority approves: the
    approval's check cannot see it, its credit waits on the unique index, and once the report
    commits the approval ends as `duplicate` — no error, the class counted once."""
    item = plan_item(world.base, hours="24")
    declaration = declare(
        world.person,
        method="training",
        plan_item_id=item.pk,
        hours=Decimal("24"),
        started_on=dt.date(2026, 6, 1),
        ended_on=dt.date(2026, 6, 3),
    )
    services.review_declaration(actor(world.unit_user), declaration_id=declaration.pk, decision="approve")
    inserted = threading.Event()
    seen_waiting = []

    def report():
        with transaction.atomic():
            result = services.credit_attendance(
                actor(world.base_user), plan_item_id=item.pk, rows=[(world.person, 24)]
            )
            inserted.set()
            seen_waiting.append(_wait_for_a_lock_waiter())
        return result

    def approve():
        assert inserted.wait(10)
        return services.review_declaration(
            actor(world.authority_user), declaration_id=declaration.pk, decision="approve"
        )

    results = run_together(2, lambda i: (report, approve)[i]())
    assert not [r for r in results if isinstance(r, Exception)], results
    assert seen_waiting == [True]  # the approval really waited on the report's insert
    assert [p.pk for p in results[0].credited] == [world.person.pk]
    assert results[1].state == "approved"
    assert HourRecord.objects.get(declaration=declaration).state == RecordState.DUPLICATE
    assert HourRecord.objects.filter(plan_item=item, state=RecordState.CREDITED).count() == 1
    assert ledger.summary_mismatches() == []


def _held_item_for(number, name, external_id="held-1", **changes):
    return {
        "external_id": external_id,
        "id_number": number,
        "name": name,
        "course": "新发展理念专题",
        "category": "public",
        "hours": 6,
        "completed_on": "2026-11-10",
        **changes,
    }


def test_a_held_item_released_twice_at_once_is_credited_once(world):
    from credits import intake
    from credits.models import CompletionState

    token = platform_token(world)
    number = factories.valid_id_number()
    assert _push(token, [_held_item_for(number, "王新")])["held"]
    # registered under another spelling: the registration's own release keeps it held …
    person = factories.person(world.unit, name="王鑫", id_number=number)
    assert PlatformCompletion.objects.get().state == CompletionState.HELD
    person.name = "王新"  # … until the name is right; then six releases race
    person.save(update_fields=["name"])
    results = run_together(6, lambda i: intake.release_for_person(SYSTEM, person=person))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(results) == [0, 0, 0, 0, 0, 1]
    assert PlatformCompletion.objects.get().state == CompletionState.CREDITED
    assert HourRecord.objects.filter(person=person).count() == 1
    assert ledger.summary_mismatches() == []


def test_a_release_racing_a_resend_credits_once(world):
    """The bureau's name correction releases the item while the platform re-sends it."""
    from credits import intake

    token = platform_token(world)
    assert _push(token, [_held_item_for(world.person.reveal_id_number(), "张叁")])["held"]
    world.person.name = "张叁"  # corrected (the signal is what the race is about)
    world.person.save(update_fields=["name"])

    def work(i):
        if i % 2:
            return intake.release_for_person(SYSTEM, person=world.person)
        return _push(token, [_held_item_for(world.person.reveal_id_number(), "张叁")])

    results = run_together(8, work)
    assert not [r for r in results if isinstance(r, Exception)], results
    released = sum(r for r in results if isinstance(r, int))
    accepted = sum(len(r["accepted"]) for r in results if isinstance(r, dict))
    assert released + accepted == 1
    assert HourRecord.objects.filter(person=world.person).count() == 1
    assert ledger.summary_mismatches() == []


def test_the_first_pushes_of_a_new_year_open_it_once(world):
    """At 00:00 on 1 January nobody has carried the year forward; concurrent first uses
    create it once and are all credited."""
    from policy.models import PolicyYear

    token = platform_token(world, year=2026)
    tokens_2027 = platform_token(world, year=2027, name="新年平台")
    PolicyYear.objects.filter(year=2027).delete()
    from tests.clock import Clock

    clock = Clock()
    clock.set(2027, 1, 1, 0, 5)
    try:
        people = [factories.person(world.unit, name=f"学员{i}") for i in range(4)]
        batches = [
            [
                {
                    "external_id": f"ny-{i}",
                    "id_number": people[i].reveal_id_number(),
                    "name": people[i].name,
                    "course": "新年第一课",
                    "category": "public",
                    "hours": 2,
                    "completed_on": "2027-01-01",
                }
            ]
            for i in range(4)
        ]
        results = run_together(4, lambda i: _push(tokens_2027, batches[i]))
    finally:
        clock.stop()
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(e for r in results for e in r["accepted"]) == ["ny-0", "ny-1", "ny-2", "ny-3"]
    assert PolicyYear.objects.filter(year=2027).count() == 1
    assert token
