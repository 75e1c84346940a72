"""The demo publishes the 2025 notice itself, once, through the services."""

import pytest
from django.test import Client

from audit.models import AuditEntry
from bulletins.models import Notice
from provisioning import demo

pytestmark = pytest.mark.django_db


def test_the_demo_publishes_the_2025_notice_once(settings, tmp_path, monkeypatch):
    settings.DEMO_MODE = True
    monkeypatch.setattr(demo, "CREDENTIALS_FILE", tmp_path / "demo-credentials.json")
    demo.load_demo_data()
    demo.load_demo_data()
    (notice,) = Notice.objects.all()
    assert notice.title == "三门峡市人力资源和社会保障局关于做好2025年全市专业技术人员继续教育工作的通知"
    assert notice.document_number == "三人社专技〔2025〕1号"
    assert notice.state == Notice.State.PUBLISHED and notice.is_public and notice.pinned
    assert notice.bureau.name == "三门峡市人力资源和社会保障局" and notice.region.code == "411200"
    assert set(notice.audience_roles) == {"person", "unit", "authority", "base", "bureau"}
    assert "不少于 90 学时" in notice.body and notice.body.endswith("2025年7月28日")
    names = sorted(a.original_name for a in notice.attachments.all())
    assert names == [
        "2025年度三门峡市专业技术人员继续教育培训计划申报表.docx",
        "2025年度三门峡市专业技术人员继续教育培训计划申报表.xlsx",
        "三人社专技〔2025〕1号.pdf",
    ]
    actions = set(
        AuditEntry.objects.filter(target_id=str(notice.pk), target_type="bulletins.notice").values_list(
            "action", flat=True
        )
    )
    assert actions == {"notice.created", "notice.attachment_added", "notice.published"}
    html = Client().get("/").content.decode()
    assert notice.title in html
