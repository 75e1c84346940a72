"""The summary rows kept in step by the services agree with a recomputation from the raw
records, on generated data: pushes on both sides of New Year, base attendance, declarations
approved, rejected, returned and revoked by audit sampling, people confirmed, moving unit and
changing title series, a requirement edited — and again after compaction."""

import datetime as dt
import random
from decimal import Decimal

import pytest

from accounts import services as account_services
from accounts.models import Membership
from credits import services
from filings.selectors import credential_for_token
from policy.models import Profession, Requirement
from sampling import services as sampling_services
from supervision import tally
from supervision.models import HoursTally, StandingTally
from tests import factories
from tests.credits.helpers import declare, person_actor, plan_item, platform_token
from tests.supervision.scenario import push

pytestmark = pytest.mark.django_db


def generated_year(world, today, rng: random.Random):
    units = [world.unit, world.sibling_unit, world.other_unit]
    people = [world.person, world.other_person]
    for i in range(18):
        profession = "accounting" if i % 5 == 0 else "engineering"
        people.append(factories.person(rng.choice(units), name=f"生成{i:02d}", profession=profession))
    waiting = factories.person(world.unit, confirmed=False, name="待确认甲")

    # New Year: on 10 January 2026, items of 31 Dec 2025 still count for 2025, of 2 Jan for 2026.
    today.set(2026, 1, 10, 10, 0, 0)
    token_2025 = credential_for_token(platform_token(world, year=2025, name="测试平台2025"))
    token_2026 = credential_for_token(platform_token(world, year=2026, name="测试平台2026"))
    for n, person in enumerate([*people[:8], waiting]):
        push(token_2025, person, f"y25-{n}", rng.choice([6, 10, 30]), "2025-12-31")
        push(token_2026, person, f"y26-{n}", rng.choice([4, 8]), "2026-01-02")

    today.set(2026, 11, 16, 10, 0, 0)
    for n, person in enumerate(people):
        for k in range(rng.randint(0, 3)):
            month = rng.randint(2, 10)
            push(
                token_2026,
                person,
                f"p-{n}-{k}",
                rng.choice([2, 5, 10, 20]),
                f"2026-{month:02d}-1{k}",
                category=rng.choice(["public", "professional"]),
            )
    item = plan_item(world.base, starts_on=dt.date(2026, 6, 1))
    services.credit_attendance(
        factories.actor(world.base_user), plan_item_id=item.pk, rows=[(p, Decimal(24)) for p in people[2:9]]
    )

    reviewers = {
        world.unit.pk: factories.actor(world.unit_user),
        world.sibling_unit.pk: factories.actor(world.sibling_unit_user),
        world.other_unit.pk: factories.actor(world.other_unit_user),
    }
    authorities = {
        world.authority.pk: factories.actor(world.authority_user),
        world.other_authority.pk: factories.actor(world.other_authority_user),
    }
    approved = []
    for n, person in enumerate(people[:12]):
        declaration = declare(person, hours=Decimal(rng.choice([8, 16, 30])), title=f"实践{n}")
        unit = reviewers[declaration.unit_id]
        fate = rng.choice(["approve", "approve", "reject", "return", "open"])
        if fate == "open":
            continue
        if fate in ("reject", "return"):
            services.review_declaration(
                unit, declaration_id=declaration.pk, decision=fate, comment="材料不全"
            )
            continue
        services.review_declaration(unit, declaration_id=declaration.pk, decision="approve")
        services.review_declaration(
            authorities[declaration.authority_id], declaration_id=declaration.pk, decision="approve"
        )
        approved.append(declaration)
    assert approved, "the seed approves at least one declaration"

    # An audit sample revokes one approved declaration.
    authority = factories.actor(world.authority_user)
    sample = sampling_services.draw_sample(
        authority, draw=sampling_services.DrawInput(year=2026, count=2, seed=11)
    )
    first = sample.items.order_by("rank").first()
    sampling_services.decide(
        authority, sample_id=sample.pk, item_id=first.pk, outcome="revoked", reason="原件与申报不符"
    )

    # The waiting person is confirmed; a person moves unit; another changes title series.
    account_services.confirm_membership(factories.actor(world.unit_user), person_id=waiting.pk)
    mover = people[3]
    current = Membership.objects.get(person=mover, state=Membership.State.CONFIRMED).unit_id
    target = next(u for u in units if u.pk != current)
    account_services.request_unit_change(person_actor(mover), unit_id=target.pk)
    account_services.confirm_membership(reviewers[target.pk], person_id=mover.pk)
    changer = people[4]
    changer.profession = Profession.objects.get(
        code="accounting" if changer.profession.code != "accounting" else "engineering"
    )
    changer.save()
    leaver = people[5]
    current = Membership.objects.get(person=leaver, state=Membership.State.CONFIRMED).unit_id
    account_services.request_unit_change(
        person_actor(leaver), unit_id=next(u for u in units if u.pk != current).pk
    )
    return people


@pytest.mark.parametrize("seed", [1, 2])
def test_kept_in_step_equals_recomputed(world, today, seed, django_capture_on_commit_callbacks):
    generated_year(world, today, random.Random(seed))
    assert StandingTally.objects.exists() and HoursTally.objects.exists()
    assert tally.disagreements() == {}

    # A requirement edit recomputes its year's standing after the commit.
    with django_capture_on_commit_callbacks(execute=True):
        requirement = Requirement.objects.filter(policy_year_id=2026, profile__is_default=True).get()
        requirement.public_hours = Decimal(20)
        requirement.save()
    assert tally.disagreements() == {}

    before = tally.normalised(tally.stored())
    folded = tally.compact()
    assert folded["StandingTally"] > 0
    assert tally.normalised(tally.stored()) == before
    assert StandingTally.objects.count() == len(before["StandingTally"])
    tally.recompute()
    assert tally.normalised(tally.stored()) == before
    assert tally.disagreements() == {}


def test_both_years_of_new_year_are_counted_apart(world, today):
    generated_year(world, today, random.Random(3))
    stored = tally.normalised(tally.stored())["HoursTally"]
    years = {key[0] for key in stored}
    assert {2025, 2026} <= years
    december_2025 = sum(v[1] for k, v in stored.items() if k[0] == 2025)
    assert december_2025 > 0
    assert all(k[5] == 12 for k in stored if k[0] == 2025)


def test_the_command_recomputes_and_checks(world, today):
    from io import StringIO

    from django.core.management import call_command

    generated_year(world, today, random.Random(4))
    StandingTally.objects.all().delete()
    out = StringIO()
    call_command("recompute_statistics", "--check", stdout=out)
    assert "StandingTally" in out.getvalue()
    call_command("recompute_statistics", stdout=StringIO())
    out = StringIO()
    call_command("recompute_statistics", "--check", stdout=out)
    assert "agree" in out.getvalue()
    assert Membership.objects.exists()
