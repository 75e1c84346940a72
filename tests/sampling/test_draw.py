"""Drawing a sample: reproducible from its seed, risk weighted, within the drawer's scope."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction

from audit.models import AuditEntry
from core.errors import DomainError, Forbidden
from credits.models import IntegrityFlag
from notifications.models import Notification
from policy.models import Method
from sampling import selectors, services
from sampling.models import SampledDeclaration
from sampling.selectors import Candidate
from tests import factories
from tests.sampling.helpers import approved, authority

pytestmark = pytest.mark.django_db


def _drawn(sample):
    return list(sample.items.order_by("rank").values_list("declaration_id", flat=True))


def test_the_same_seed_over_the_same_data_draws_the_same_sample(world):
    for _ in range(8):
        approved(world)
    drawn = []
    for _ in range(2):
        with transaction.atomic():
            sample = services.draw_sample(
                authority(world), draw=services.DrawInput(year=2026, count=3, seed=20261116)
            )
            drawn.append(_drawn(sample))
            transaction.set_rollback(True)  # the same data again for the second draw
    assert len(drawn[0]) == 3 and drawn[0] == drawn[1]


def test_different_seeds_generally_draw_different_samples():
    pool = [Candidate(i, i, 1, Method.PRACTICE, Decimal(16), False) for i in range(1, 41)]
    samples = {
        tuple(c.declaration_id for c, _w, _r in services.draw_keys(pool, seed, 5)) for seed in range(10)
    }
    assert len(samples) >= 8


def test_risky_declarations_are_drawn_more_often():
    """Fixed seeds, so the figures are the same on every run: over 400 draws of 2 from 20, the
    self-study (×3) and flagged (×4) declarations are drawn far more often than the 18 others."""
    pool = [Candidate(i, i, 1, Method.PRACTICE, Decimal(16), False) for i in range(1, 19)]
    pool += [
        Candidate(19, 19, 1, Method.SELF_STUDY, Decimal(16), False),
        Candidate(20, 20, 1, Method.PRACTICE, Decimal(16), True),
    ]
    hits = dict.fromkeys(range(1, 21), 0)
    for seed in range(400):
        for candidate, _w, _r in services.draw_keys(pool, seed, 2):
            hits[candidate.declaration_id] += 1
    plain = sum(hits[i] for i in range(1, 19)) / 18
    assert hits[19] > 2 * plain and hits[20] > 3 * plain
    assert hits[20] > hits[19]


def test_large_hours_weigh_double_and_weights_multiply():
    flagged_self_study = Candidate(1, 1, 1, Method.SELF_STUDY, Decimal(40), True)
    risks = services.risks_of(flagged_self_study)
    assert risks == ["self_study", "large_hours", "flagged"]
    assert services.weight_of(risks) == 24
    assert (
        services.weight_of(services.risks_of(Candidate(2, 2, 1, Method.ONLINE, Decimal("29.5"), False))) == 1
    )


def test_the_sample_keeps_seed_weights_and_risks_and_flags_count(world):
    person = factories.person(world.unit)
    declaration = approved(world, person, method=Method.SELF_STUDY)
    IntegrityFlag.objects.create(
        person=person, year=2026, kind=IntegrityFlag.Kind.PACE, message="学习强度异常"
    )
    sample = services.draw_sample(authority(world), draw=services.DrawInput(year=2026, share=100, seed=7))
    item = sample.items.get()
    assert item.declaration_id == declaration.pk
    assert item.risks == ["self_study", "flagged"] and item.weight == Decimal(12)
    assert sample.seed == 7 and sample.population == 1 and sample.share == Decimal(100)
    assert sample.weights["self_study"] == 3 and sample.weights["flagged"] == 4
    entry = AuditEntry.objects.get(action="sampling.drawn", target_id=str(sample.pk))
    assert entry.after["seed"] == 7 and entry.after["sampled"] == [declaration.pk]


def test_a_seed_is_made_and_stored_when_none_is_given(world):
    approved(world)
    sample = services.draw_sample(authority(world), draw=services.DrawInput(year=2026, count=1))
    assert 0 <= sample.seed < services.MAX_SEED


def test_share_rounds_up_and_count_is_capped_by_the_population(world):
    for _ in range(3):
        approved(world)
    with transaction.atomic():
        assert (
            services.draw_sample(
                authority(world), draw=services.DrawInput(year=2026, share=10, seed=1)
            ).items.count()
            == 1
        )
        transaction.set_rollback(True)
    assert (
        services.draw_sample(
            authority(world), draw=services.DrawInput(year=2026, count=50, seed=1)
        ).items.count()
        == 3
    )


def test_a_declaration_waiting_in_a_sample_is_not_drawn_again(world):
    approved(world)
    services.draw_sample(authority(world), draw=services.DrawInput(year=2026, count=1, seed=1))
    with pytest.raises(DomainError) as exc:
        services.draw_sample(authority(world), draw=services.DrawInput(year=2026, count=1, seed=2))
    assert exc.value.errors[0]["field"] == "year"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({}, "share"),
        ({"share": 5, "count": 3}, "share"),
        ({"share": 0}, "share"),
        ({"share": 101}, "share"),
        ({"count": 0}, "count"),
        ({"count": 1, "seed": -1}, "seed"),
        ({"count": 1, "evidence_due_on": dt.date(2026, 11, 16)}, "evidence_due_on"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(world, kwargs, field):
    approved(world)
    with pytest.raises(DomainError) as exc:
        services.draw_sample(authority(world), draw=services.DrawInput(year=2026, **kwargs))
    assert field in [e["field"] for e in exc.value.errors]
    assert not SampledDeclaration.objects.exists()


def test_the_due_date_defaults_to_ten_working_days(world):
    approved(world)
    sample = services.draw_sample(authority(world), draw=services.DrawInput(year=2026, count=1, seed=1))
    assert sample.evidence_due_on == dt.date(2026, 11, 30)  # from Monday 16 November


def test_people_and_their_units_are_told_to_bring_the_originals(world):
    person = factories.person(world.unit)
    approved(world, person)
    before = Notification.objects.count()
    services.draw_sample(
        authority(world),
        draw=services.DrawInput(year=2026, count=1, seed=1, evidence_due_on=dt.date(2026, 12, 4)),
    )
    to_person = Notification.objects.get(user=person.user, title__startswith="学时抽查")
    assert "2026-12-04" in to_person.title and "原件" in to_person.body
    to_unit = Notification.objects.get(user=world.unit_user, title__startswith="学时抽查")
    assert "1 条" in to_unit.title
    assert Notification.objects.count() == before + 2


# --- scope --------------------------------------------------------------------------------------


def test_a_unit_cannot_draw(world):
    approved(world)
    with pytest.raises(Forbidden):
        services.draw_sample(factories.actor(world.unit_user), draw=services.DrawInput(year=2026, count=1))


def test_an_authority_draws_only_from_its_own_units(world):
    ours = {approved(world).pk, approved(world, factories.person(world.sibling_unit)).pk}
    approved(world, factories.person(world.other_unit))
    sample = services.draw_sample(authority(world), draw=services.DrawInput(year=2026, share=100, seed=3))
    assert set(_drawn(sample)) == ours


def test_a_county_bureau_draws_only_in_its_region(world):
    ours = approved(world).pk  # 湖滨区
    approved(world, factories.person(world.sibling_unit))  # 灵宝市
    county = factories.actor(world.county_bureau_user)
    assert [c.declaration_id for c in selectors.candidate_rows(selectors.candidates(county, 2026))] == [ours]
    city = factories.actor(world.bureau_user)
    assert selectors.candidates(city, 2026).count() == 2
