"""Learning-platform pushes (学习入口 → 自动计入): exactly once, each item on its own merits."""

import datetime as dt

import pytest
from django.test import Client

from credits import ledger
from credits.models import HourRecord, PlatformCompletion, RecordState, Source
from filings.models import PlatformCredential
from filings.services import revoke_credential
from tests import factories
from tests.credits.helpers import actor, platform_token

pytestmark = pytest.mark.django_db


class Platform:
    def __init__(self, token):
        self.client = Client()
        self.token = token

    def push(self, items, token=None):
        return self.client.post(
            "/api/v1/platform/completions",
            {"items": items},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token or self.token}",
        )


@pytest.fixture
def platform(world):
    return Platform(platform_token(world))


def item(person, external_id="c-1", **changes):
    row = {
        "external_id": external_id,
        "id_number": person.reveal_id_number(),
        "name": person.name,
        "course": "数字技术与网络安全",
        "category": "public",
        "hours": 10,
        "completed_on": "2026-11-10",
    }
    row.update(changes)
    return row


def test_a_completion_is_credited_at_once_and_shows_in_progress(platform, world, api_as):
    response = platform.push([item(world.person, hours=12.5, started_on="2026-11-09")])
    assert response.status_code == 200
    assert response.json() == {"accepted": ["c-1"], "duplicates": [], "rejected": []}
    progress = api_as(world.person.user).get("me/progress", year=2026).json()
    assert progress["public_hours"] == 12.5 and progress["total_hours"] == 12.5
    record = HourRecord.objects.get(person=world.person)
    assert (record.source, record.state, record.method) == (Source.PLATFORM, RecordState.CREDITED, "online")
    hours = api_as(world.person.user).get("me/hours", year=2026).json()
    assert hours[0]["source"] == "platform" and "学习入口自动计入" in hours[0]["explanation"]


def test_the_same_external_id_is_credited_once(platform, world):
    batch = [
        item(world.person, "a"),
        item(world.person, "b", category="professional", hours=20, started_on="2026-11-08"),
    ]
    assert platform.push(batch).json()["accepted"] == ["a", "b"]
    again = platform.push([*batch, item(world.person, "c", hours=1)]).json()
    assert again == {"accepted": ["c"], "duplicates": ["a", "b"], "rejected": []}
    within = platform.push([item(world.person, "d", hours=2), item(world.person, "d", hours=2)]).json()
    assert within["accepted"] == ["d"] and within["duplicates"] == ["d"]
    assert PlatformCompletion.objects.count() == 4
    summary = ledger.recompute_summary(world.person.pk, 2026)
    assert (summary.public_hours, summary.professional_hours) == (13, 20)
    assert ledger.summary_mismatches() == []


def test_external_ids_are_per_platform(platform, world):
    other = Platform(platform_token(world, name="另一学习平台"))
    assert platform.push([item(world.person, "x")]).json()["accepted"] == ["x"]
    assert other.push([item(world.person, "x")]).json()["accepted"] == ["x"]


def test_bad_items_are_rejected_with_a_reason_and_never_block_good_ones(platform, world, clock):
    ghost = factories.valid_id_number()
    items = [
        item(world.person, "ok"),
        item(world.person, "wrong-name", name="张三丰"),
        item(world.person, "unknown", id_number=ghost),
        item(world.person, "bad-id", id_number="411202198801010000"),
        item(world.person, "future", completed_on="2026-11-17"),
        item(world.person, "closed", completed_on="2025-12-31"),
        item(world.person, "bad-date", completed_on="2026/11/10"),
        item(world.person, "bad-category", category="other"),
        item(world.person, "zero", hours=0),
        item(world.person, "two-decimals", hours=1.25),
        item(world.person, "text-hours", hours="十"),
        item(world.person, "too-many", hours=12.5),
        item(world.person, "too-many-2", hours=24.5, started_on="2026-11-09"),
        item(world.person, "bad-start", started_on="2026-11-11"),
        item(world.person, "no-course", course=""),
        item(world.person, None),
        item(world.other_person, "ok-2"),
    ]
    items.append(item(world.person, "long-course", hours=24, started_on="2026-11-09"))
    body = platform.push(items).json()
    assert body["accepted"] == ["long-course", "ok", "ok-2"]
    reasons = {r["external_id"]: r["reason"] for r in body["rejected"]}
    assert set(reasons) == {
        "wrong-name",
        "unknown",
        "bad-id",
        "future",
        "closed",
        "bad-date",
        "bad-category",
        "zero",
        "two-decimals",
        "text-hours",
        "too-many",
        "too-many-2",
        "bad-start",
        "no-course",
        None,
    }
    assert "姓名" in reasons["wrong-name"]
    assert "注册" in reasons["unknown"]
    assert "校验位" in reasons["bad-id"]
    assert "2025 年度学时申报已于 2025年12月31日 截止" in reasons["closed"]
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in r) for r in reasons.values())
    assert HourRecord.objects.count() == 3
    assert world.person.reveal_id_number() not in str(body)


def test_only_filed_categories_of_the_completions_year_are_credited(world):
    public_only = Platform(platform_token(world, offers_professional=False))
    body = public_only.push(
        [item(world.person, "p", category="public"), item(world.person, "q", category="professional")]
    ).json()
    assert body["accepted"] == ["p"]
    assert body["rejected"][0]["external_id"] == "q" and "专业科目" in body["rejected"][0]["reason"]
    # Filed for 2026 only: a completion of January 2026 counts, of an earlier year would not.
    assert public_only.push([item(world.person, "r", completed_on="2026-01-02")]).json()["accepted"] == ["r"]


def test_a_platform_without_an_accepted_filing_for_the_year_is_refused(world, clock):
    clock.set(2025, 12, 20, 10, 0)
    token = platform_token(world, year=2026, name="只备案2026")
    body = Platform(token).push([item(world.person, "old", completed_on="2025-12-01")]).json()
    assert body["accepted"] == [] and "未就 2025 年度" in body["rejected"][0]["reason"]


def test_unknown_and_revoked_keys_are_401(platform, world, api_as):
    assert platform.push([item(world.person)], token="lp_nonsense").status_code == 401
    person_token = factories.token_for(world.person.user)
    assert platform.push([item(world.person)], token=person_token).status_code == 401
    revoke_credential(actor(world.bureau_user), PlatformCredential.objects.get())
    response = platform.push([item(world.person)])
    assert response.status_code == 401
    assert not HourRecord.objects.exists()


def test_batches_hold_at_most_1000_items(platform, world):
    items = [item(world.person, f"n{i}", hours=0.1) for i in range(1001)]
    response = platform.push(items)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "items"
    assert not PlatformCompletion.objects.exists()
    response = platform.push(items[:1000])
    assert response.status_code == 200 and len(response.json()["accepted"]) == 1000
    assert ledger.recompute_summary(world.person.pk, 2026).public_hours == 100


def test_a_malformed_body_is_a_422(platform):
    response = platform.client.post(
        "/api/v1/platform/completions",
        {"records": []},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {platform.token}",
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "items"


def test_pushes_are_audited(platform, world):
    from audit.models import AuditEntry

    platform.push([item(world.person, "a"), item(world.person, "b", name="x")])
    entry = AuditEntry.objects.get(action="platform.completions_received")
    assert entry.after == {"accepted": ["a"], "duplicates": 0, "rejected": 1}
    assert entry.actor_role == "platform"


def test_a_completion_a_day_before_the_deadline_counts_and_after_it_is_refused(platform, world, clock):
    clock.set(2026, 12, 31, 23, 59, 59)
    body = platform.push([item(world.person, "eve", completed_on="2026-12-31")]).json()
    assert body["accepted"] == ["eve"]
    clock.set(2027, 1, 1, 0, 0, 0)
    body = platform.push([item(world.person, "late", completed_on="2026-12-31")]).json()
    assert body["accepted"] == [] and "截止" in body["rejected"][0]["reason"]
    assert HourRecord.objects.get().completed_on == dt.date(2026, 12, 31)
