"""The compliance rule (credits.rules.compliance): its Python and SQL forms give one answer."""

from decimal import Decimal

import pytest

from credits import selectors
from credits.rules import compliance
from tests import factories
from tests.credits.test_progress import credit

D = Decimal
CASES = [
    ((30, 60), True, (0, 0, 0), 0),
    ((29.5, 60.5), False, (0.5, 0, 0), 0.5),  # 90 in total, but public is short
    ((45, 45), False, (0, 15, 0), 15),  # surplus public never covers professional
    ((20, 50), False, (10, 10, 20), 20),
    ((0, 0), False, (30, 60, 90), 90),
]


@pytest.mark.parametrize(("earned", "compliant", "short", "needed"), CASES)
def test_the_shortfall_per_figure_and_the_hours_still_needed(earned, compliant, short, needed):
    s = compliance.shortfall(*earned, 30, 60, 90)
    assert s.compliant is compliant is compliance.is_compliant(*earned, 30, 60, 90)
    assert (s.public, s.professional, s.total) == tuple(D(str(x)) for x in short)
    assert s.still_needed == D(str(needed))


def test_only_the_total_is_named_when_both_categories_are_met():
    assert compliance.shortfall(40, 60, 30, 60, 110).in_words() == "总学时 10 学时"
    assert compliance.shortfall(20, 50, 30, 60, 90).in_words() == "公需科目 10 学时、专业科目 10 学时"
    assert compliance.shortfall(30, 60, 30, 60, 90).missing() == []


def test_the_short_text_names_the_same_figures_as_the_words():
    assert compliance.shortfall(40, 60, 30, 60, 110).in_short() == "总学时差 10"
    assert compliance.shortfall(0, 0, 30, 60, 90).in_short() == "公需差 30，专业差 60"
    assert compliance.shortfall(30, 59.5, 30, 60, 90).in_short() == "专业差 0.5"
    assert compliance.shortfall(30, 60, 30, 60, 90).in_short() == ""


@pytest.mark.django_db
def test_the_sql_form_agrees_with_the_python_form(world):
    expected = {world.person.name: False}
    for i, (earned, compliant, _short, _needed) in enumerate(CASES):
        person = factories.person(world.unit, name=f"人员{i}")
        expected[person.name] = compliant
        for category, hours in zip(("public", "professional"), earned, strict=True):
            if hours:
                credit(person, category, hours)
    unit = factories.actor(world.unit_user)
    rows = list(selectors.staff_compliance(unit, 2026))
    assert {row.person.name: bool(row.compliant) for row in rows} == expected
    for row in rows:
        assert bool(row.compliant) is compliance.shortfall_of_row(row).compliant
    short = {row.pk for row in selectors.staff_compliance(unit, 2026, only_short=True)}
    assert short == {row.pk for row in rows if not row.compliant}
