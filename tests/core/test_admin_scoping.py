import pytest
from django.test import Client

from audit.models import AuditEntry
from organisations.models import Organisation

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("who", ["unit_user", "authority_user", "base_user"])
def test_reviewers_and_operators_cannot_enter_the_admin(world, who):
    response = _client(getattr(world, who)).get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_person_cannot_enter_the_admin(world):
    assert _client(world.person.user).get("/admin/").status_code == 302


def test_bureau_admin_enters_and_sees_its_region_only(world):
    city = _client(world.bureau_user).get("/admin/organisations/organisation/", {"kind__exact": "unit"})
    assert city.status_code == 200
    assert "测试市政公司" in city.content.decode()  # 灵宝市, inside the city
    county = _client(world.county_bureau_user).get(
        "/admin/organisations/organisation/", {"kind__exact": "unit"}
    )
    html = county.content.decode()
    assert "测试设计院" in html  # 湖滨区
    assert "测试市政公司" not in html  # 灵宝市 is another county


def test_county_bureau_gets_404_on_an_organisation_outside_its_region(world):
    url = f"/admin/organisations/organisation/{world.sibling_unit.pk}/change/"
    response = _client(world.county_bureau_user).get(url)
    assert response.status_code in (302, 404)
    assert "测试市政公司" not in response.content.decode()


def test_county_bureau_reads_but_cannot_edit_policy(world):
    client = _client(world.county_bureau_user)
    assert client.get("/admin/policy/policyyear/2025/change/").status_code == 200
    response = client.post("/admin/policy/policyyear/2025/change/", {"year": 2025})
    assert response.status_code == 403


def test_admin_edits_are_audited_with_before_and_after(world):
    client = _client(world.bureau_user)
    org = world.unit
    response = client.post(
        f"/admin/organisations/organisation/{org.pk}/change/",
        {
            "kind": "unit",
            "name": org.name,
            "region": org.region_id,
            "supervisor": org.supervisor_id,
            "base_level": "",
            "registry_no": "",
            "credit_code": "",
            "contact_name": "新联系人",
            "contact_phone": "13911112222",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.filter(action="admin.organisation.changed").latest("id")
    assert entry.actor == world.bureau_user
    assert entry.before["contact_name"] == "" and entry.after["contact_name"] == "新联系人"
    assert Organisation.objects.get(pk=org.pk).contact_name == "新联系人"


def test_audit_log_is_read_only_in_admin(world):
    client = _client(world.bureau_user)
    entry = AuditEntry.objects.first()
    assert client.get("/admin/audit/auditentry/").status_code == 200
    assert client.post(f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
