"""GET notices and GET notices/{id} under /api/v1/: public without a token, by role and region
with one, in the §5 error format."""

import pytest

from bulletins import services
from bulletins.models import NoticeRead
from core.actors import Role
from tests.bulletins.conftest import pdf_upload

pytestmark = pytest.mark.django_db


def test_without_a_token_only_public_notices(api, city, notice, today):
    notice(city, title="公开通知", is_public=True, pinned=True, document_number="三人社专技〔2025〕1号")
    notice(city, title="致单位", audience=[Role.UNIT])
    notice(city, publish=False, title="草稿", is_public=True)
    response = api.get("notices")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    (item,) = body["items"]
    assert item["title"] == "公开通知" and item["document_number"] == "三人社专技〔2025〕1号"
    assert item["publisher"] == "三门峡市人力资源和社会保障局"
    assert item["region"] == {"code": "411200", "name": "三门峡市"}
    assert item["audience"] == {"public": True, "roles": []}
    assert item["pinned"] is True and item["state"] == "published" and item["read"] is None
    assert item["published_at"] == "2026-11-16T02:00:00Z" and item["published_on"] == "2026-11-16"


def test_with_a_token_by_role_and_region_with_read_marks(world, api_as, city, county, notice):
    for_units = notice(city, title="致单位", audience=[Role.UNIT])
    notice(county, title="湖滨区致单位", audience=[Role.UNIT])
    notice(city, title="致个人", audience=[Role.PERSON])
    unit = api_as(world.unit_user)
    titles = {i["title"]: i["read"] for i in unit.get("notices").json()["items"]}
    assert titles == {"致单位": False, "湖滨区致单位": False}
    sibling = api_as(world.sibling_unit_user)  # 灵宝市
    assert [i["title"] for i in sibling.get("notices").json()["items"]] == ["致单位"]
    detail = unit.get(f"notices/{for_units.pk}")
    assert detail.status_code == 200 and detail.json()["read"] is True
    assert NoticeRead.objects.filter(user=world.unit_user, notice=for_units).exists()
    titles = {i["title"]: i["read"] for i in unit.get("notices").json()["items"]}
    assert titles == {"致单位": True, "湖滨区致单位": False}


def test_detail_has_body_and_attachments(world, api, api_as, county):
    n = services.create_notice(
        county,
        content=services.NoticeInput(title="湖滨区通知", body="正文第一段\n\n第二段", audience=["unit"]),
    )
    item = services.attach_file(county, notice_id=n.pk, uploaded=pdf_upload("附件1.pdf"))
    services.publish_notice(county, notice_id=n.pk)
    client = api_as(world.unit_user)
    body = client.get(f"notices/{n.pk}").json()
    assert body["body"] == "正文第一段\n\n第二段"
    assert body["audience"] == {"public": False, "roles": ["unit"]}
    (attachment,) = body["attachments"]
    assert attachment["name"] == "附件1.pdf" and attachment["content_type"] == "application/pdf"
    assert attachment["url"].endswith(f"/api/v1/notices/{n.pk}/attachments/{item.pk}")
    file = client.get(f"notices/{n.pk}/attachments/{item.pk}")
    assert file.status_code == 200 and b"".join(file.streaming_content).startswith(b"%PDF-")
    assert file["X-Content-Type-Options"] == "nosniff"
    # a visitor or another county's unit gets the §5 404
    for outsider in (api, api_as(world.sibling_unit_user)):
        for path in (f"notices/{n.pk}", f"notices/{n.pk}/attachments/{item.pk}"):
            response = outsider.get(path)
            assert response.status_code == 404
            assert response.json() == {"detail": "未找到该对象。", "errors": []}


def test_drafts_only_for_the_managing_bureau(world, api_as, city, county, notice):
    draft = notice(county, publish=False, title="区局草稿", audience=[Role.UNIT])
    assert api_as(world.unit_user).get(f"notices/{draft.pk}").status_code == 404
    assert api_as(world.county_bureau_user).get(f"notices/{draft.pk}").json()["state"] == "draft"
    assert api_as(world.bureau_user).get(f"notices/{draft.pk}").status_code == 200  # the city over it
    city_draft = notice(city, publish=False, title="市局草稿", audience=[Role.BUREAU])
    assert api_as(world.county_bureau_user).get(f"notices/{city_draft.pk}").status_code == 404


def test_a_bad_token_is_a_401_not_a_visitor(api_as, city, notice):
    notice(city, title="公开通知", is_public=True)
    from tests.conftest import ApiClient

    response = ApiClient("not-a-token").get("notices")
    assert response.status_code == 401
    assert response.json() == {"detail": "未登录或令牌已失效，请重新获取令牌。", "errors": []}


def test_paging_and_a_bad_limit(api, city, notice):
    for i in range(3):
        notice(city, title=f"公开通知{i}", is_public=True)
    page = api.get("notices", limit=2, offset=2).json()
    assert page["count"] == 3 and len(page["items"]) == 1
    bad = api.get("notices", limit="many")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "limit"
