"""What credits does when other apps announce something (connected in CreditsConfig.ready)."""

import logging

from django.dispatch import receiver

from accounts.signals import person_identified
from filings.signals import ItemReferences, plan_accepted, plan_items_removing, platform_filing_accepted
from policy.signals import calendar_year_entered, policy_year_changed, regional_figures_changed

logger = logging.getLogger(__name__)


@receiver(calendar_year_entered, dispatch_uid="credits.recompute_due_dates")
def on_calendar_year_entered(sender, year: int, **kwargs):
    """A year's calendar was entered or corrected: open reviews whose window (arrival day → due
    date) touches it get their due date again (a Celery task; eager without Redis). If the
    broker cannot be reached the recomputation runs here rather than being lost."""
    from credits import services
    from credits.tasks import recompute_due_dates

    if not services.open_reviews_touching(year).exists():
        return  # nothing open in that year: loading the calendar at start-up enqueues nothing
    try:
        recompute_due_dates.delay(year)
    except Exception:  # broker down: do it in-process
        logger.warning("Celery broker unreachable; recomputing %s due dates in-process", year, exc_info=True)
        services.recompute_due_dates(year=year)


@receiver(plan_accepted, dispatch_uid="credits.recognise_plan")
def on_plan_accepted(sender, plan, actor=None, **kwargs):
    """Training declared against the plan's items stops being `not_recognised` and enters review;
    the audit names the bureau user who accepted the plan."""
    from core.actors import SYSTEM
    from credits.services import recognise_plan

    recognise_plan(actor or SYSTEM, plan_id=plan.pk)


@receiver(policy_year_changed, dispatch_uid="credits.policy_due_dates")
def on_policy_year_changed(sender, year: int, changed: list[str], **kwargs):
    """A bureau changed the review time limit of a year, or whether cities may set their own:
    its open reviews take the limit that now applies to each."""
    from credits import services
    from credits.tasks import recompute_policy_due_dates

    if not {"review_sla_working_days", "cities_set_review_sla"} & set(changed):
        return
    if not services.open_reviews_of_year(year).exists():
        return
    try:
        recompute_policy_due_dates.delay(year)
    except Exception:  # broker down: do it in-process
        logger.warning("Celery broker unreachable; recomputing %s due dates in-process", year, exc_info=True)
        services.recompute_policy_due_dates(year=year)


@receiver(regional_figures_changed, dispatch_uid="credits.regional_due_dates")
def on_regional_figures_changed(sender, year: int, region_id: int, changed: list[str], **kwargs):
    """A city set or cleared its own review time limit: its people's open reviews follow."""
    from credits import services
    from credits.tasks import recompute_regional_due_dates

    if (
        "review_sla_working_days" not in changed
        or not services.open_reviews_in_region(year, region_id).exists()
    ):
        return
    try:
        recompute_regional_due_dates.delay(year, region_id)
    except Exception:  # broker down: do it in-process
        logger.warning("Celery broker unreachable; recomputing %s due dates in-process", year, exc_info=True)
        services.recompute_regional_due_dates(year=year, region_id=region_id)


@receiver(person_identified, dispatch_uid="credits.release_for_person")
def on_person_identified(sender, person, **kwargs):
    """A person registered or had their name corrected: items a platform pushed for their ID
    number and held are judged again (credited when nothing else stands in the way)."""
    from core.actors import SYSTEM
    from credits.intake import release_for_person

    release_for_person(SYSTEM, person=person)


@receiver(platform_filing_accepted, dispatch_uid="credits.release_for_platform")
def on_platform_filing_accepted(sender, platform, year: int, actor=None, **kwargs):
    """The platform's filing of `year` was accepted: its items held for want of it follow."""
    from core.actors import SYSTEM
    from credits.intake import release_for_platform

    release_for_platform(actor or SYSTEM, platform_id=platform.pk, year=year)


@receiver(plan_items_removing, dispatch_uid="credits.plan_item_references")
def on_plan_items_removing(sender, item_ids: list[int], **kwargs) -> ItemReferences:
    """A plan's rows are about to be deleted: those a submitted declaration or an hour record
    names must stay (the change is refused); those only draft declarations name are kept."""
    from credits.models import Declaration, DeclarationState, HourRecord

    declared = Declaration.objects.filter(plan_item_id__in=item_ids)
    fixed = set(declared.exclude(state=DeclarationState.DRAFT).values_list("plan_item_id", flat=True))
    fixed |= set(HourRecord.objects.filter(plan_item_id__in=item_ids).values_list("plan_item_id", flat=True))
    return ItemReferences(
        fixed=frozenset(fixed), kept=frozenset(declared.values_list("plan_item_id", flat=True))
    )
