"""The pages of the platform intake, the integrity list and the name correction, each in its scope."""

import datetime as dt

import pytest
from django.test import Client

from audit.models import AuditEntry
from credits import intake
from credits.models import IntegrityFlag
from filings import selectors as filing_selectors
from organisations.models import Organisation
from tests import factories
from tests.credits.helpers import platform_token

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def _push(token, items):
    credential = filing_selectors.credential_for_token(token)
    return intake.receive_platform_completions(credential, items=items)


def _item(number, name, external_id, **changes):
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


@pytest.fixture
def pushed(world):
    token = platform_token(world)
    ghost = factories.valid_id_number()
    _push(
        token,
        [
            _item(world.person.reveal_id_number(), world.person.name, "ok"),
            _item(ghost, "王新", "waiting"),
            _item(world.person.reveal_id_number(), world.person.name, "bad", hours=0),
        ],
    )
    return ghost


def _lingbao_bureau_user():
    bureau = Organisation.objects.get(kind=Organisation.Kind.BUREAU, name="灵宝市人力资源和社会保障局")
    return factories.staff("bureau", bureau)


def test_the_bureau_sees_each_platform_per_day_and_its_held_items(world, pushed):
    client = client_for(world.bureau_user)
    html = client.get("/hours/platform-intake/").content.decode()
    assert "测试学习平台2026" in html and 'data-testid="intake-days"' in html
    assert "2026-11-16" in html
    platform = Organisation.objects.get(kind="platform")
    html = client.get(f"/hours/platform-intake/{platform.pk}/").content.decode()
    assert "waiting" in html and "王新" in html and "注册" in html
    assert pushed not in html  # the ID number is shown masked only
    assert "bad" in client.get(f"/hours/platform-intake/{platform.pk}/?state=rejected").content.decode()


def test_platform_intake_pages_are_the_bureaus_and_only_for_its_platforms(world, pushed):
    platform = Organisation.objects.get(kind="platform")
    assert client_for(world.unit_user).get("/hours/platform-intake/").status_code == 403
    assert client_for(_lingbao_bureau_user()).get(f"/hours/platform-intake/{platform.pk}/").status_code == 404


def test_the_person_sees_the_items_held_for_them(world):
    token = platform_token(world)
    _push(token, [_item(world.person.reveal_id_number(), "张叁", "n1")])
    html = client_for(world.person.user).get("/hours/me/hours/").content.decode()
    assert 'data-testid="held-completions"' in html and "姓名与身份证号码登记的姓名不一致" in html


@pytest.fixture
def flagged(world, today):
    today.set(2026, 1, 5, 10, 0)
    token = platform_token(world)
    _push(
        token,
        [
            _item(
                world.person.reveal_id_number(),
                world.person.name,
                "fast",
                hours=45,
                completed_on="2026-01-05",
            )
        ],
    )
    return IntegrityFlag.objects.get()


def test_the_integrity_list_shows_the_case_with_its_records_and_the_bureau_decides(world, flagged):
    client = client_for(world.bureau_user)
    html = client.get("/hours/integrity/").content.decode()
    assert "学习强度异常" in html and "新发展理念专题" in html and world.person.name in html
    response = client.post(
        f"/hours/integrity/{flagged.pk}/decide/",
        {"decision": "dismissed", "note": "平台提供了学习日志"},
        follow=True,
    )
    assert "已核查：核查无误" in response.content.decode()
    flagged.refresh_from_db()
    assert (flagged.state, flagged.note, flagged.decided_by) == (
        "dismissed",
        "平台提供了学习日志",
        world.bureau_user,
    )
    assert AuditEntry.objects.filter(action="integrity.dismissed").count() == 1


def test_reviewers_see_their_staffs_flags_but_only_a_bureau_decides_and_only_in_its_region(world, flagged):
    assert 'data-testid="flag"' in client_for(world.unit_user).get("/hours/integrity/").content.decode()
    assert (
        'data-testid="flag"'
        not in client_for(world.other_unit_user).get("/hours/integrity/").content.decode()
    )
    assert client_for(world.unit_user).post(f"/hours/integrity/{flagged.pk}/decide/", {}).status_code == 403
    lingbao = client_for(_lingbao_bureau_user())
    response = lingbao.post(f"/hours/integrity/{flagged.pk}/decide/", {"decision": "upheld", "note": "x"})
    assert response.status_code == 404
    flagged.refresh_from_db()
    assert flagged.state == "open"


def test_a_decision_needs_a_note(world, flagged, api_as):
    response = api_as(world.bureau_user).post(
        f"integrity-flags/{flagged.pk}/decide", {"decision": "upheld", "note": ""}
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "note"
    listed = api_as(world.bureau_user).get("integrity-flags").json()
    assert listed["count"] == 1 and listed["items"][0]["kind"] == "pace"
    assert world.person.reveal_id_number() not in str(listed)


def test_the_bureau_corrects_a_name_on_the_person_page(world, django_capture_on_commit_callbacks):
    client = client_for(world.bureau_user)
    assert "更正姓名" in client.get(f"/hours/people/{world.person.pk}/").content.decode()
    refused = client.post(f"/accounts/people/{world.person.pk}/name/", {"name": "张叁", "reason": ""})
    assert refused.status_code == 422 and "更正原因" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/accounts/people/{world.person.pk}/name/",
            {"name": "张叁", "reason": "核对身份证原件"},
            follow=True,
        )
    assert "已更正姓名为 张叁" in response.content.decode()
    world.person.refresh_from_db()
    assert world.person.name == "张叁"
    assert client_for(world.unit_user).get(f"/accounts/people/{world.person.pk}/name/").status_code == 403
    assert (
        client_for(_lingbao_bureau_user()).get(f"/accounts/people/{world.person.pk}/name/").status_code == 404
    )


def test_a_reviewer_sees_a_flag_on_the_declaration_it_concerns(world, today):
    """A platform item and a declaration of the same days: the attendance-like overlap is shown
    to the reviewer when the declaration itself is flagged."""
    from credits.integrity import raise_flag
    from credits.rules.plausibility import Verdict
    from tests.credits.helpers import declare

    declaration = declare(world.person)
    record = declaration.hour_record
    raise_flag(record, IntegrityFlag.Kind.OVER_DAILY_LIMIT, Verdict(False, message="2026年11月2日 超过上限"))
    html = client_for(world.unit_user).get(f"/hours/reviews/{declaration.pk}/").content.decode()
    assert 'data-testid="integrity-flag"' in html and "超过每日学时上限" in html
    assert dt.date(2026, 11, 13) == record.completed_on
