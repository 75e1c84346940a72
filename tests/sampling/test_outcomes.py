"""Recording outcomes: confirmed, or revoked with a reason (the hours leave the year through
the ledger); once each; only the drawing organisation; another scope's sample is 404."""

from decimal import Decimal

import pytest

from audit.models import AuditEntry
from core.errors import Conflict, DomainError, Forbidden, NotFound
from credits import ledger
from credits import selectors as credit_selectors
from credits.models import DeclarationState, HourRecord, RecordState
from notifications.models import Notification
from sampling import selectors, services
from tests import factories
from tests.sampling.helpers import approved, authority

pytestmark = pytest.mark.django_db


@pytest.fixture
def drawn(world):
    person = factories.person(world.unit)
    declaration = approved(world, person, hours=Decimal("16"))
    sample = services.draw_sample(authority(world), draw=services.DrawInput(year=2026, count=1, seed=1))
    return person, declaration, sample, sample.items.get()


def test_revocation_removes_the_hours_through_the_ledger(world, drawn):
    person, declaration, sample, item = drawn
    who = authority(world)
    before = credit_selectors.progress_of(person, 2026)
    assert before.professional_hours == Decimal("16")
    services.decide(who, sample_id=sample.pk, item_id=item.pk, outcome="revoked", reason="原件与申报不符")
    after = credit_selectors.progress_of(person, 2026)
    assert after.professional_hours == Decimal("0") and after.total_hours < before.total_hours
    assert ledger.summary_mismatches() == []
    record = HourRecord.objects.get(declaration=declaration)
    assert record.state == RecordState.REJECTED and "原件与申报不符" in record.reason
    declaration.refresh_from_db()
    assert declaration.state == DeclarationState.REJECTED
    assert AuditEntry.objects.filter(action="declaration.revoked", target_id=str(declaration.pk)).exists()
    entry = AuditEntry.objects.get(action="sampling.revoked", target_id=str(item.pk))
    assert entry.before == {"outcome": "pending"} and entry.after["reason"] == "原件与申报不符"
    notice = Notification.objects.filter(user=person.user).latest("id")
    assert "撤销" in notice.title and "原件与申报不符" in notice.body
    rates = selectors.rates_of(selectors.sample_for(who, sample.pk))
    assert (rates.sampled, rates.revoked, rates.pending, rates.revocation_rate) == (1, 1, 0, 1.0)


def test_a_revocation_needs_its_reason_and_changes_nothing_without(world, drawn):
    _person, declaration, sample, item = drawn
    with pytest.raises(DomainError) as exc:
        services.decide(
            authority(world), sample_id=sample.pk, item_id=item.pk, outcome="revoked", reason="  "
        )
    assert exc.value.errors[0]["field"] == "reason"
    item.refresh_from_db()
    assert item.outcome == "pending"
    assert HourRecord.objects.get(declaration=declaration).state == RecordState.CREDITED


def test_a_confirmation_keeps_the_hours_and_is_final(world, drawn):
    person, declaration, sample, item = drawn
    services.decide(authority(world), sample_id=sample.pk, item_id=item.pk, outcome="confirmed")
    assert credit_selectors.progress_of(person, 2026).professional_hours == Decimal("16")
    assert AuditEntry.objects.filter(action="sampling.confirmed", target_id=str(item.pk)).exists()
    with pytest.raises(Conflict):
        services.decide(
            authority(world), sample_id=sample.pk, item_id=item.pk, outcome="revoked", reason="再查"
        )
    assert HourRecord.objects.get(declaration=declaration).state == RecordState.CREDITED
    rates = selectors.rates_of(selectors.sample_for(authority(world), sample.pk))
    assert (rates.confirmed, rates.revoked, rates.revocation_rate) == (1, 0, 0.0)


def test_a_bad_outcome_names_the_field(world, drawn):
    _p, _d, sample, item = drawn
    with pytest.raises(DomainError) as exc:
        services.decide(authority(world), sample_id=sample.pk, item_id=item.pk, outcome="maybe")
    assert exc.value.errors[0]["field"] == "outcome"


def test_another_authority_gets_404_and_a_unit_403(world, drawn):
    _p, _d, sample, item = drawn
    other = factories.actor(world.other_authority_user)
    with pytest.raises(NotFound):
        selectors.sample_for(other, sample.pk)
    with pytest.raises(NotFound):
        services.decide(other, sample_id=sample.pk, item_id=item.pk, outcome="confirmed")
    assert list(selectors.samples(other)) == []
    with pytest.raises(Forbidden):
        selectors.samples(factories.actor(world.unit_user))


def test_an_item_of_another_sample_is_404(world, drawn):
    _p, _d, sample, _item = drawn
    approved(world, factories.person(world.other_unit))
    theirs = services.draw_sample(
        factories.actor(world.other_authority_user), draw=services.DrawInput(year=2026, count=1, seed=1)
    )
    with pytest.raises(NotFound):
        services.decide(
            authority(world), sample_id=sample.pk, item_id=theirs.items.get().pk, outcome="confirmed"
        )


def test_the_city_bureau_sees_an_authoritys_sample_but_only_the_drawer_decides(world, drawn):
    _p, _d, sample, item = drawn
    city = factories.actor(world.bureau_user)
    assert selectors.sample_for(city, sample.pk).pk == sample.pk
    with pytest.raises(Forbidden):
        services.decide(city, sample_id=sample.pk, item_id=item.pk, outcome="confirmed")
    with pytest.raises(NotFound):
        selectors.sample_for(factories.actor(world.county_bureau_user), sample.pk)
