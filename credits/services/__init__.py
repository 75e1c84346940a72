"""Writing credit hours, by use case: declarations and their validation (declarations), evidence
(evidence), submission to the unit (submission), the two-level review (reviews), recognition of
filed training (recognition), the clock of open reviews (due_dates) and base attendance
(attendance). Platform pushes live in `credits.intake`; the rules applied live in `credits.rules`.

Every public function is one transaction and leaves an audit entry for each state change.
HourRecords are created and moved only through `credits.ledger`, which keeps YearSummary in step.
"""

from credits.intake import receive_platform_completions
from credits.services.attendance import AttendanceResult, credit_attendance
from credits.services.common import TYPE_FIELDS, declaration_link
from credits.services.declarations import (
    DeclarationChange,
    DeclarationInput,
    create_declaration,
    delete_declaration,
    update_declaration,
)
from credits.services.due_dates import (
    notify_overdue_reviews,
    open_reviews_in_region,
    open_reviews_of_year,
    open_reviews_touching,
    recompute_due_dates,
    recompute_policy_due_dates,
    recompute_regional_due_dates,
)
from credits.services.evidence import (
    attach_evidence,
    attach_pending_evidence,
    hold_evidence,
    pending_evidence,
    purge_pending_evidence,
    remove_evidence,
)
from credits.services.recognition import recognise_plan
from credits.services.reviews import MAX_BATCH_APPROVE, BatchResult, batch_approve, review_declaration
from credits.services.submission import NO_EVIDENCE, submit_declaration, type_hours_used, why_cannot_submit

__all__ = [
    "MAX_BATCH_APPROVE",
    "NO_EVIDENCE",
    "TYPE_FIELDS",
    "AttendanceResult",
    "BatchResult",
    "DeclarationChange",
    "DeclarationInput",
    "attach_evidence",
    "attach_pending_evidence",
    "batch_approve",
    "create_declaration",
    "credit_attendance",
    "declaration_link",
    "delete_declaration",
    "hold_evidence",
    "notify_overdue_reviews",
    "open_reviews_in_region",
    "open_reviews_of_year",
    "open_reviews_touching",
    "pending_evidence",
    "purge_pending_evidence",
    "receive_platform_completions",
    "recognise_plan",
    "recompute_due_dates",
    "recompute_policy_due_dates",
    "recompute_regional_due_dates",
    "remove_evidence",
    "review_declaration",
    "submit_declaration",
    "type_hours_used",
    "update_declaration",
    "why_cannot_submit",
]
