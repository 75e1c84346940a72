"""The help page: questions by role seeded once from data/faq.json, edited by the city bureau
(audited); contact lines in every page's footer."""

import json

import pytest
from django.core.cache import cache
from django.test import Client

from audit.models import AuditEntry
from bulletins import selectors, services
from bulletins.models import FaqEntry
from core.actors import SYSTEM
from core.errors import DomainError
from organisations.models import Organisation
from tests.bulletins.conftest import login

pytestmark = pytest.mark.django_db

SEEDED = json.loads(services.FAQ_FILE.read_text(encoding="utf-8"))["entries"]


@pytest.fixture(autouse=True)
def _fresh_contacts():
    cache.delete(selectors.CONTACTS_CACHE_KEY)


def test_the_reference_data_seeds_the_questions_of_the_brief():
    keys = set(FaqEntry.objects.values_list("key", flat=True))
    assert {r["key"] for r in SEEDED} <= keys
    questions = " ".join(FaqEntry.objects.filter(audience="person").values_list("question", flat=True))
    for topic in ("注册", "单位一直没有确认", "学时为什么还没有到账", "忘记密码", "打印"):
        assert topic in questions
    assert FaqEntry.objects.filter(audience="unit").count() >= 3


def test_loading_again_neither_doubles_nor_revives_nor_rewords(world):
    from tests import factories

    editor = factories.actor(world.bureau_user)
    entry = FaqEntry.objects.get(key="person-password")
    services.update_faq(
        editor,
        entry_id=entry.pk,
        content=services.FaqInput(audience="person", question="忘了密码？", answer="找单位。", position=5),
    )
    count = FaqEntry.objects.count()
    assert services.load_faq(SYSTEM) == 0
    entry.refresh_from_db()
    assert FaqEntry.objects.count() == count
    assert entry.question == "忘了密码？" and entry.is_published is False  # hidden, and stays hidden


def test_help_page_groups_by_role_and_puts_the_readers_role_first(world):
    html = Client().get("/help/").content.decode()
    assert html.index('id="faq-person"') < html.index('id="faq-unit"') < html.index('id="faq-base"')
    assert "第一次参加继续教育，怎样注册账号？" in html
    unit_view = login(world.unit_user).get("/help/").content.decode()
    assert unit_view.index('id="faq-unit"') < unit_view.index('id="faq-person"')


def test_city_bureau_edits_the_help_page_and_every_edit_is_audited(world):
    client = login(world.bureau_user)
    response = client.post(
        "/help/manage/new/",
        {
            "audience": "base",
            "question": "到课名单有误怎么办？",
            "answer": "改正后整份重新上传。",
            "position": 5,
            "is_published": "on",
        },
    )
    assert response.status_code == 302
    entry = FaqEntry.objects.get(question="到课名单有误怎么办？")
    assert AuditEntry.objects.filter(action="faq.created", target_id=str(entry.pk)).exists()
    client.post(
        f"/help/manage/{entry.pk}/",
        {
            "audience": "base",
            "question": "到课名单有误怎么办？",
            "answer": "改正后整份重新上传。",
            "position": 5,
        },
    )
    entry.refresh_from_db()
    assert entry.is_published is False
    change = AuditEntry.objects.get(action="faq.updated", target_id=str(entry.pk))
    assert change.before["is_published"] is True and change.after["is_published"] is False
    assert "到课名单有误怎么办？" not in Client().get("/help/").content.decode()


def test_bad_input_names_the_field(world):
    from tests import factories

    with pytest.raises(DomainError) as refused:
        services.create_faq(
            factories.actor(world.bureau_user),
            content=services.FaqInput(audience="platform", question="", answer="x"),
        )
    fields = {e["field"] for e in refused.value.errors}
    assert fields == {"audience", "question"}
    assert refused.value.errors[0]["message"] == "适用对象：请选择。"


def test_county_bureau_reads_but_cannot_edit_the_help_page(world):
    client = login(world.county_bureau_user)
    assert client.get("/help/manage/").status_code == 200
    assert client.get("/help/manage/new/").status_code == 403
    entry = FaqEntry.objects.first()
    response = client.post(
        f"/help/manage/{entry.pk}/", {"audience": "unit", "question": "改", "answer": "改"}
    )
    assert response.status_code == 403
    assert login(world.unit_user).get("/help/manage/").status_code == 403


@pytest.mark.parametrize("path", ["/", "/help/", "/bases/", "/accounts/login/", "/notices/"])
def test_every_page_footer_has_the_base_contacts(path):
    html = Client().get(path).content.decode()
    footer = html[html.index("<footer") :]
    assert 'href="/help/"' in footer
    assert "三门峡市建筑业协会 乔宇" in footer and 'href="tel:03982850937"' in footer
    assert "灵宝市高级技工学校 孟宪龙" in footer and "18625399969" in footer


def test_the_bureau_phone_comes_from_the_setting_or_the_registry(
    settings, django_capture_on_commit_callbacks
):
    bureau = Organisation.objects.get(name="三门峡市人力资源和社会保障局")
    assert 'data-testid="bureau-phone"' not in Client().get("/").content.decode()  # none known yet
    with django_capture_on_commit_callbacks(execute=True):  # as the admin saves it
        bureau.contact_phone = "0398-2811234"
        bureau.save()
    html = Client().get("/").content.decode()
    assert 'data-testid="bureau-phone">0398-2811234<' in html  # the cached footer was dropped
    assert "三门峡市人力资源和社会保障局" in html[html.index('data-testid="footer-contacts"') :]
    settings.CE_HELP_PHONE = "12333"
    cache.delete(selectors.CONTACTS_CACHE_KEY)
    html = Client().get("/help/").content.decode()
    assert 'data-testid="bureau-phone">12333<' in html and 'href="tel:12333"' in html
