"""A learning platform is its filer and its domain, not its site name: the same filer filing
the same domain again next year keeps its platform (and its push history); another filer's
filing never links to — nor rewrites — an existing platform, and a clash of site names is
refused with a message naming the site."""

import pytest

from core.actors import Role
from core.errors import DomainError
from filings import services
from filings.models import FilingState, PlatformFiling
from organisations.models import Organisation
from tests import factories
from tests.factories import in_time, platform_change, platform_data, platform_input

pytestmark = pytest.mark.django_db

NAME = "豫才继续教育在线"


@pytest.fixture
def lingbao(world):
    """The second municipal base (灵宝市, no supervising authority) and its operator."""
    base = Organisation.objects.get(kind=Organisation.Kind.BASE, name="灵宝市高级技工学校")
    return base, factories.staff(Role.BASE, base)


def _submit(user, year=2025, **fields):
    actor = factories.actor(user)
    filing = services.create_platform_filing(actor, filing=platform_input(platform_data(year, **fields)))
    return services.submit_platform_filing(actor, filing_id=filing.pk, now=in_time(year))


def test_another_filers_platform_of_the_same_name_is_refused_at_acceptance(world, lingbao, api_as):
    _base, lingbao_user = lingbao
    # both submitted before either is accepted
    factories.upsert_organisation(
        factories.SYSTEM,
        organisation=factories.OrganisationInput(
            kind=Organisation.Kind.BASE, name=world.base.name, supervisor_id=world.authority.pk
        ),
    )
    ours = _submit(world.base_user)
    services.give_opinion(
        factories.actor(world.authority_user), kind="platform", filing_id=ours.pk, opinion="同意"
    )
    theirs = _submit(lingbao_user, domain="other.example.cn", url="https://other.example.cn/")
    assert theirs.state == FilingState.SUBMITTED
    bureau = api_as(world.bureau_user)
    assert bureau.post(f"filings/platforms/{ours.pk}/accept").status_code == 200
    platform = PlatformFiling.objects.get(pk=ours.pk).platform
    before = (platform.name, platform.region_id, platform.supervisor_id)
    r = bureau.post(f"filings/platforms/{theirs.pk}/accept")
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "site_name" and NAME in r.json()["errors"][0]["message"]
    theirs.refresh_from_db()
    assert theirs.state == FilingState.SUBMITTED and theirs.platform_id is None
    assert not theirs.credentials.exists()
    platform.refresh_from_db()
    assert (platform.name, platform.region_id, platform.supervisor_id) == before
    # the bureau returns it; the base renames its site and it is accepted as a platform of its own
    bureau.post(f"filings/platforms/{theirs.pk}/return", {"reason": "网站名称与已备案平台重名"})
    actor = factories.actor(lingbao_user)
    services.update_platform_filing(
        actor, filing_id=theirs.pk, change=platform_change({"site_name": "灵宝技工在线"})
    )
    services.submit_platform_filing(actor, filing_id=theirs.pk, now=in_time(2025))
    r = bureau.post(f"filings/platforms/{theirs.pk}/accept")
    assert r.status_code == 200 and r.json()["platform_id"] != platform.pk
    assert Organisation.objects.get(pk=r.json()["platform_id"]).name == "灵宝技工在线"


def test_a_name_clash_is_refused_at_submission(world, lingbao):
    _filing, _token = factories.accepted_platform(world)
    _base, lingbao_user = lingbao
    actor = factories.actor(lingbao_user)
    draft = services.create_platform_filing(
        actor,
        filing=platform_input(platform_data(domain="other.example.cn", url="https://other.example.cn/")),
    )
    with pytest.raises(DomainError) as caught:
        services.submit_platform_filing(actor, filing_id=draft.pk, now=in_time(2025))
    assert caught.value.errors[0]["field"] == "site_name" and NAME in caught.value.detail
    draft.refresh_from_db()
    assert draft.state == FilingState.DRAFT


def test_the_same_filer_and_domain_next_year_keeps_its_platform_even_renamed(world):
    filing, _token = factories.accepted_platform(world, year=2025)
    again, _token = factories.accepted_platform(world, year=2026, site_name="豫才继续教育在线（新版）")
    assert again.platform_id == filing.platform_id
    assert Organisation.objects.filter(kind=Organisation.Kind.PLATFORM).count() == 1


def test_the_same_filer_on_another_domain_is_another_platform(world):
    filing, _token = factories.accepted_platform(world)
    other, _token = factories.accepted_platform(
        world, site_name="豫才专业科目学堂", domain="pro.example.cn", url="https://pro.example.cn/"
    )
    assert other.platform_id != filing.platform_id
    # and the same name on another domain is refused (a different platform cannot share it)
    with pytest.raises(DomainError) as caught:
        factories.accepted_platform(
            world, year=2026, domain="third.example.cn", url="https://third.example.cn/"
        )
    assert NAME in caught.value.detail
