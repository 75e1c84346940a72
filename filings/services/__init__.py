"""Writing filings, by use case: training plans (plans), platform filings (platform_filings),
the authority's opinion and the bureau's decision (decisions), platform credentials
(credentials), late-filing exceptions (exceptions) and import jobs (import_jobs). The rules
they apply live in `filings.rules`.

Public services act for a user: the actor first, then keyword arguments naming the objects by
id (loaded and scoped here) and typed inputs. Each is one transaction with its audit entries.
"""

from filings.services.credentials import issue_credential, revoke_credential, rotate_credential
from filings.services.decisions import (
    accept_plan,
    accept_platform_filing,
    decide,
    give_opinion,
    return_filing,
)
from filings.services.exceptions import record_exception
from filings.services.import_jobs import (
    ImportKind,
    end_stale_imports,
    import_error,
    register_import_kind,
    rerun_import,
    run_import,
    start_import,
)
from filings.services.plans import PlanChange, PlanInput, PlanItemInput, create_plan, submit_plan, update_plan
from filings.services.platform_filings import (
    PlatformChange,
    PlatformInput,
    create_platform_filing,
    submit_platform_filing,
    update_platform_filing,
)

__all__ = [
    "ImportKind",
    "PlanChange",
    "PlanInput",
    "PlanItemInput",
    "PlatformChange",
    "PlatformInput",
    "accept_plan",
    "accept_platform_filing",
    "create_plan",
    "create_platform_filing",
    "decide",
    "end_stale_imports",
    "give_opinion",
    "import_error",
    "issue_credential",
    "record_exception",
    "register_import_kind",
    "rerun_import",
    "return_filing",
    "revoke_credential",
    "rotate_credential",
    "run_import",
    "start_import",
    "submit_plan",
    "submit_platform_filing",
    "update_plan",
    "update_platform_filing",
]
