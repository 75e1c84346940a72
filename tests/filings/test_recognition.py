"""The recognition rule through the public API (POST declarations → submit → reviews), and the
platform credential lifecycle through POST platform/completions.

Training hours count only when the declaration names an item of an accepted (备案) plan;
otherwise they are kept as `not_recognised`, and become recognised when the plan is accepted
later, also late under a bureau exception. 2026 is the open year (the project's today is
2026-11-28); the 2026 filing deadline (15 September) has passed."""

import datetime as dt

import pytest
from django.test import Client

from audit.models import AuditEntry
from core.dates import SHANGHAI
from core.errors import DomainError
from filings import services
from filings.models import FilingState
from tests import factories
from tests.factories import plan_data, plan_input, plan_item_data, platform_input

# Their declarations and plans are dated in 2026: the outcome depends on the date.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
YEAR = 2026
IN_TIME = dt.datetime(YEAR, 9, 15, 23, 59, 59, tzinfo=SHANGHAI)
LATE = dt.datetime(YEAR, 9, 16, 0, 0, 0, tzinfo=SHANGHAI)


def _plan(world, submit_at=None):
    """A 2026 plan of the world's unit with one class, submitted at `submit_at` (or a draft)."""
    unit = factories.actor(world.unit_user)
    plan = services.create_plan(
        unit,
        plan=plan_input(
            plan_data(YEAR),
            [plan_item_data(starts_on=dt.date(YEAR, 6, 1), hours=24, category="professional")],
        ),
    )
    if submit_at:
        plan = services.submit_plan(unit, plan_id=plan.pk, now=submit_at)
        plan = services.give_opinion(
            factories.actor(world.authority_user), kind="plan", filing_id=plan.pk, opinion="同意"
        )
    return plan


def _declare(api_as, person, plan_item_id=None, hours=24):
    client = api_as(person.user)
    body = {
        "category": "professional",
        "method": "training",
        "title": "建筑节能新技术研修班",
        "organizer": "测试设计院",
        "hours": hours,
        "started_on": f"{YEAR}-06-01",
        "ended_on": f"{YEAR}-06-03",
    }
    if plan_item_id:
        body["plan_item_id"] = plan_item_id
    r = client.post("declarations", body)
    assert r.status_code == 201, r.json()
    declaration = r.json()["id"]
    upload = Client()
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = upload.post(
        f"/api/v1/declarations/{declaration}/evidence",
        {"file": SimpleUploadedFile("结业证书.pdf", PDF, content_type="application/pdf")},
        HTTP_AUTHORIZATION=f"Bearer {client.token}",
    )
    assert r.status_code in (200, 201), r.json()
    r = client.post(f"declarations/{declaration}/submit")
    assert r.status_code == 200, r.json()
    return declaration, r.json()


def _approve(world, api_as, declaration):
    for reviewer in (world.unit_user, world.authority_user):
        r = api_as(reviewer).post(
            f"declarations/{declaration}/review", {"decision": "approve", "comment": "属实"}
        )
        assert r.status_code == 200, r.json()
    return r.json()


def _professional_hours(api_as, person):
    return api_as(person.user).get("me/progress", year=YEAR).json()["professional_hours"]


def test_filed_training_counts(world, api_as):
    plan = _plan(world, submit_at=IN_TIME)
    services.accept_plan(factories.actor(world.bureau_user), plan_id=plan.pk)
    declaration, submitted = _declare(api_as, world.person, plan.items.get().pk)
    assert submitted["state"] == "pending_unit"
    assert _approve(world, api_as, declaration)["state"] == "approved"
    assert _professional_hours(api_as, world.person) == 24


def test_unfiled_training_is_not_recognised(world, api_as):
    plan = _plan(world)  # a draft: never filed; its classes cannot even be named
    r = api_as(world.person.user).post(
        "declarations",
        {
            "category": "professional",
            "method": "training",
            "title": "建筑节能新技术研修班",
            "organizer": "测试设计院",
            "hours": 24,
            "started_on": f"{YEAR}-06-01",
            "ended_on": f"{YEAR}-06-03",
            "plan_item_id": plan.items.get().pk,
        },
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "plan_item_id"
    _declaration, submitted = _declare(api_as, world.person, None, hours=8)  # no plan named at all
    assert submitted["state"] == "not_recognised"
    # submitted but not accepted is not enough either
    pending = _plan(world, submit_at=IN_TIME)
    assert pending.state == FilingState.SUBMITTED
    _declaration, submitted = _declare(api_as, world.person, pending.items.get().pk)
    assert submitted["state"] == "not_recognised"
    hours = api_as(world.person.user).get("me/hours", year=YEAR).json()
    assert {h["state"] for h in hours} == {"not_recognised"} and len(hours) == 2
    assert _professional_hours(api_as, world.person) == 0


def test_late_plan_accepted_under_an_exception_makes_the_training_count(world, api_as):
    plan = _plan(world)
    unit = factories.actor(world.unit_user)
    # one second after the deadline (2026-09-16 00:00:00 +08:00) the plan is refused ...
    with pytest.raises(DomainError) as refused:
        services.submit_plan(unit, plan_id=plan.pk, now=LATE)
    assert "2026-09-15" in refused.value.detail
    # ... until the bureau records an exception; then it is filed late
    bureau = api_as(world.bureau_user)
    r = bureau.post(
        "filings/exceptions",
        {"organisation_id": world.unit.pk, "year": YEAR, "kind": "plan", "reason": "补报"},
    )
    assert r.status_code == 201
    plan = services.submit_plan(unit, plan_id=plan.pk, now=LATE)
    assert plan.late_exception is not None
    # training declared against it meanwhile is not recognised yet ...
    declaration, submitted = _declare(api_as, world.person, plan.items.get().pk)
    assert submitted["state"] == "not_recognised"
    # ... and is once the bureau accepts the plan (late)
    api_as(world.authority_user).post(f"filings/plans/{plan.pk}/opinion", {"opinion": "同意"})
    r = bureau.post(f"filings/plans/{plan.pk}/accept")
    assert r.status_code == 200 and r.json()["late"] is True
    # recognition follows: the declaration is in review now and counts once approved
    state = api_as(world.person.user).get(f"declarations/{declaration}").json()["state"]
    assert state == "pending_unit"
    recognised = AuditEntry.objects.get(action="declaration.recognised", target_id=str(declaration))
    assert recognised.actor == world.bureau_user
    assert _approve(world, api_as, declaration)["state"] == "approved"
    assert _professional_hours(api_as, world.person) == 24


# --- platform credential lifecycle ---------------------------------------------------------------


def _push(token, person, external_id, category="public", hours=10):
    return Client().post(
        "/api/v1/platform/completions",
        {
            "items": [
                {
                    "external_id": external_id,
                    "id_number": person.reveal_id_number(),
                    "name": person.name,
                    "course": "数字技术与网络安全",
                    "category": category,
                    "hours": hours,
                    "completed_on": f"{YEAR}-11-10",
                }
            ]
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_platform_credential_issue_push_revoke_rotate(world, api_as):
    filing, token = factories.accepted_platform(
        world, year=YEAR, offers_public=True, offers_professional=False
    )
    # issued on acceptance: pushes in the filed category are credited
    r = _push(token, world.person, "c-1")
    assert r.status_code == 200 and r.json()["accepted"] == ["c-1"]
    # a category the platform was not filed for is held, not credited
    r = _push(token, world.person, "c-2", category="professional")
    assert r.json()["accepted"] == [] and r.json()["held"][0]["external_id"] == "c-2"
    # revoke → 401
    bureau = api_as(world.bureau_user)
    credential = bureau.get(f"filings/platforms/{filing.pk}/credentials").json()[0]
    r = bureau.post(f"filings/credentials/{credential['id']}/revoke")
    assert r.status_code == 200 and r.json()["live"] is False
    r = _push(token, world.person, "c-3")
    assert r.status_code == 401 and r.json()["detail"]
    # rotate (the filer may): a new token works, the old keeps failing
    r = api_as(world.base_user).post(f"filings/platforms/{filing.pk}/credentials/rotate")
    assert r.status_code == 201
    new_token = r.json()["token"]
    assert _push(new_token, world.person, "c-3").json()["accepted"] == ["c-3"]
    assert _push(token, world.person, "c-4").status_code == 401
    # rotating again revokes the previous live key
    newer = (
        api_as(world.bureau_user).post(f"filings/platforms/{filing.pk}/credentials/rotate").json()["token"]
    )
    assert _push(new_token, world.person, "c-5").status_code == 401
    assert _push(newer, world.person, "c-5").status_code == 200
    creds = bureau.get(f"filings/platforms/{filing.pk}/credentials").json()
    assert [c["live"] for c in creds] == [True, False, False]
    assert api_as(world.person.user).get("me/progress", year=YEAR).json()["public_hours"] == 30
    # other scopes cannot rotate or revoke: 404
    other = api_as(world.other_authority_user)
    assert other.post(f"filings/platforms/{filing.pk}/credentials/rotate").status_code == 404
    assert other.post(f"filings/credentials/{creds[0]['id']}/revoke").status_code == 404
    # the supervising authority sees the filing but does not manage its keys
    assert (
        api_as(world.authority_user).post(f"filings/platforms/{filing.pk}/credentials/rotate").status_code
        == 403
    )


def test_unaccepted_platform_gets_no_credential(world, api_as):
    from filings.services import issue_credential

    base = factories.actor(world.base_user)
    filing = services.create_platform_filing(base, filing=platform_input(factories.platform_data(YEAR)))
    with pytest.raises(DomainError):
        issue_credential(factories.actor(world.bureau_user), filing_id=filing.pk)
    r = api_as(world.bureau_user).post(f"filings/platforms/{filing.pk}/credentials/rotate")
    assert r.status_code == 422
