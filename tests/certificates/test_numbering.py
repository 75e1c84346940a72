"""Certificate numbers: the documented scheme, one per person, unique, never changed by an
employer or city change, and safe under concurrent issuing (PostgreSQL)."""

import threading

import pytest
from django.db import connection

from accounts.models import Membership
from audit.models import AuditEntry
from certificates import numbering, services
from certificates.models import Certificate
from core.actors import SYSTEM
from organisations.models import Region
from tests import factories


def test_the_scheme_region_year_sequence_and_check_character():
    assert numbering.compose("411200", 2026, 1) == "41120020260000013"
    assert numbering.display("41120020260000013") == "411200-2026-000001-3"
    assert numbering.is_well_formed("41120020260000013")
    assert not numbering.is_well_formed("41120020260000014")  # one digit mistyped
    assert not numbering.is_well_formed("41120020260000103")  # two digits swapped
    assert numbering.normalise("411200-2026-000001-3 ") == "41120020260000013"


def test_one_number_per_person_assigned_once_and_audited(world):
    first = services.ensure_certificate(SYSTEM, person_id=world.person.pk)
    again = services.ensure_certificate(SYSTEM, person_id=world.person.pk)
    other = services.ensure_certificate(SYSTEM, person_id=world.other_person.pk)
    assert first.pk == again.pk and first.number == again.number
    assert first.number == numbering.compose("411200", 2026, 1)  # the unit is in 湖滨区 → 三门峡市
    assert other.number == numbering.compose("411200", 2026, 2)
    assert first.issuing_bureau_name == "三门峡市人力资源和社会保障局"
    assert first.issuing_level == Region.Level.CITY
    assert Certificate.objects.count() == 2
    assert AuditEntry.objects.filter(action="certificate.issued").count() == 2


def test_the_number_survives_a_change_of_employer_and_city(world, today):
    number = services.ensure_certificate(SYSTEM, person_id=world.person.pk).number
    zhengzhou = Region.objects.create(
        code="410100", name="郑州市", level=Region.Level.CITY, parent=Region.objects.get(code="410000")
    )
    new_unit = factories.organisation("unit", "郑州某设计院", region=zhengzhou, supervisor=world.authority)
    Membership.objects.filter(person=world.person).update(state=Membership.State.ENDED)
    Membership.objects.create(person=world.person, unit=new_unit, state=Membership.State.CONFIRMED)
    today.set(2027, 3, 1, 10, 0)
    assert services.ensure_certificate(SYSTEM, person_id=world.person.pk).number == number
    newcomer = factories.person(new_unit, name="王五")
    assert services.ensure_certificate(SYSTEM, person_id=newcomer.pk).number == numbering.compose(
        "410100", 2027, 1
    )


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL for real concurrency")
@pytest.mark.usefixtures("transactional_db")
def test_concurrent_issuing_never_repeats_or_doubles():
    world = factories.World.build()
    people = [world.person] + [factories.person(world.unit, name=f"并发{i}") for i in range(7)]
    barrier = threading.Barrier(16)
    results = [None] * 16

    def work(i):
        try:
            barrier.wait()
            # two threads per person: distinct people race for numbers, twins for one certificate
            results[i] = services.ensure_certificate(SYSTEM, person_id=people[i % 8].pk).number
        except Exception as exc:  # asserted below
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not [r for r in results if isinstance(r, Exception)], results
    for i in range(8):
        assert results[i] == results[i + 8]
    assert sorted(results[:8]) == [numbering.compose("411200", 2026, n) for n in range(1, 9)]
    assert Certificate.objects.count() == 8
