"""Notices and the FAQ in the admin: cut to the bureau's region, publishing through the
services (audited), county bureaus reading the help page only."""

import pytest

from audit.models import AuditEntry
from bulletins.models import FaqEntry, Notice
from core.actors import Role
from tests.bulletins.conftest import login

pytestmark = pytest.mark.django_db


def test_admin_lists_only_the_notices_of_the_bureaus_region(world, city, county, notice):
    notice(city, title="市局通知", audience=[Role.UNIT])
    mine = notice(county, title="湖滨区通知", audience=[Role.UNIT])
    county_list = login(world.county_bureau_user).get("/admin/bulletins/notice/").content.decode()
    assert "湖滨区通知" in county_list and "市局通知" not in county_list
    city_list = login(world.bureau_user).get("/admin/bulletins/notice/").content.decode()
    assert "湖滨区通知" in city_list and "市局通知" in city_list
    other = Notice.objects.get(title="市局通知")
    response = login(world.county_bureau_user).get(f"/admin/bulletins/notice/{other.pk}/change/")
    assert response.status_code in (302, 404) and "市局通知" not in response.content.decode()
    assert (
        login(world.county_bureau_user).get(f"/admin/bulletins/notice/{mine.pk}/change/").status_code == 200
    )


def test_admin_actions_publish_and_withdraw_through_the_services(world, county, notice):
    draft = notice(county, publish=False, title="后台发布", audience=[Role.UNIT])
    client = login(world.county_bureau_user)
    response = client.post(
        "/admin/bulletins/notice/", {"action": "publish_selected", "_selected_action": [draft.pk]}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == Notice.State.PUBLISHED and draft.published_at is not None
    entry = AuditEntry.objects.get(action="notice.published", target_id=str(draft.pk))
    assert entry.actor == world.county_bureau_user and entry.actor_role == "bureau"
    client.post("/admin/bulletins/notice/", {"action": "withdraw_selected", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.state == Notice.State.WITHDRAWN


def test_admin_add_sets_the_bureau_and_refuses_a_notice_for_nobody(world):
    client = login(world.county_bureau_user)
    form = {
        "region": world.unit.region_id,
        "title": "后台新建",
        "document_number": "",
        "body": "正文",
        "attachments-TOTAL_FORMS": 0,
        "attachments-INITIAL_FORMS": 0,
    }
    refused = client.post("/admin/bulletins/notice/add/", form)
    assert refused.status_code == 200 and "请选择公开或至少一类对象" in refused.content.decode()
    assert not Notice.objects.exists()
    response = client.post("/admin/bulletins/notice/add/", {**form, "for_unit": "on"})
    assert response.status_code == 302
    n = Notice.objects.get(title="后台新建")
    assert n.bureau == world.county_bureau and n.created_by == world.county_bureau_user
    assert n.state == Notice.State.DRAFT
    assert AuditEntry.objects.filter(action="admin.notice.added", target_id=str(n.pk)).exists()
    # a region above the county is not a choice
    above = client.post(
        "/admin/bulletins/notice/add/", {**form, "for_unit": "on", "region": world.bureau.region_id}
    )
    assert above.status_code == 200 and Notice.objects.count() == 1


def test_county_bureau_reads_the_faq_in_the_admin_but_cannot_change_it(world):
    entry = FaqEntry.objects.first()
    county = login(world.county_bureau_user)
    assert county.get(f"/admin/bulletins/faqentry/{entry.pk}/change/").status_code == 200
    response = county.post(f"/admin/bulletins/faqentry/{entry.pk}/change/", {"question": "改"})
    assert response.status_code == 403
    assert login(world.bureau_user).get("/admin/bulletins/faqentry/add/").status_code == 200
