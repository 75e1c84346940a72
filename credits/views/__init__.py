"""Credit-hour pages, a module per use case: the person's hours (progress), declarations and
their evidence (declarations), the reviewers' queue, decisions and timeliness (reviews), and
supervision of the staff's hours (compliance). What they share is in `_common`.

Thin: every read goes through credits.selectors (scoped by the actor; outside → 404) and
every write through credits.services (one transaction each, audited).

The names below are those other apps' pages use.
"""

from credits.views._common import asked_year, paginate, policy_years
from credits.views.compliance import compliance_filters

__all__ = ["asked_year", "compliance_filters", "paginate", "policy_years"]
