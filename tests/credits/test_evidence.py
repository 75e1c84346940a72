"""Evidence: PDF/JPG/PNG by content, size-limited, stored privately, served only in scope."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from credits.forms import DeclarationForm
from credits.models import Evidence
from tests.credits.helpers import JPG, PDF, PNG, declare

pytestmark = pytest.mark.django_db


def _upload(client, declaration_id, data, name):
    return client.upload(f"declarations/{declaration_id}/evidence", {"file": SimpleUploadedFile(name, data)})


@pytest.fixture
def draft(world):
    return declare(world.person, submit=False, evidence=False)


@pytest.mark.parametrize(
    ("data", "name", "mime"),
    [
        (PDF, "证书.pdf", "application/pdf"),
        (PNG, "scan.png", "image/png"),
        (JPG, "photo.jpg", "image/jpeg"),
        (PDF, "misnamed.png", "application/pdf"),  # the content decides, not the name
    ],
)
def test_accepted_types_are_recognised_by_content(api_as, world, draft, data, name, mime):
    response = _upload(api_as(world.person.user), draft.pk, data, name)
    assert response.status_code == 201, response.json()
    assert response.json()["content_type"] == mime
    assert response.json()["name"] == name


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"<html><script>alert(1)</script></html>", "evil.pdf"),
        (b"GIF89a" + b"\x00" * 30, "anim.png"),
        (b"MZ\x90\x00" + b"\x00" * 60, "setup.jpg"),
        (b"", "empty.pdf"),
    ],
)
def test_other_content_is_refused_whatever_its_name(api_as, world, draft, data, name):
    response = _upload(api_as(world.person.user), draft.pk, data, name)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "file"
    assert not Evidence.objects.exists()


def test_size_is_limited(api_as, world, draft, settings):
    settings.EVIDENCE_MAX_BYTES = 1000
    response = _upload(api_as(world.person.user), draft.pk, PDF + b"0" * 1000, "big.pdf")
    assert response.status_code == 422 and "MB" in response.json()["detail"]
    assert _upload(api_as(world.person.user), draft.pk, PDF, "small.pdf").status_code == 201


def test_the_same_file_twice_is_refused(api_as, world, draft):
    client = api_as(world.person.user)
    assert _upload(client, draft.pk, PDF, "a.pdf").status_code == 201
    assert _upload(client, draft.pk, PDF, "b.pdf").status_code == 422


def test_evidence_is_stored_under_the_private_root_outside_static(api_as, world, draft):
    _upload(api_as(world.person.user), draft.pk, PDF, "证书.pdf")
    evidence = Evidence.objects.get()
    path = Path(evidence.file.path).resolve()
    assert path.is_relative_to(Path(settings.PRIVATE_STORAGE_ROOT).resolve())
    assert not path.is_relative_to(Path(settings.STATIC_ROOT).resolve())
    assert path.read_bytes() == PDF
    assert ".pdf" not in path.name and "证书" not in str(path)  # no user-chosen name on disk


def test_evidence_is_served_to_the_person_and_the_reviewers_only(api, api_as, world):
    declaration = declare(world.person)
    evidence = Evidence.objects.get(declaration=declaration)
    url = f"declarations/{declaration.pk}/evidence/{evidence.pk}"
    for user in (world.person.user, world.unit_user, world.authority_user, world.bureau_user):
        response = api_as(user).get(url)
        assert response.status_code == 200, user
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
    for user in (
        world.other_person.user,
        world.other_unit_user,
        world.sibling_unit_user,
        world.other_authority_user,
        world.base_user,
    ):
        assert api_as(user).get(url).status_code == 404, user
    assert api.get(url).status_code == 401


def test_evidence_cannot_change_once_submitted(api_as, world):
    declaration = declare(world.person)
    evidence = Evidence.objects.get(declaration=declaration)
    client = api_as(world.person.user)
    assert _upload(client, declaration.pk, PNG, "more.png").status_code == 409
    response = client.client.delete(
        f"/api/v1/declarations/{declaration.pk}/evidence/{evidence.pk}",
        HTTP_AUTHORIZATION=f"Bearer {client.token}",
    )
    assert response.status_code == 409


def test_evidence_of_a_draft_can_be_removed(api_as, world, draft, django_capture_on_commit_callbacks):
    client = api_as(world.person.user)
    evidence_id = _upload(client, draft.pk, PDF, "a.pdf").json()["id"]
    path = Path(Evidence.objects.get(pk=evidence_id).file.path)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.client.delete(
            f"/api/v1/declarations/{draft.pk}/evidence/{evidence_id}",
            HTTP_AUTHORIZATION=f"Bearer {client.token}",
        )
    assert response.status_code == 204
    assert not Evidence.objects.filter(pk=evidence_id).exists()
    assert not path.exists()  # the file goes once the transaction has committed


def test_the_declare_form_states_the_configured_size_limit(settings):
    assert "每个不超过 10 MB" in str(DeclarationForm().fields["file"].help_text)
    settings.EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
    assert "每个不超过 5 MB" in str(DeclarationForm().fields["file"].help_text)
