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


# --- a bureau cannot widen its scope, take over accounts or change rules without a trace ---


def _org_form(org, **changes):
    data = {
        "kind": org.kind,
        "name": org.name,
        "region": org.region_id,
        "supervisor": org.supervisor_id or "",
        "base_level": org.base_level,
        "registry_no": org.registry_no or "",
        "credit_code": org.credit_code,
        "contact_name": org.contact_name,
        "contact_phone": org.contact_phone,
        "is_active": "on",
    }
    data.update(changes)
    return data


def test_a_county_bureau_cannot_move_itself_to_the_province(world):
    from organisations.models import Region

    province = Region.objects.get(code="410000")
    client = _client(world.county_bureau_user)
    url = f"/admin/organisations/organisation/{world.county_bureau.pk}/change/"
    client.post(url, _org_form(world.county_bureau, region=province.pk))
    world.county_bureau.refresh_from_db()
    assert world.county_bureau.region.code == "411202"


def test_a_county_bureau_cannot_point_a_unit_at_another_region(world):
    from organisations.models import Region

    lingbao = Region.objects.get(code="411282")
    client = _client(world.county_bureau_user)
    response = client.post(
        f"/admin/organisations/organisation/{world.unit.pk}/change/", _org_form(world.unit, region=lingbao.pk)
    )
    assert response.status_code == 200  # the form comes back with an error
    world.unit.refresh_from_db()
    assert world.unit.region.code == "411202"


def test_a_county_bureau_cannot_reach_other_bureaus_or_staff_accounts(world):
    client = _client(world.county_bureau_user)
    for user in (world.bureau_user, world.county_bureau_user):
        assert client.get(f"/admin/accounts/user/{user.pk}/password/").status_code in (302, 404)
    listing = client.get("/admin/accounts/user/").content.decode()
    assert world.bureau_user.username not in listing
    assert world.person.user.username in listing  # 张三 works at a 湖滨区 unit
    assert world.other_person.user.username in listing  # so does 李四 (测试医院, 湖滨区)


def test_admin_password_change_is_audited_and_ends_tokens(world):
    from accounts.models import ApiToken
    from tests import factories

    factories.token_for(world.person.user)
    client = _client(world.bureau_user)
    response = client.post(
        f"/admin/accounts/user/{world.person.user.pk}/password/",
        {"password1": "Brand2026new", "password2": "Brand2026new", "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    assert not ApiToken.objects.filter(user=world.person.user).exists()
    entry = AuditEntry.objects.get(action="user.password_set_by_admin")
    assert entry.actor == world.bureau_user and entry.target_id == str(world.person.user.pk)


def test_audit_entries_never_hold_password_hashes(world):
    client = _client(world.bureau_user)
    user = world.person.user
    client.post(
        f"/admin/accounts/user/{user.pk}/change/",
        {
            "username": user.username,
            "first_name": "改名",
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
            "role_assignments-TOTAL_FORMS": "0",
            "role_assignments-INITIAL_FORMS": "0",
        },
    )
    for entry in AuditEntry.objects.filter(target_type="accounts.user"):
        assert "password" not in (entry.after or {}) and "password" not in (entry.before or {})


def test_requirement_figures_edited_inline_are_audited(world):
    from policy.models import Requirement

    row = Requirement.objects.get(policy_year_id=2026, profile__code="default")
    other = Requirement.objects.get(policy_year_id=2026, profile__code="accounting")
    client = _client(world.bureau_user)
    response = client.post(
        "/admin/policy/policyyear/2026/change/",
        {
            "year": 2026,
            "declaration_deadline": "2026-12-31",
            "plan_filing_deadline": "2026-09-15",
            "reporting_deadline": "2027-01-31",
            "review_sla_working_days": 5,
            "max_daily_hours": "12.0",
            "notice_reference": "沿用 2025 年度",
            "requirements-TOTAL_FORMS": "2",
            "requirements-INITIAL_FORMS": "2",
            "requirements-0-id": row.pk,
            "requirements-0-policy_year": 2026,
            "requirements-0-profile": row.profile_id,
            "requirements-0-total_hours": "90",
            "requirements-0-public_hours": "24",
            "requirements-0-professional_hours": "60",
            "requirements-1-id": other.pk,
            "requirements-1-policy_year": 2026,
            "requirements-1-profile": other.profile_id,
            "requirements-1-total_hours": "90",
            "requirements-1-public_hours": "30",
            "requirements-1-professional_hours": "60",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = AuditEntry.objects.get(action="admin.requirement.changed")
    assert entry.before["public_hours"] == 30 and entry.after["public_hours"] == 24


def test_a_bureau_grants_reviewer_roles_in_its_region_but_never_a_bureau_role(world):
    from accounts.models import RoleAssignment, User

    user = User.objects.create_user("new-reviewer", password="x")  # as added in the admin: no role yet
    client = _client(world.bureau_user)
    base = {
        "username": user.username,
        "first_name": "新审核员",
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        "role_assignments-TOTAL_FORMS": "1",
        "role_assignments-INITIAL_FORMS": "0",
    }
    refused = client.post(
        f"/admin/accounts/user/{user.pk}/change/",
        {**base, "role_assignments-0-role": "bureau", "role_assignments-0-organisation": world.bureau.pk},
    )
    assert refused.status_code == 200
    assert not RoleAssignment.objects.filter(user=user, role="bureau").exists()
    granted = client.post(
        f"/admin/accounts/user/{user.pk}/change/",
        {**base, "role_assignments-0-role": "unit", "role_assignments-0-organisation": world.unit.pk},
    )
    assert granted.status_code == 302, granted.content.decode()[:3000]
    assert RoleAssignment.objects.filter(user=user, role="unit", organisation=world.unit).exists()
    assert AuditEntry.objects.filter(action="admin.roleassignment.added", actor=world.bureau_user).exists()


def test_county_bureaus_do_not_read_the_audit_log(world):
    assert _client(world.county_bureau_user).get("/admin/audit/auditentry/").status_code == 403
