"""A full platform batch (1,000 items) judged set-based: every item answered exactly once with
its fate, the same as item by item; a re-sent batch credits nothing again."""

import pytest
from django.test import Client

from credits import ledger
from credits.models import CompletionState, HourRecord, PlatformCompletion, PlatformIntakeDay
from tests import factories
from tests.credits.helpers import platform_token

pytestmark = pytest.mark.django_db


def _push(token, items):
    response = Client().post(
        "/api/v1/platform/completions",
        {"items": items},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200, response.content
    return response.json()


def _batch(world):
    """1,000 items whose fate is known from k % 10, the last one a repeat of the first."""
    people = [world.person, world.other_person] + [
        factories.person(world.unit, name=f"学员{n}") for n in range(4)
    ]
    expected = {"accepted": set(), "held": set(), "rejected": set(), "duplicates": set()}
    items = []
    for k in range(1000):
        person = people[k % len(people)]
        row = {
            "external_id": f"batch-{k}",
            "id_number": person.reveal_id_number(),
            "name": person.name,
            "course": f"课程{k}",
            "category": "public" if k % 3 else "professional",
            "hours": 0.5 if k % 2 else "1.5",
            "completed_on": "2026-11-10" if k % 4 else "2026-10-01",
        }
        kind = k % 10
        if kind == 6:
            row["id_number"] = factories.valid_id_number()  # nobody registered: held
        elif kind == 7:
            row["name"] = "别的名字"  # not the registered name: held
        elif kind == 8:
            row["id_number"] = "12345"  # can never be right: rejected
        elif kind == 9:
            row["course"] = "课\x00程"  # a control character in one field: rejected
        fate = {6: "held", 7: "held", 8: "rejected", 9: "rejected"}.get(kind, "accepted")
        expected[fate].add(row["external_id"])
        items.append(row)
    items[-1] = dict(items[0])  # batch-999 (a rejected one) replaced by a repeat of batch-0
    expected["rejected"].discard("batch-999")
    expected["duplicates"].add("batch-0")
    return items, expected


def _fates(answer):
    return {
        "accepted": set(answer["accepted"]),
        "held": {r["external_id"] for r in answer["held"]},
        "rejected": {r["external_id"] for r in answer["rejected"]},
        "duplicates": set(answer["duplicates"]),
    }


def test_a_thousand_item_batch_answers_every_item_with_its_fate(world):
    token = platform_token(world)
    items, expected = _batch(world)
    answer = _push(token, items)
    assert _fates(answer) == expected
    assert sum(len(v) for v in answer.values()) == 1000  # every item answered, none twice
    assert len(answer["duplicates"]) == 1
    assert all("控制字符" in r["reason"] for r in answer["rejected"] if int(r["external_id"][6:]) % 10 == 9)
    assert all("身份证号码" in r["reason"] for r in answer["rejected"] if int(r["external_id"][6:]) % 10 == 8)
    credited = HourRecord.objects.filter(completion__isnull=False)
    assert credited.count() == len(expected["accepted"])
    assert set(credited.values_list("completion__external_id", flat=True)) == expected["accepted"]
    states = dict(PlatformCompletion.objects.values_list("external_id", "state"))
    assert {e for e, s in states.items() if s == CompletionState.HELD} == expected["held"]
    assert {e for e, s in states.items() if s == CompletionState.REJECTED} == expected["rejected"]
    assert ledger.summary_mismatches() == []
    day = PlatformIntakeDay.objects.get()
    assert (day.received, day.credited, day.held, day.rejected, day.duplicates) == (
        1000,
        len(expected["accepted"]),
        len(expected["held"]),
        len(expected["rejected"]),
        1,
    )


def test_a_resent_batch_credits_nothing_again(world):
    token = platform_token(world)
    items, expected = _batch(world)
    _push(token, items)
    records = HourRecord.objects.count()
    again = _fates(_push(token, items))
    # Credited items are duplicates now; held and rejected ones are judged again, same fate.
    assert again == {
        "accepted": set(),
        "held": expected["held"],
        "rejected": expected["rejected"],
        "duplicates": expected["accepted"] | expected["duplicates"],
    }
    assert HourRecord.objects.count() == records
    assert ledger.summary_mismatches() == []


def test_a_batch_of_only_credited_items_resent_is_all_duplicates(world):
    token = platform_token(world)
    items = [
        {
            "external_id": f"ok-{k}",
            "id_number": world.person.reveal_id_number(),
            "name": world.person.name,
            "course": f"课程{k}",
            "category": "public",
            "hours": 0.5,
            "completed_on": "2026-11-10",
        }
        for k in range(1000)
    ]
    assert len(_push(token, items)["accepted"]) == 1000
    answer = _push(token, items)
    assert sorted(answer["duplicates"]) == sorted(i["external_id"] for i in items)
    assert answer["accepted"] == answer["held"] == answer["rejected"] == []
    assert HourRecord.objects.filter(person=world.person).count() == 1000
