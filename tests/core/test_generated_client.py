"""A typed client generated from the platform's OpenAPI document (openapi-python-client, with
scripts/openapi-python-client.yaml) walks the journey of DESIGN §5 against a live server, and
every documented error arrives parsed as ErrorOut instead of an UnexpectedStatus."""

import datetime as dt
import importlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests import factories
from tests.credits.helpers import PDF, platform_token

ROOT = Path(__file__).resolve().parents[2]
GENERATOR = Path(sys.executable).with_name("openapi-python-client")


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    import django

    django.setup()
    from config.api import api

    folder = tmp_path_factory.mktemp("client")
    spec = folder / "openapi.json"
    spec.write_text(json.dumps(api.get_openapi_schema(), default=str), encoding="utf-8")
    done = subprocess.run(
        [
            str(GENERATOR),
            "generate",
            "--path",
            str(spec),
            "--config",
            str(ROOT / "scripts" / "openapi-python-client.yaml"),
            "--meta",
            "none",
            "--output-path",
            str(folder / "ce_platform_client"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "WARNING" not in done.stdout + done.stderr, done.stdout + done.stderr
    sys.path.insert(0, str(folder))
    yield lambda module: importlib.import_module(f"ce_platform_client.{module}")
    sys.path.remove(str(folder))
    for name in [m for m in sys.modules if m.startswith("ce_platform_client")]:
        del sys.modules[name]


@pytest.mark.django_db(transaction=True)
def test_the_journey_of_design_5_through_a_generated_client(generated, live_server, running_today):
    world = factories.World.build()
    client_module = generated("client")
    models = generated("models")
    types = generated("types")

    def call(module, *args, token=None, **kwargs):
        client = (
            client_module.AuthenticatedClient(
                base_url=live_server.url, token=token, raise_on_unexpected_status=True
            )
            if token
            else client_module.Client(base_url=live_server.url, raise_on_unexpected_status=True)
        )
        return generated(f"api.{module}").sync_detailed(*args, client=client, **kwargs)

    def token_of(username, password=factories.PASSWORD):
        answer = call("账号与注册.obtain_token", body=models.TokenIn(username=username, password=password))
        assert answer.status_code == 200, answer.content
        return answer.parsed.token

    assert call("运行状态.get_health").parsed.status == "ok"
    wrong = call("账号与注册.obtain_token", body=models.TokenIn(username="nobody", password="x"))
    assert wrong.status_code == 401 and isinstance(wrong.parsed, models.ErrorOut) and wrong.parsed.detail

    number = factories.valid_id_number()
    registration = models.RegisterIn(
        name="周新",
        id_number=number,
        phone="13912345678",
        password="Zhou-2026-pass",
        unit_id=world.unit.pk,
        profession="engineering",
    )
    registered = call("账号与注册.register", body=registration)
    assert registered.status_code == 201, registered.content
    again = call("账号与注册.register", body=registration)
    assert again.status_code == 422 and isinstance(again.parsed, models.ErrorOut)
    assert any(e.field == "id_number" for e in again.parsed.errors)

    unit = token_of(world.unit_user.username)
    pending = call("账号与注册.get_unit_members", token=unit, state="pending").parsed
    assert registered.parsed.person_id in [m.person_id for m in pending]
    assert call("账号与注册.confirm_member", registered.parsed.person_id, token=unit).status_code == 200

    person = token_of(registered.parsed.username, registration.password)
    draft = call(
        "学时.create_declaration",
        token=person,
        body=models.DeclarationIn(
            category=models.DeclarationInCategory.PROFESSIONAL,
            method=models.DeclarationInMethod.PRACTICE,
            title="桥梁检测实践",
            organizer="三门峡市建筑设计研究院",
            hours=16,
            started_on=dt.date(2026, 11, 2),
            ended_on=dt.date(2026, 11, 13),
        ),
    )
    assert draft.status_code == 201, draft.content
    evidence = models.UploadEvidenceFileParams(
        file=types.File(payload=io.BytesIO(PDF), file_name="证明.pdf", mime_type="application/pdf")
    )
    assert call("学时.upload_evidence", draft.parsed.id, token=person, body=evidence).status_code == 201
    submitted = call("学时.submit_declaration", draft.parsed.id, token=person)
    assert submitted.status_code == 200 and submitted.parsed.state.value == "pending_unit"
    missing = call("学时.submit_declaration", 999999, token=person)
    assert missing.status_code == 404 and isinstance(missing.parsed, models.ErrorOut)

    queue = call("学时.review_queue", token=unit, state="pending").parsed
    assert draft.parsed.id in [row.id for row in queue]
    no_reason = call(
        "学时.review_declaration",
        draft.parsed.id,
        token=unit,
        body=models.ReviewIn(decision=models.ReviewInDecision.RETURN, comment=""),
    )
    assert no_reason.status_code == 422 and no_reason.parsed.errors[0].field == "comment"
    approve = models.ReviewIn(decision=models.ReviewInDecision.APPROVE, comment="")
    assert call("学时.review_declaration", draft.parsed.id, token=unit, body=approve).status_code == 200
    authority = token_of(world.authority_user.username)
    decided = call("学时.review_declaration", draft.parsed.id, token=authority, body=approve)
    assert decided.status_code == 200 and decided.parsed.state.value == "approved"

    platform = platform_token(world)
    items = [
        models.CompletionIn.from_dict(
            {
                "external_id": "journey-1",
                "id_number": number,
                "name": "周新",
                "course": "公需科目：数字经济",
                "category": "public",
                "hours": 30,
                "completed_on": "2026-11-10",
            }
        )
    ]
    pushed = call(
        "学习平台推送.post_platform_completions", token=platform, body=models.CompletionsIn(items=items)
    )
    assert pushed.status_code == 200 and pushed.parsed.accepted == ["journey-1"]
    fate = call("学习平台推送.get_platform_completion", "journey-1", token=platform).parsed
    assert fate.state == "credited" and fate.year == 2026 and fate.record_id

    progress = call("学时.get_my_progress", token=person, year=2026).parsed
    assert (progress.public_hours, progress.professional_hours, progress.total_hours) == (30, 16, 46)
    assert progress.compliant is False
    forbidden = call("学时.get_forecast", token=person)
    assert forbidden.status_code == 403 and isinstance(forbidden.parsed, models.ErrorOut)
