"""Learning-platform pushes (学习入口 → 自动计入): exactly once, each item on its own merits, and
no earned hour lost — what cannot be credited yet is held and credited by itself later."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from accounts.services import correct_person_name
from audit.models import AuditEntry
from core.actors import SYSTEM
from credits import intake, ledger
from credits.models import (
    CompletionState,
    HourRecord,
    IntegrityFlag,
    PlatformCompletion,
    PlatformIntakeDay,
    RecordState,
    Source,
)
from filings.models import FilingState, PlatformCredential, PlatformFiling
from filings.services import accept_platform_filing, revoke_credential
from tests import factories
from tests.credits.helpers import actor, declare, platform_token

pytestmark = pytest.mark.django_db


class Platform:
    def __init__(self, token):
        self.client = Client()
        self.token = token

    def _auth(self, token=None):
        return {"HTTP_AUTHORIZATION": f"Bearer {token or self.token}"}

    def push(self, items, token=None):
        return self.client.post(
            "/api/v1/platform/completions",
            {"items": items},
            content_type="application/json",
            **self._auth(token),
        )

    def fate(self, external_id):
        return self.client.get(f"/api/v1/platform/completions/{external_id}", **self._auth())

    def fates(self, **params):
        return self.client.get("/api/v1/platform/completions", params, **self._auth())


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


def raw_item(id_number, name, external_id, **changes):
    return {
        "external_id": external_id,
        "id_number": id_number,
        "name": name,
        "course": "新发展理念专题",
        "category": "public",
        "hours": 6,
        "completed_on": "2026-11-10",
        **changes,
    }


def test_a_completion_is_credited_at_once_and_shows_in_progress(platform, world, api_as):
    response = platform.push([item(world.person, hours=12.5, started_on="2026-11-09")])
    assert response.status_code == 200
    assert response.json() == {"accepted": ["c-1"], "duplicates": [], "held": [], "rejected": []}
    progress = api_as(world.person.user).get("me/progress", year=2026).json()
    assert progress["public_hours"] == 12.5 and progress["total_hours"] == 12.5
    record = HourRecord.objects.get(person=world.person)
    assert (record.source, record.state, record.method) == (Source.PLATFORM, RecordState.CREDITED, "online")
    assert record.started_on == dt.date(2026, 11, 9)
    hours = api_as(world.person.user).get("me/hours", year=2026).json()
    assert hours[0]["source"] == "platform" and "学习入口自动计入" in hours[0]["explanation"]


def test_the_same_external_id_is_credited_once(platform, world):
    batch = [
        item(world.person, "a"),
        item(world.person, "b", category="professional", hours=20, started_on="2026-11-08"),
    ]
    assert platform.push(batch).json()["accepted"] == ["a", "b"]
    again = platform.push([*batch, item(world.person, "c", hours=1)]).json()
    assert again == {"accepted": ["c"], "duplicates": ["a", "b"], "held": [], "rejected": []}
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


def test_bad_items_are_rejected_what_may_become_right_is_held_and_neither_blocks_good_ones(
    platform, world, clock
):
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
        item(world.person, "too-many-2", hours=24.5, started_on="2026-11-09"),
        item(world.person, "bad-start", started_on="2026-11-11"),
        item(world.person, "no-course", course=""),
        item(world.person, None),
        item(world.other_person, "ok-2"),
    ]
    items.append(item(world.person, "long-course", hours=24, started_on="2026-11-09"))
    body = platform.push(items).json()
    assert body["accepted"] == ["long-course", "ok", "ok-2"]
    held = {r["external_id"]: r["reason"] for r in body["held"]}
    assert set(held) == {"wrong-name", "unknown"}
    assert "姓名" in held["wrong-name"] and "注册" in held["unknown"]
    reasons = {r["external_id"]: r["reason"] for r in body["rejected"]}
    assert set(reasons) == {
        "bad-id",
        "future",
        "closed",
        "bad-date",
        "bad-category",
        "zero",
        "two-decimals",
        "text-hours",
        "too-many-2",
        "bad-start",
        "no-course",
        None,
    }
    assert "校验位" in reasons["bad-id"]
    # 2025's learning could be reported until 31 January 2026; it is 16 November 2026 now.
    assert "2025 年度学时报送" in reasons["closed"] and "2026年1月31日" in reasons["closed"]
    assert "2 天的学习最多计 24 学时" in reasons["too-many-2"]
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in r) for r in [*reasons.values(), *held.values()])
    assert HourRecord.objects.count() == 3
    assert world.person.reveal_id_number() not in str(body) and ghost not in str(body)


# --- the daily limit per person and day, across sources ---------------------------------------


def test_a_long_course_sent_as_design_describes_it_is_credited(platform, world):
    """No started_on: a 45-hour online package finished on 10 November fits easily between
    1 January and that day (DESIGN §5's item shape)."""
    body = platform.push([item(world.person, "pkg", hours=45)]).json()
    assert body["accepted"] == ["pkg"]
    assert HourRecord.objects.get().started_on is None
    assert not IntegrityFlag.objects.exists()


def test_an_item_without_start_that_cannot_fit_since_1_january_is_rejected_one_that_barely_fits_is_flagged(
    platform, world, clock
):
    clock.set(2026, 1, 5, 10, 0)
    body = platform.push(
        [
            item(world.person, "impossible", hours=45, completed_on="2026-01-02"),
            item(world.person, "fast", hours=45, completed_on="2026-01-05"),
        ]
    ).json()
    assert [r["external_id"] for r in body["rejected"]] == ["impossible"]
    assert "45 学时不可能在 2026年1月1日 至 2026年1月2日 的 2 天内完成" in body["rejected"][0]["reason"]
    assert body["accepted"] == ["fast"]
    flag = IntegrityFlag.objects.get()
    assert flag.kind == IntegrityFlag.Kind.PACE and flag.person == world.person
    assert [r.completion.external_id for r in flag.records.all()] == ["fast"]
    assert "平均每日 9 学时" in flag.message


def test_the_daily_limit_holds_across_items_with_a_known_day(platform, world):
    same_day = {"started_on": "2026-11-10", "completed_on": "2026-11-10", "hours": 8}
    body = platform.push([item(world.person, f"d{i}", **same_day) for i in range(4)]).json()
    assert body["accepted"] == ["d0"]
    assert [r["external_id"] for r in body["rejected"]] == ["d1", "d2", "d3"]
    assert "2026年11月10日 至 2026年11月10日 共 1 天最多计 12 学时" in body["rejected"][0]["reason"]
    # without a start day the same hours could have been learned any day since 1 January
    loose = platform.push([item(world.person, f"e{i}", hours=8) for i in range(4)]).json()
    assert loose["accepted"] == ["e0", "e1", "e2", "e3"]


def test_the_daily_limit_counts_a_declaration_in_review(platform, world):
    declare(world.person, hours=Decimal("10"), started_on=dt.date(2026, 11, 9), ended_on=dt.date(2026, 11, 9))
    one_day = {"started_on": "2026-11-09", "completed_on": "2026-11-09"}
    body = platform.push(
        [item(world.person, "x", hours=3, **one_day), item(world.person, "y", hours=2, **one_day)]
    )
    assert body.json()["accepted"] == ["y"] and body.json()["rejected"][0]["external_id"] == "x"


def test_a_declaration_over_the_daily_limit_beside_platform_hours_is_refused_at_submission(platform, world):
    platform.push([item(world.person, "p", hours=10, started_on="2026-11-09", completed_on="2026-11-09")])
    from core.errors import DomainError

    with pytest.raises(DomainError) as exc:
        declare(
            world.person, hours=Decimal("4"), started_on=dt.date(2026, 11, 9), ended_on=dt.date(2026, 11, 9)
        )
    assert exc.value.errors[0]["field"] == "hours" and "每日不超过 12 学时" in exc.value.detail


# --- held, and credited by itself when the reason goes away -----------------------------------


def test_an_item_for_someone_not_registered_is_held_then_credited_once_on_registration(
    platform, world, django_capture_on_commit_callbacks
):
    number = factories.valid_id_number()
    body = platform.push([raw_item(number, "王新", "early")]).json()
    assert body["held"][0]["external_id"] == "early" and "注册" in body["held"][0]["reason"]
    assert platform.fate("early").json()["state"] == "held"
    with django_capture_on_commit_callbacks(execute=True):
        person = factories.person(world.unit, name="王新", id_number=number)
    record = HourRecord.objects.get(person=person)
    assert (record.hours, record.state, record.year) == (6, RecordState.CREDITED, 2026)
    fate = platform.fate("early").json()
    assert fate["state"] == "credited" and fate["record_id"] == record.pk and fate["year"] == 2026
    assert AuditEntry.objects.filter(action="platform.completion_released").count() == 1
    # released again (a second signal, the sweep): nothing more
    assert intake.release_for_person(SYSTEM, person=person) == 0
    assert platform.push([raw_item(number, "王新", "early")]).json()["duplicates"] == ["early"]
    assert HourRecord.objects.filter(person=person).count() == 1
    assert ledger.summary_mismatches() == []


def test_a_name_that_differs_is_held_until_the_platform_resends_or_the_bureau_corrects(
    platform, world, django_capture_on_commit_callbacks, api_as
):
    body = platform.push(
        [item(world.person, "n1", name="张叁"), item(world.person, "n2", name="张叁")]
    ).json()
    assert [h["external_id"] for h in body["held"]] == ["n1", "n2"]
    # the person sees what waits for them
    held = api_as(world.person.user).get("me/held-completions").json()
    assert {h["external_id"] for h in held} == {"n1", "n2"} and "姓名" in held[0]["reason"]
    # the platform corrects one item and sends it again under the same external_id
    assert platform.push([item(world.person, "n1")]).json()["accepted"] == ["n1"]
    # the bureau finds the registered name was wrong (the ID card says 张叁) and corrects it
    with django_capture_on_commit_callbacks(execute=True):
        correct_person_name(
            actor(world.bureau_user), person_id=world.person.pk, name="张叁", reason="核对身份证原件"
        )
    assert platform.fate("n2").json()["state"] == "credited"
    assert HourRecord.objects.filter(person=world.person, state="credited").count() == 2
    entry = AuditEntry.objects.get(action="person.name_corrected")
    assert entry.before == {"name": "张三"} and entry.after == {"name": "张叁"}


def test_items_of_a_platform_whose_filing_is_not_accepted_yet_are_held_until_it_is(
    world, clock, django_capture_on_commit_callbacks
):
    """On 4 January the platform's 2027 filing waits for the bureau: its 2027 items are held;
    its December items still count for 2026."""
    token = platform_token(world, year=2026)
    clock.set(2027, 1, 4, 10, 0)
    platform = Platform(token)
    body = platform.push(
        [
            item(world.person, "jan", completed_on="2027-01-03"),
            item(world.person, "dec", completed_on="2026-12-30"),
        ]
    ).json()
    assert body["accepted"] == ["dec"]
    assert (
        body["held"][0]["external_id"] == "jan"
        and "2027 年度公需科目的备案尚未通过" in body["held"][0]["reason"]
    )
    assert HourRecord.objects.get().year == 2026
    filing_2026 = PlatformFiling.objects.get(year=2026)
    filing = PlatformFiling.objects.create(
        **{
            f.name: getattr(filing_2026, f.name)
            for f in PlatformFiling._meta.fields
            if f.name not in ("id", "year", "state", "submitted_at", "decided_at", "decided_by", "platform")
        },
        year=2027,
        state=FilingState.SUBMITTED,
    )
    with django_capture_on_commit_callbacks(execute=True):
        accept_platform_filing(actor(world.bureau_user), filing_id=filing.pk)
    assert platform.fate("jan").json()["state"] == "credited"
    assert sorted(HourRecord.objects.values_list("year", flat=True)) == [2026, 2027]


def test_held_items_expire_at_the_reporting_deadline_with_the_reason(platform, world, clock):
    number = factories.valid_id_number()
    clock.set(2026, 12, 2, 10, 0)
    assert platform.push([raw_item(number, "赵六", "never", completed_on="2026-12-01")]).json()["held"]
    clock.set(2027, 1, 31, 23, 59, 59)
    assert intake.expire_held() == 0
    clock.set(2027, 2, 1, 0, 0, 0)
    # before the sweep runs, the receipt already says so
    assert platform.fate("never").json()["state"] == "expired"
    assert intake.expire_held() == 1
    fate = platform.fate("never").json()
    assert fate["state"] == "expired" and "2027年1月31日" in fate["reason"] and "注册" in fate["reason"]
    assert platform.push([raw_item(number, "赵六", "never", completed_on="2026-12-01")]).json()[
        "duplicates"
    ] == ["never"]


def test_a_rejected_item_sent_again_with_corrections_is_credited(platform, world):
    assert (
        platform.push([item(world.person, "fix", hours="十")]).json()["rejected"][0]["external_id"] == "fix"
    )
    assert platform.fate("fix").json()["state"] == "rejected"
    assert platform.push([item(world.person, "fix", hours=10)]).json()["accepted"] == ["fix"]
    assert platform.fate("fix").json()["state"] == "credited"


# --- the year boundary and the reporting window -----------------------------------------------


def test_learning_of_30_december_reported_on_4_january_counts_for_its_year(platform, world, clock):
    clock.set(2026, 12, 31, 23, 59, 59)
    assert platform.push([item(world.person, "eve", completed_on="2026-12-31")]).json()["accepted"] == ["eve"]
    clock.set(2027, 1, 1, 0, 0, 0)
    assert platform.push([item(world.person, "late", completed_on="2026-12-30")]).json()["accepted"] == [
        "late"
    ]
    clock.set(2027, 1, 4, 10, 0)
    assert platform.push([item(world.person, "later", completed_on="2026-12-30")]).json()["accepted"] == [
        "later"
    ]
    assert set(HourRecord.objects.values_list("year", flat=True)) == {2026}


def test_after_the_reporting_deadline_an_item_is_rejected_naming_that_date(platform, world, clock):
    clock.set(2027, 1, 31, 23, 59, 59)
    assert platform.push([item(world.person, "last", completed_on="2026-12-30")]).json()["accepted"] == [
        "last"
    ]
    clock.set(2027, 2, 1, 0, 0, 0)
    body = platform.push([item(world.person, "too-late", completed_on="2026-12-30")]).json()
    assert body["accepted"] == [] and "已于 2027年1月31日 截止" in body["rejected"][0]["reason"]


def test_the_bureau_sets_the_reporting_deadline_of_a_year(platform, world, clock):
    from policy.models import PolicyYear

    PolicyYear.objects.filter(year=2026).update(reporting_deadline=dt.date(2027, 1, 15))
    clock.set(2027, 1, 16, 9, 0)
    body = platform.push([item(world.person, "x", completed_on="2026-12-30")]).json()
    assert "已于 2027年1月15日 截止" in body["rejected"][0]["reason"]


def test_on_4_january_the_new_year_exists_without_anyone_acting(world, clock):
    """Nobody carried 2027 forward: the first push of the year does, and is credited."""
    from policy.models import PolicyYear

    token = platform_token(world, year=2027, name="2027平台")
    PolicyYear.objects.filter(year=2027).delete()
    clock.set(2027, 1, 4, 10, 0)
    body = Platform(token).push([item(world.person, "first", completed_on="2027-01-04", hours=4)]).json()
    assert body["accepted"] == ["first"]
    policy = PolicyYear.objects.get(year=2027)
    assert policy.awaiting_confirmation and policy.carried_forward_from == 2026


# --- receipts ---------------------------------------------------------------------------------


def test_a_platform_reads_the_fate_of_its_items_and_only_its_own(platform, world, clock):
    number = factories.valid_id_number()
    platform.push(
        [item(world.person, "ok"), item(world.person, "bad", hours=0), raw_item(number, "某某", "wait")]
    )
    assert platform.fate("ok").json()["state"] == "credited"
    assert platform.fate("bad").json()["state"] == "rejected"
    assert platform.fate("wait").json()["state"] == "held"
    missing = platform.fate("nope")
    assert missing.status_code == 404 and missing.json()["detail"]
    other = Platform(platform_token(world, name="另一学习平台"))
    assert other.fate("ok").status_code == 404
    page = platform.fates(state="held").json()
    assert page["count"] == 1 and page["items"][0]["external_id"] == "wait"
    clock.set(2026, 11, 16, 12, 0)
    platform.push([item(world.person, "ok2")])
    since = platform.fates(since="2026-11-16T11:00:00+08:00").json()
    assert [i["external_id"] for i in since["items"]] == ["ok2"]
    assert platform.fates(state="nonsense").status_code == 422


def test_the_bureau_sees_per_platform_and_day_what_was_received_credited_held_rejected(platform, world):
    number = factories.valid_id_number()
    platform.push([item(world.person, "a"), item(world.person, "b", hours=0), raw_item(number, "某某", "c")])
    platform.push([item(world.person, "a")])
    day = PlatformIntakeDay.objects.get()
    assert (day.day, day.received, day.credited, day.held, day.rejected, day.duplicates) == (
        dt.date(2026, 11, 16),
        4,
        1,
        1,
        1,
        1,
    )


def test_unknown_and_revoked_keys_are_401(platform, world, api_as):
    assert platform.push([item(world.person)], token="lp_nonsense").status_code == 401
    person_token = factories.token_for(world.person.user)
    assert platform.push([item(world.person)], token=person_token).status_code == 401
    revoke_credential(actor(world.bureau_user), credential_id=PlatformCredential.objects.get().pk)
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
    platform.push(
        [item(world.person, "a"), item(world.person, "b", name="x"), item(world.person, "c", hours=0)]
    )
    entry = AuditEntry.objects.get(action="platform.completions_received")
    assert entry.after == {"accepted": ["a"], "duplicates": 0, "held": 1, "rejected": 1}
    assert entry.actor_role == "platform"


def test_only_filed_categories_of_the_completions_year_are_credited(world):
    public_only = Platform(platform_token(world, offers_professional=False))
    body = public_only.push(
        [item(world.person, "p", category="public"), item(world.person, "q", category="professional")]
    ).json()
    assert body["accepted"] == ["p"]
    assert body["held"][0]["external_id"] == "q" and "专业科目" in body["held"][0]["reason"]
    # Filed for 2026 only: a completion of January 2026 counts.
    assert public_only.push([item(world.person, "r", completed_on="2026-01-02")]).json()["accepted"] == ["r"]
    assert PlatformCompletion.objects.get(external_id="q").state == CompletionState.HELD
