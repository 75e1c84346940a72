"""The filings pages' plumbing: one submit view for both kinds, messages through gettext."""

import pytest
from django.test import Client
from django.urls import resolve, reverse

from filings import services
from tests import factories
from tests.factories import in_time, plan_data, plan_input, plan_item_data, platform_data, platform_input

pytestmark = pytest.mark.django_db


def test_plan_and_platform_submit_are_one_view():
    plan = resolve(reverse("filings:plan_submit", args=[1]))
    platform = resolve(reverse("filings:platform_submit", args=[1]))
    assert plan.func is platform.func
    assert (plan.kwargs["kind"], platform.kwargs["kind"]) == ("plan", "platform")


@pytest.fixture
def marked(monkeypatch):
    """Every string the views pass through gettext comes out marked."""
    monkeypatch.setattr("filings.views.decisions._", lambda text: f"[译]{text}", raising=False)
    monkeypatch.setattr("filings.services.common.now", lambda now=None: now or in_time(2025))


def test_messages_go_through_gettext(world, marked):
    plan = services.create_plan(
        factories.actor(world.authority_user), plan=plan_input(plan_data(), [plan_item_data()])
    )
    client = Client()
    client.force_login(world.authority_user)
    html = client.post(reverse("filings:plan_submit", args=[plan.pk]), follow=True).content.decode()
    assert "[译]已提交人社局备案。" in html
    filing = services.create_platform_filing(
        factories.actor(world.authority_user), filing=platform_input(platform_data())
    )
    html = client.post(reverse("filings:platform_submit", args=[filing.pk]), follow=True).content.decode()
    assert "[译]已提交人社局备案。" in html
    html = client.post(reverse("filings:platform_submit", args=[filing.pk]), follow=True).content.decode()
    assert "状态" in html  # a refusal is the service's (already translated) message
