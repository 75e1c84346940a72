"""Every page renders for the roles that use it, says who is logged in, and keeps its scope."""

import pytest
from django.test import Client

from accounts.models import Membership
from tests import factories

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("path", ["/", "/bases/", "/learn/", "/accounts/login/", "/accounts/register/"])
def test_public_pages_render_in_chinese(client, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<meta charset="utf-8">' in html and 'lang="zh-Hans"' in html
    assert "专业技术人员继续教育管理平台" in html


def test_home_shows_this_years_rules_and_countdown(client, today):
    html = client.get("/").content.decode()
    assert "2026 年度要求" in html
    assert "≥ 90 学时" in html and "公需科目 ≥ 30" in html and "专业科目 ≥ 60" in html
    assert "2026年12月31日" in html
    # 2026-11-16 → 2026-12-31: 45 days
    assert "<strong data-days>45</strong>" in html
    assert "管理入口" in html and "学习入口" in html and "/api/v1/docs" in html


def test_base_registry_searches_and_filters(client):
    html = client.get("/bases/", {"level": "municipal"}).content.decode()
    assert "共 2 个基地" in html
    html = client.get("/bases/", {"q": "建筑业协会"}).content.decode()
    assert "三门峡市建筑业协会" in html


@pytest.mark.parametrize(
    "attr, heading",
    [
        ("unit_user", "用人单位工作台"),
        ("authority_user", "行业主管部门工作台"),
        ("base_user", "继续教育基地工作台"),
        ("bureau_user", "人社局工作台"),
    ],
)
def test_each_staff_role_has_its_home(world, attr, heading):
    html = client_for(getattr(world, attr)).get("/dashboard/").content.decode()
    assert heading in html
    assert 'data-testid="whoami"' in html and 'data-testid="role"' in html


def test_person_home_shows_progress_and_membership(world, today):
    html = client_for(world.person.user).get("/dashboard/").content.decode()
    assert "张三，您好" in html
    assert "还差 90 学时" in html
    assert "公需科目还需 30 学时" in html and "专业科目还需 60 学时" in html
    assert world.unit.name in html and "已确认" in html
    assert "还剩 <strong>45</strong> 天" in html


def test_a_user_with_two_roles_can_switch(world):
    from accounts.models import RoleAssignment
    from core.actors import Role

    user = world.unit_user
    second = RoleAssignment.objects.create(user=user, role=Role.AUTHORITY, organisation=world.authority)
    client = client_for(user)
    html = client.get("/dashboard/").content.decode()
    assert 'data-testid="role-switch"' in html and "用人单位工作台" in html
    response = client.post("/accounts/switch-role/", {"role_id": second.pk}, follow=True)
    html = response.content.decode()
    assert "行业主管部门工作台" in html and "已切换为" in html


def test_unit_members_page_filters_and_confirms(world):
    pending = factories.person(world.unit, confirmed=False, name="待确认甲")
    client = client_for(world.unit_user)
    html = client.get("/unit/members/").content.decode()
    assert "待确认甲" in html and pending.id_number_masked in html
    html = client.get("/unit/members/", {"state": "confirmed"}).content.decode()
    assert "张三" in html and "待确认甲" not in html
    html = client.get("/unit/members/", {"state": "confirmed", "q": "不存在"}).content.decode()
    assert "没有符合条件的人员" in html
    response = client.post(
        f"/accounts/members/{pending.pk}/confirm/", {"next": "/unit/members/?state=pending"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/unit/members/?state=pending"
    assert "已确认 待确认甲 为本单位人员" in response.content.decode()
    assert Membership.objects.get(person=pending).state == "confirmed"


def test_rejecting_without_a_reason_keeps_the_form_and_names_the_field(world):
    pending = factories.person(world.unit, confirmed=False, name="待确认乙")
    client = client_for(world.unit_user)
    response = client.post(f"/accounts/members/{pending.pk}/reject/", {"reason": "   "})
    assert response.status_code == 422
    assert "原因：不予确认时必须填写原因。" in response.content.decode()
    assert Membership.objects.get(person=pending).state == "pending"
    response = client.post(f"/accounts/members/{pending.pk}/reject/", {"reason": "非本单位职工"}, follow=True)
    assert "已不予确认 待确认乙：非本单位职工" in response.content.decode()
    membership = Membership.objects.get(person=pending)
    assert membership.state == "rejected" and membership.reason == "非本单位职工"
    html = client.get("/unit/members/", {"state": "rejected"}).content.decode()
    assert "非本单位职工" in html


def test_members_page_is_for_units_only(world):
    assert client_for(world.authority_user).get("/unit/members/").status_code == 403
    assert client_for(world.person.user).get("/unit/members/").status_code == 403


def test_pages_need_login(client):
    for path in ("/dashboard/", "/unit/members/", "/bureau/calendar/", "/messages/"):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_refused_person_sees_the_reason_and_chooses_another_unit(world):
    from accounts import services
    from tests.factories import actor

    newcomer = factories.person(world.unit, confirmed=False, name="被拒者")
    services.reject_membership(actor(world.unit_user), person_id=newcomer.pk, reason="查无此人")
    client = client_for(newcomer.user)
    html = client.get("/dashboard/").content.decode()
    assert "未予确认：查无此人" in html and "选择工作单位" in html
    response = client.post("/accounts/unit/", {"unit_id": ""})
    assert response.status_code == 422 and "工作单位：请选择工作单位。" in response.content.decode()
    response = client.post("/accounts/unit/", {"unit_id": world.sibling_unit.pk}, follow=True)
    assert "已向“测试市政公司”提出单位关系确认申请" in response.content.decode()
    assert Membership.objects.get(person=newcomer, state="pending").unit == world.sibling_unit
    assert client_for(world.unit_user).get("/accounts/unit/").status_code == 403


def test_messages_page_lists_and_marks_read(world):
    from notifications.models import Notification
    from notifications.services import notify

    notify(
        [world.person.user.pk],
        title="学时申报已通过：测试",
        body="16 学时已计入 2026 年度。",
        link="/dashboard/",
    )
    client = client_for(world.person.user)
    html = client.get("/dashboard/").content.decode()
    assert 'data-testid="unread">1<' in html
    html = client.get("/messages/").content.decode()
    assert "学时申报已通过：测试" in html and "未读" in html
    assert not Notification.objects.filter(user=world.person.user, read_at=None).exists()
    assert 'data-testid="unread"' not in client.get("/dashboard/").content.decode()
    other = client_for(world.other_person.user).get("/messages/").content.decode()
    assert "学时申报已通过：测试" not in other


def test_base_home_lists_its_own_filings_only(world):
    factories.accepted_plan(world, filer_user=world.base_user)
    factories.accepted_plan(world)  # the unit's plan: not the base's business
    html = client_for(world.base_user).get("/dashboard/").content.decode()
    assert "2025 年度培训计划" in html and html.count("已备案") == 1
