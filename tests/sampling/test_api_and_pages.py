"""The sample, its outcomes and rates through the API and on the pages, scoped like the rest."""

from decimal import Decimal

import pytest
from django.test import Client

from credits import ledger
from credits import selectors as credit_selectors
from sampling.models import AuditSample
from tests import factories
from tests.sampling.helpers import approved

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_draw_list_and_decide_through_the_api(world, api_as):
    person = factories.person(world.unit, name="赵六")
    approved(world, person)
    approved(world)
    api = api_as(world.authority_user)
    response = api.post(
        "audit-samples", {"year": 2026, "count": 2, "seed": 99, "evidence_due_on": "2026-12-04"}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["seed"] == 99 and body["count"] == 2 and body["population"] == 2
    assert body["rates"] == {
        "sampled": 2,
        "confirmed": 0,
        "revoked": 0,
        "pending": 2,
        "revocation_rate": None,
    }
    assert all("*" in i["person"] for i in body["items"])  # ID numbers masked
    item = next(i for i in body["items"] if person.name in i["person"])
    decided = api.post(
        f"audit-samples/{body['id']}/items/{item['id']}/decide", {"outcome": "revoked", "reason": "无原件"}
    )
    assert decided.status_code == 200 and decided.json()["outcome"] == "revoked"
    again = api.post(f"audit-samples/{body['id']}/items/{item['id']}/decide", {"outcome": "confirmed"})
    assert again.status_code == 409
    listing = api.get("audit-samples", year=2026).json()
    assert listing["rates"] == {
        "sampled": 2,
        "confirmed": 0,
        "revoked": 1,
        "pending": 1,
        "revocation_rate": 1.0,
    }
    assert [s["id"] for s in listing["samples"]] == [body["id"]]
    assert credit_selectors.progress_of(person, 2026).professional_hours == Decimal(0)
    assert ledger.summary_mismatches() == []


def test_api_refusals(world, api_as):
    approved(world)
    unit = api_as(world.unit_user).post("audit-samples", {"year": 2026, "count": 1})
    assert unit.status_code == 403
    bad = api_as(world.authority_user).post("audit-samples", {"year": 2026})
    assert bad.status_code == 422 and {e["field"] for e in bad.json()["errors"]} == {"share", "count"}
    sample = api_as(world.authority_user).post("audit-samples", {"year": 2026, "count": 1}).json()
    other = api_as(world.other_authority_user)
    assert other.get(f"audit-samples/{sample['id']}").status_code == 404
    item_id = sample["items"][0]["id"]
    assert (
        other.post(
            f"audit-samples/{sample['id']}/items/{item_id}/decide", {"outcome": "confirmed"}
        ).status_code
        == 404
    )
    revoke = api_as(world.authority_user).post(
        f"audit-samples/{sample['id']}/items/{item_id}/decide", {"outcome": "revoked"}
    )
    assert revoke.status_code == 422 and revoke.json()["errors"][0]["field"] == "reason"


def test_the_pages_draw_show_the_seed_and_record_outcomes(world):
    person = factories.person(world.unit, name="王五")
    approved(world, person)
    client = _client(world.authority_user)
    page = client.get("/sampling/")
    assert page.status_code == 200 and "学时抽查" in page.content.decode()
    response = client.post(
        "/sampling/",
        {"year": 2026, "share": "100", "seed": "4242", "evidence_due_on": "2026-12-04", "note": ""},
    )
    sample = AuditSample.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/sampling/{sample.pk}/"
    detail = client.get(f"/sampling/{sample.pk}/").content.decode()
    assert "4242" in detail and "王五" in detail and person.id_number_masked in detail
    item = sample.items.get()
    client.post(f"/sampling/{sample.pk}/items/{item.pk}/decide/", {"outcome": "revoked", "reason": ""})
    item.refresh_from_db()
    assert item.outcome == "pending"  # the reason is required
    client.post(f"/sampling/{sample.pk}/items/{item.pk}/decide/", {"outcome": "revoked", "reason": "无原件"})
    item.refresh_from_db()
    assert item.outcome == "revoked"
    listing = client.get("/sampling/", {"year": 2026}).content.decode()
    assert "4242" in listing and "100%" in listing


def test_a_refused_draw_keeps_the_form_and_names_the_field(world):
    approved(world)
    client = _client(world.authority_user)
    response = client.post("/sampling/", {"year": 2026, "evidence_due_on": "2026-12-04"})
    assert response.status_code == 200
    assert "抽查比例：与抽查数量二选一。" in response.content.decode()
    assert not AuditSample.objects.exists()


def test_pages_are_scoped(world):
    approved(world)
    sample_id = _client(world.authority_user).post(
        "/sampling/", {"year": 2026, "count": "1", "evidence_due_on": "2026-12-04"}
    )["Location"]
    assert _client(world.other_authority_user).get(sample_id).status_code == 404
    assert _client(world.county_bureau_user).get(sample_id).status_code == 404
    assert _client(world.bureau_user).get(sample_id).status_code == 200
    assert _client(world.unit_user).get("/sampling/").status_code == 403


def test_authority_and_bureau_navigation_link_the_page(world):
    for user in (world.authority_user, world.bureau_user):
        assert 'href="/sampling/"' in _client(user).get("/sampling/").content.decode()
    assert 'href="/sampling/"' not in _client(world.unit_user).get("/").content.decode()


def test_the_bureau_admin_lists_samples_read_only_within_its_region(world):
    approved(world)
    sample_id = (
        _client(world.authority_user)
        .post("/sampling/", {"year": 2026, "count": "1", "evidence_due_on": "2026-12-04"})["Location"]
        .strip("/")
        .split("/")[-1]
    )
    city = _client(world.bureau_user)
    assert city.get("/admin/sampling/auditsample/").status_code == 200
    assert city.get(f"/admin/sampling/auditsample/{sample_id}/change/").status_code == 200
    assert city.post(f"/admin/sampling/auditsample/{sample_id}/delete/", {"post": "yes"}).status_code == 403
    county = _client(world.county_bureau_user).get(f"/admin/sampling/auditsample/{sample_id}/change/")
    assert county.status_code in (302, 404)
