"""The pages state the review time limit of the policy for the reader's region: where a city
sets its own (Sanmenxia, 3 working days), its reviewers and people read 3, not the province's 5."""

import pytest
from django.test import Client, override_settings

from core.actors import SYSTEM
from organisations.models import Region
from organisations.services import load_province
from policy import services as policy_services
from policy.models import PolicyYear
from tests import factories
from tests.credits.helpers import declare

pytestmark = pytest.mark.django_db
YEAR = 2026


@pytest.fixture
def province(world):
    """The world's Sanmenxia in a province install whose 2026 policy lets cities set the limit."""
    load_province(SYSTEM, key="henan")
    with override_settings(CE_HOME_REGION="410000"):
        PolicyYear.objects.filter(year=YEAR).update(cities_set_review_sla=True)
        yield


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _pages(world):
    """Each page that states the limit, with the text it states it in, as its reader sees it."""
    draft = declare(world.person, submit=False)
    person = _client(world.person.user)
    return {
        "review queue": (_client(world.unit_user).get("/hours/reviews/"), "每级审核不超过 {} 个工作日"),
        "timeliness": (
            _client(world.authority_user).get(f"/hours/timeliness/?year={YEAR}"),
            "（每级 {} 个工作日）",
        ),
        "declare": (person.get("/hours/me/declarations/new/?type=other"), "各不超过 {} 个工作日"),
        "edit": (person.get(f"/hours/me/declarations/{draft.pk}/edit/"), "各不超过 {} 个工作日"),
    }


def _sanmenxia_sets(world, days):
    policy_services.set_regional_figures(
        factories.actor(world.bureau_user),
        year=YEAR,
        region_id=Region.objects.get(code="411200").pk,
        figures=policy_services.RegionalFiguresInput(review_sla_working_days=days),
    )


def test_the_pages_state_the_citys_own_review_limit(world, province):
    for name, (response, text) in _pages(world).items():
        assert response.status_code == 200, name
        assert text.format(5) in response.content.decode(), name
    _sanmenxia_sets(world, 3)
    for name, (response, text) in _pages(world).items():
        html = response.content.decode()
        assert text.format(3) in html, name
        assert "5 个工作日" not in html, name


def test_a_year_without_a_policy_shows_its_timeliness_without_a_limit(world):
    response = _client(world.authority_user).get("/hours/timeliness/?year=2001")
    assert response.status_code == 200
    assert "个工作日" not in response.content.decode()
