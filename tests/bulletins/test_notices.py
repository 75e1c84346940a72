"""Notices: who reads which (role, region, state), unread marks, the bureau's pages, attachments,
escaping, and an audit entry for every change."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEntry
from bulletins import selectors, services
from bulletins.models import Notice, NoticeAttachment
from core.actors import Role
from core.errors import Conflict, DomainError, Forbidden, NotFound
from organisations.models import Organisation, Region
from tests import factories
from tests.bulletins.conftest import docx_bytes, login, macro_xlsm_bytes, pdf_upload, xlsx_bytes

pytestmark = pytest.mark.django_db


def _titles(actor):
    return set(selectors.notices_for(actor).values_list("title", flat=True))


def _actor(user, role=None):
    return factories.actor(user, role)


# --- audience: role, region, state ------------------------------------------------------------


def test_city_notice_reaches_its_role_in_every_county_and_no_other_role(world, city, notice):
    notice(city, title="致各用人单位", audience=[Role.UNIT])
    assert "致各用人单位" in _titles(_actor(world.unit_user))  # 湖滨区
    assert "致各用人单位" in _titles(_actor(world.sibling_unit_user))  # 灵宝市
    assert "致各用人单位" not in _titles(_actor(world.person.user))
    assert "致各用人单位" not in _titles(_actor(world.authority_user))
    assert "致各用人单位" not in _titles(None)  # not public


def test_county_notice_stays_in_its_county(world, county, notice):
    notice(county, title="湖滨区通知", audience=[Role.UNIT, Role.PERSON])
    assert "湖滨区通知" in _titles(_actor(world.unit_user))  # 湖滨区
    assert "湖滨区通知" in _titles(_actor(world.person.user))  # works at a 湖滨区 unit
    assert "湖滨区通知" not in _titles(_actor(world.sibling_unit_user))  # 灵宝市
    assert "湖滨区通知" not in _titles(_actor(world.authority_user))  # city level, and not addressed


def test_a_county_bureau_reads_the_city_notice_for_bureaus(world, city, notice):
    notice(city, title="致各县区人社局", audience=[Role.BUREAU])
    assert "致各县区人社局" in _titles(_actor(world.county_bureau_user))
    assert "致各县区人社局" in _titles(_actor(world.bureau_user))


def test_provincial_bases_read_the_city_notices_for_bases(world, city, notice):
    """A provincial base (region 河南省) files with this city, so the city addresses it."""
    notice(city, title="致各继续教育基地", audience=[Role.BASE])
    provincial = Organisation.objects.get(kind=Organisation.Kind.BASE, name="河南大学")
    assert provincial.region.code == "410000"
    operator = factories.staff(Role.BASE, provincial)
    assert "致各继续教育基地" in _titles(_actor(operator))


def test_public_notices_are_read_by_anyone(world, city, notice):
    notice(city, title="公开通知", is_public=True)
    assert "公开通知" in _titles(None)
    assert "公开通知" in _titles(_actor(world.person.user))
    assert login(world.base_user).get("/notices/").status_code == 200
    from django.test import Client

    assert "公开通知" in Client().get("/").content.decode()


def test_drafts_and_withdrawn_notices_reach_nobody_but_their_bureau(world, city, notice):
    draft = notice(city, publish=False, title="草稿通知", is_public=True, audience=[Role.UNIT])
    assert "草稿通知" not in _titles(_actor(world.unit_user))
    assert "草稿通知" not in _titles(None)
    assert login(world.unit_user).get(f"/notices/{draft.pk}/").status_code == 404
    assert login(world.bureau_user).get(f"/notices/{draft.pk}/").status_code == 200
    published = services.publish_notice(city, notice_id=draft.pk)
    assert "草稿通知" in _titles(_actor(world.unit_user))
    services.withdraw_notice(city, notice_id=published.pk)
    assert "草稿通知" not in _titles(_actor(world.unit_user))
    assert login(world.unit_user).get(f"/notices/{draft.pk}/").status_code == 404


def test_another_regions_notice_is_a_404(world, county, notice):
    n = notice(county, title="湖滨区单位通知", audience=[Role.UNIT])
    assert login(world.sibling_unit_user).get(f"/notices/{n.pk}/").status_code == 404
    assert login(world.unit_user).get(f"/notices/{n.pk}/").status_code == 200


def test_a_person_without_a_unit_reads_only_public_notices(world, city, notice):
    notice(city, title="致专业技术人员", audience=[Role.PERSON])
    notice(city, title="公开", is_public=True)
    loner = factories.person(world.unit, confirmed=True, name="王五")
    loner.memberships.all().delete()
    assert _titles(_actor(loner.user)) == {"公开"}


# --- management scope ---------------------------------------------------------------------------


def test_county_bureau_cannot_address_the_city_nor_touch_the_citys_notices(world, city, county, notice):
    city_region = Region.objects.get(code="411200")
    with pytest.raises(DomainError) as refused:
        services.create_notice(
            county,
            content=services.NoticeInput(
                title="越权", body="正文", region_id=city_region.pk, audience=["unit"]
            ),
        )
    assert refused.value.errors[0]["field"] == "region_id"
    assert not Notice.objects.filter(title="越权").exists()
    city_notice = notice(city, title="市局通知", audience=[Role.BUREAU])
    with pytest.raises(NotFound):
        services.withdraw_notice(county, notice_id=city_notice.pk)
    assert login(world.county_bureau_user).get(f"/notices/manage/{city_notice.pk}/").status_code == 404
    # the city bureau manages its counties' notices
    county_notice = notice(county, title="区局通知", audience=[Role.UNIT])
    assert login(world.bureau_user).get(f"/notices/manage/{county_notice.pk}/").status_code == 200


@pytest.mark.parametrize("who", ["unit_user", "authority_user", "base_user"])
def test_only_bureaus_manage_notices(world, who):
    user = getattr(world, who)
    client = login(user)
    assert client.get("/notices/manage/").status_code == 403
    assert client.post("/notices/manage/new/", {"title": "x", "body": "y"}).status_code == 403
    with pytest.raises(Forbidden):
        services.create_notice(
            _actor(user), content=services.NoticeInput(title="x", body="y", is_public=True)
        )
    assert login(world.person.user).get("/notices/manage/").status_code == 403


def test_bad_input_names_the_field_and_writes_nothing(city):
    before = AuditEntry.objects.count()
    with pytest.raises(DomainError) as refused:
        services.create_notice(city, content=services.NoticeInput(title=" ", body="", audience=[]))
    fields = {e["field"]: e["message"] for e in refused.value.errors}
    assert fields["title"] == "标题：必须填写。"
    assert fields["body"] == "正文：必须填写。"
    assert fields["audience"] == "发布对象：请选择公开或至少一类对象。"
    with pytest.raises(DomainError) as unknown:
        services.create_notice(city, content=services.NoticeInput(title="t", body="b", audience=["platform"]))
    assert unknown.value.errors[0]["field"] == "audience"
    assert Notice.objects.count() == 0 and AuditEntry.objects.count() == before


# --- states and audit ------------------------------------------------------------------------


def test_every_state_change_is_audited_and_the_first_publication_date_kept(city, today):
    n = services.create_notice(city, content=services.NoticeInput(title="通知", body="正文", is_public=True))
    first = services.publish_notice(city, notice_id=n.pk).published_at
    with pytest.raises(Conflict):
        services.publish_notice(city, notice_id=n.pk)
    services.withdraw_notice(city, notice_id=n.pk)
    with pytest.raises(Conflict):
        services.withdraw_notice(city, notice_id=n.pk)
    today.set(2026, 11, 20, 9, 0, 0)
    again = services.publish_notice(city, notice_id=n.pk)
    assert again.published_at == first and again.withdrawn_at is None
    services.update_notice(
        city,
        notice_id=n.pk,
        content=services.NoticeInput(title="通知（修订）", body="正文", is_public=True, pinned=True),
    )
    actions = list(
        AuditEntry.objects.filter(target_type="bulletins.notice", target_id=str(n.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "notice.created",
        "notice.published",
        "notice.withdrawn",
        "notice.published",
        "notice.updated",
    ]
    updated = AuditEntry.objects.get(action="notice.updated", target_id=str(n.pk))
    assert updated.before["title"] == "通知" and updated.after["title"] == "通知（修订）"
    assert updated.after["pinned"] is True and updated.actor == city.user


def test_only_a_never_published_draft_can_be_deleted(city):
    n = services.create_notice(city, content=services.NoticeInput(title="草稿", body="正文", is_public=True))
    services.attach_file(city, notice_id=n.pk, uploaded=pdf_upload())
    stored = n.attachments.get().file.name
    services.publish_notice(city, notice_id=n.pk)
    services.withdraw_notice(city, notice_id=n.pk)
    with pytest.raises(Conflict):
        services.delete_notice(city, notice_id=n.pk)
    draft = services.create_notice(
        city, content=services.NoticeInput(title="要删的草稿", body="正文", is_public=True)
    )
    services.delete_notice(city, notice_id=draft.pk)
    assert not Notice.objects.filter(pk=draft.pk).exists()
    assert AuditEntry.objects.filter(action="notice.deleted", target_id=str(draft.pk)).exists()
    assert (settings.PRIVATE_STORAGE_ROOT / stored).exists()  # the withdrawn notice keeps its file


def test_pinned_notices_come_first(world, city, notice, today):
    notice(city, title="较早的置顶通知", is_public=True, pinned=True)
    today.set(2026, 11, 18, 9, 0, 0)
    notice(city, title="较新的通知", is_public=True)
    assert list(selectors.public_notices().values_list("title", flat=True)) == [
        "较早的置顶通知",
        "较新的通知",
    ]


# --- unread marks ------------------------------------------------------------------------------


def test_unread_count_in_the_identity_bar_and_marks(world, city, notice):
    first = notice(city, title="第一条", audience=[Role.UNIT])
    notice(city, title="第二条", is_public=True)
    notice(city, title="给个人的", audience=[Role.PERSON])
    client = login(world.unit_user)
    home = client.get("/dashboard/").content.decode()
    assert 'data-testid="unread-notices">2<' in home
    assert home.count('data-testid="notice-unread"') == 2
    assert client.get(f"/notices/{first.pk}/").status_code == 200
    assert 'data-testid="unread-notices">1<' in client.get("/dashboard/").content.decode()
    assert client.post("/notices/read/").status_code == 302
    page = client.get("/notices/").content.decode()
    assert 'data-testid="unread-notices"' not in page and 'data-testid="notice-unread"' not in page
    # another user of the same unit still has both unread
    colleague = factories.staff(Role.UNIT, world.unit)
    assert selectors.unread_count(_actor(colleague)) == 2


# --- rendering: plain text, no XSS -------------------------------------------------------------


def test_body_and_title_are_escaped_and_links_are_only_http(world, city, notice):
    n = notice(
        city,
        title='<img src=x onerror="alert(1)">标题',
        body='第一段 <script>alert("x")</script>\n第二行 javascript:alert(1)\n\n'
        "（https://hrss.henan.gov.cn/2025/07-15/3180603.html）等文件执行。"
        '\n\nhttps://x.cn/?a=1&b="><script>',
        is_public=True,
    )
    from django.test import Client

    html = Client().get(f"/notices/{n.pk}/").content.decode()
    body = html[html.index('data-testid="notice-body"') :]
    body = body[: body.index("</div>")]
    assert "<script" not in body and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body
    assert "<img src=x" not in html and "&lt;img src=x" in html
    assert 'href="javascript:' not in body
    # an address inside Chinese text and full-width parentheses is found, and ends where they begin
    assert (
        '（<a href="https://hrss.henan.gov.cn/2025/07-15/3180603.html" rel="nofollow noopener">'
        "https://hrss.henan.gov.cn/2025/07-15/3180603.html</a>）等文件执行。"
    ) in body
    assert '<a href="https://x.cn/?a=1&amp;b=" rel="nofollow noopener">' in body
    assert body.count("<p>") == 3 and "<br>第二行" in body  # paragraphs and line breaks


# --- attachments --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "mime", "stored_name"),
    [
        ("附件4.docx", docx_bytes(), services.DOCX, "附件4.docx"),
        ("申报表.XLSX", xlsx_bytes(), services.XLSX, "申报表.xlsx"),
        ("表格.bin", xlsx_bytes(), services.XLSX, "表格.xlsx"),  # named by its content
    ],
)
def test_office_attachments_are_recognised_by_content(city, name, data, mime, stored_name):
    n = services.create_notice(city, content=services.NoticeInput(title="通知", body="正文", is_public=True))
    item = services.attach_file(city, notice_id=n.pk, uploaded=SimpleUploadedFile(name, data))
    assert item.content_type == mime and item.original_name == stored_name
    path = settings.PRIVATE_STORAGE_ROOT / item.file.name
    assert path.read_bytes() == data and item.file.name.startswith(f"notices/{n.pk}/")
    entry = AuditEntry.objects.get(action="notice.attachment_added", target_id=str(n.pk))
    assert entry.after["name"] == stored_name


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,  # an image named .pdf
        macro_xlsm_bytes(),  # macro-enabled Excel
        b"PK\x03\x04" + b"\x00" * 64,  # a broken zip
        b"<html><script>alert(1)</script></html>",
    ],
)
def test_other_files_are_refused_and_nothing_is_stored(city, data):
    n = services.create_notice(city, content=services.NoticeInput(title="通知", body="正文", is_public=True))
    stored = set(settings.PRIVATE_STORAGE_ROOT.rglob("*"))
    with pytest.raises(DomainError) as refused:
        services.attach_file(city, notice_id=n.pk, uploaded=SimpleUploadedFile("通知.pdf", data))
    assert refused.value.errors[0]["field"] == "file"
    assert "PDF" in refused.value.detail
    assert not NoticeAttachment.objects.exists()
    assert set(settings.PRIVATE_STORAGE_ROOT.rglob("*")) == stored


def test_attachment_limits(city, settings):
    settings.NOTICE_ATTACHMENT_MAX_BYTES = 1000
    n = services.create_notice(city, content=services.NoticeInput(title="通知", body="正文", is_public=True))
    with pytest.raises(DomainError, match="不能超过"):
        services.attach_file(city, notice_id=n.pk, uploaded=pdf_upload())
    settings.NOTICE_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
    data = pdf_upload().read()
    services.attach_file(city, notice_id=n.pk, uploaded=SimpleUploadedFile("a.pdf", data))
    with pytest.raises(DomainError, match="已经上传过"):
        services.attach_file(city, notice_id=n.pk, uploaded=SimpleUploadedFile("b.pdf", data))


def test_attachments_are_served_only_to_those_who_may_read_the_notice(world, city, county, notice):
    n = services.create_notice(
        county, content=services.NoticeInput(title="湖滨区通知", body="正文", audience=["unit"])
    )
    item = services.attach_file(county, notice_id=n.pk, uploaded=pdf_upload())
    url = f"/notices/{n.pk}/files/{item.pk}/"
    assert login(world.unit_user).get(url).status_code == 404  # still a draft
    services.publish_notice(county, notice_id=n.pk)
    response = login(world.unit_user).get(url + "?download=1")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response["Content-Disposition"]
    assert "inline" in login(world.unit_user).get(url)["Content-Disposition"]
    assert login(world.sibling_unit_user).get(url).status_code == 404  # 灵宝市
    assert login(world.person.user).get(url).status_code == 404  # not addressed to persons
    other = notice(city, title="别的通知", is_public=True)
    assert login(world.unit_user).get(f"/notices/{other.pk}/files/{item.pk}/").status_code == 404


def test_removing_an_attachment_is_audited(world, county):
    n = services.create_notice(
        county, content=services.NoticeInput(title="通知", body="正文", audience=["unit"])
    )
    item = services.attach_file(county, notice_id=n.pk, uploaded=pdf_upload())
    assert login(world.bureau_user).post(f"/notices/manage/{n.pk}/files/{item.pk}/remove/").status_code == 302
    assert not NoticeAttachment.objects.exists()
    entry = AuditEntry.objects.get(action="notice.attachment_removed")
    assert entry.actor == world.bureau_user and entry.before["name"] == "通知.pdf"
    # the county bureau's page, another region's attachment id → 404
    item = services.attach_file(county, notice_id=n.pk, uploaded=pdf_upload())
    assert (
        login(world.county_bureau_user)
        .post(f"/notices/manage/{n.pk}/files/{item.pk + 99}/remove/")
        .status_code
        == 404
    )


# --- the bureau's pages, end to end -----------------------------------------------------------


def test_bureau_writes_uploads_and_publishes_through_its_pages(world):
    client = login(world.county_bureau_user)
    refused = client.post(
        "/notices/manage/new/", {"title": "", "body": "正文", "region_id": world.unit.region_id}
    )
    assert refused.status_code == 200 and not Notice.objects.exists()
    assert "这个字段是必填项" in refused.content.decode()
    assert "请按时完成" not in refused.content.decode() and "正文" in refused.content.decode()
    response = client.post(
        "/notices/manage/new/",
        {
            "title": "关于报送培训计划的通知",
            "body": "各单位：\n\n请于 9 月 15 日前报送。",
            "region_id": world.unit.region_id,
            "audience": ["unit", "base"],
            "pinned": "on",
        },
    )
    n = Notice.objects.get(title="关于报送培训计划的通知")
    assert response.status_code == 302 and response["Location"] == f"/notices/manage/{n.pk}/"
    assert n.state == Notice.State.DRAFT and n.bureau == world.county_bureau and not n.is_public
    assert n.audience_roles == ["unit", "base"] and n.pinned
    upload = client.post(
        f"/notices/manage/{n.pk}/files/", {"file": SimpleUploadedFile("附表.xlsx", xlsx_bytes())}
    )
    assert upload.status_code == 302 and n.attachments.count() == 1
    bad = client.post(
        f"/notices/manage/{n.pk}/files/", {"file": SimpleUploadedFile("x.pdf", b"not a pdf")}, follow=True
    )
    assert "附件：只接受 PDF" in bad.content.decode()
    client.post(f"/notices/manage/{n.pk}/publish/")
    n.refresh_from_db()
    assert n.state == Notice.State.PUBLISHED
    unit_home = login(world.unit_user).get("/dashboard/").content.decode()
    assert "关于报送培训计划的通知" in unit_home
    manage = client.get("/notices/manage/?state=published").content.decode()
    assert "关于报送培训计划的通知" in manage


def test_every_management_url_answers_404_for_another_scopes_notice_and_changes_nothing(world, city, notice):
    n = notice(city, title="市局通知", audience=[Role.BUREAU, Role.UNIT])
    item = services.attach_file(city, notice_id=n.pk, uploaded=pdf_upload())
    before = AuditEntry.objects.count()
    client = login(world.county_bureau_user)  # reads it (addressed to bureaus), manages nothing of it
    assert client.get(f"/notices/{n.pk}/").status_code == 200
    for method, url in [
        ("get", f"/notices/manage/{n.pk}/"),
        ("post", f"/notices/manage/{n.pk}/"),
        ("post", f"/notices/manage/{n.pk}/files/"),
        ("post", f"/notices/manage/{n.pk}/files/{item.pk}/remove/"),
        ("post", f"/notices/manage/{n.pk}/publish/"),
        ("post", f"/notices/manage/{n.pk}/withdraw/"),
        ("post", f"/notices/manage/{n.pk}/delete/"),
    ]:
        assert getattr(client, method)(url).status_code == 404, url
    n.refresh_from_db()
    assert n.state == Notice.State.PUBLISHED and n.attachments.count() == 1
    assert AuditEntry.objects.count() == before
