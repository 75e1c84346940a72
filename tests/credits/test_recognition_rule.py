"""The recognition rule (credits.rules.recognition): a filed plan is one answer in Python and SQL."""

import pytest

from credits.rules import recognition
from filings.models import FilingState, PlanItem, TrainingPlan
from tests import factories


@pytest.mark.django_db
@pytest.mark.parametrize("state", FilingState.values)
def test_the_sql_form_of_a_filed_plan_agrees_with_the_python_form(world, state):
    plan = factories.accepted_plan(world)
    TrainingPlan.objects.filter(pk=plan.pk).update(state=state)
    plan.refresh_from_db()
    filed = recognition.plan_is_filed(plan)
    assert filed is (state == FilingState.ACCEPTED)
    assert TrainingPlan.objects.filter(recognition.filed_plan_q(), pk=plan.pk).exists() is filed
    classes = PlanItem.objects.filter(recognition.filed_plan_q("plan__"), plan=plan)
    assert set(classes) == (set(plan.items.all()) if filed else set())
