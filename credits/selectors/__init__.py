"""Reading credit hours, always through the actor's scope, a module per use case.

What the pages and the API read (all take an `Actor` first; outside the scope → NotFound):

    progress: progress(actor, year) · person_progress(actor, person_id, year) · progress_for_token
    records: hour_records(actor, year) · person_hour_records(actor, person_id, year) · explain
    declarations: declarations(actor, year=None, state=None) · declaration_for(actor, id) ·
        open_review(declaration) · evidence_for(actor, declaration_id, evidence_id)
    reviews: review_queue(actor, state="pending") · filtered_review_queue(actor, ReviewQueueFilter) ·
        overdue_reviews(actor) · review_timeliness(actor, year)
    titles: title_readiness(actor, person_id, on_date, years)
    compliance: staff_compliance(actor, year, unit_id=None, only_short=False, using=None) ·
        filtered_staff_compliance(actor, ComplianceFilter, using=None) · compliance_by_unit(actor, year)

The names below are those the other modules and apps use; they are looked up here at call time
(`selectors.progress_for_token(...)`), so a test may replace one on this package.
"""

from credits.selectors.compliance import (
    ComplianceFilter,
    UnitCompliance,
    compliance_by_unit,
    filtered_staff_compliance,
    staff_compliance,
    year_requirements,
)
from credits.selectors.declarations import (
    declaration_for,
    declaration_record,
    declarations,
    declarations_in_scope,
    evidence_for,
    open_review,
)
from credits.selectors.progress import (
    Progress,
    Required,
    own_person,
    person_progress,
    progress,
    progress_for_token,
    progress_of,
)
from credits.selectors.records import explain, hour_records, person_hour_records
from credits.selectors.reviews import (
    ReviewQueueFilter,
    Timeliness,
    filtered_review_queue,
    is_overdue,
    overdue_reviews,
    review_queue,
    review_timeliness,
)
from credits.selectors.titles import TitleReadiness, title_readiness

__all__ = [
    "ComplianceFilter",
    "Progress",
    "Required",
    "ReviewQueueFilter",
    "Timeliness",
    "TitleReadiness",
    "UnitCompliance",
    "compliance_by_unit",
    "declaration_for",
    "declaration_record",
    "declarations",
    "declarations_in_scope",
    "evidence_for",
    "explain",
    "filtered_review_queue",
    "filtered_staff_compliance",
    "hour_records",
    "is_overdue",
    "open_review",
    "overdue_reviews",
    "own_person",
    "person_hour_records",
    "person_progress",
    "progress",
    "progress_for_token",
    "progress_of",
    "review_queue",
    "review_timeliness",
    "staff_compliance",
    "title_readiness",
    "year_requirements",
]
