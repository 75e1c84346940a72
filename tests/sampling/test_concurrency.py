"""Once under real concurrency (PostgreSQL: the row locks decide)."""

from decimal import Decimal

import pytest
from django.db import connection

from core.errors import Conflict, DomainError
from credits import ledger
from credits import selectors as credit_selectors
from sampling import services
from sampling.models import SampledDeclaration
from tests import factories
from tests.credits.test_concurrency import run_together
from tests.sampling.helpers import approved, authority

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL for real concurrency"),
    pytest.mark.usefixtures("transactional_db"),
]


def test_two_reviewers_deciding_one_item_at_once_decide_it_once(world):
    person = factories.person(world.unit)
    approved(world, person)
    sample = services.draw_sample(authority(world), draw=services.DrawInput(year=2026, count=1, seed=1))
    item = sample.items.get()
    outcomes = ["revoked", "confirmed", "revoked", "confirmed"]
    results = run_together(
        4,
        lambda i: services.decide(
            authority(world), sample_id=sample.pk, item_id=item.pk, outcome=outcomes[i], reason="原件不符"
        ),
    )
    assert sum(isinstance(r, SampledDeclaration) for r in results) == 1
    assert all(isinstance(r, (SampledDeclaration, Conflict)) for r in results), results
    item.refresh_from_db()
    expected = Decimal(0) if item.outcome == "revoked" else Decimal(16)
    assert credit_selectors.progress_of(person, 2026).professional_hours == expected
    assert ledger.summary_mismatches() == []


def test_a_double_submitted_draw_does_not_draw_a_declaration_twice(world):
    for _ in range(3):
        approved(world)
    results = run_together(
        2,
        lambda i: services.draw_sample(
            authority(world), draw=services.DrawInput(year=2026, share=100, seed=i)
        ),
    )
    drawn = list(SampledDeclaration.objects.values_list("declaration_id", flat=True))
    assert len(drawn) == len(set(drawn)) == 3
    assert sum(isinstance(r, DomainError) for r in results) == 1  # nothing left for the second
