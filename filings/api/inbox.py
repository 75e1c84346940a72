"""The bureau's and the authority's inbox, late-filing exceptions, late and missing filers."""

from __future__ import annotations

from typing import Literal

from django.utils.translation import gettext as _
from ninja import Status

from core.actors import Role
from core.api import require_role
from core.errors import Invalid
from filings import selectors, services
from filings.api.common import PAGE_SIZE, exception_out, paginate, router, row_out
from filings.api.schemas import ExceptionIn, ExceptionOut, InboxPage, LateMissingOut, MissingOut
from filings.models import FilingState


@router.get("filings/inbox", response=InboxPage, summary="备案待办（人社局：待备案；主管部门：待出具意见）")
def inbox(
    request,
    kind: Literal["", "plan", "platform"] = "",
    state: str = "",
    year: int | None = None,
    q: str = "",
    page: int = 1,
    page_size: int = PAGE_SIZE,
):
    actor = require_role(request.auth, Role.BUREAU, Role.AUTHORITY)
    if state and state != "all" and state not in FilingState.values:
        raise Invalid.field(
            "state", _("状态：取值应为 %(v)s 或 all。") % {"v": "、".join(FilingState.values)}
        )
    filters = selectors.InboxFilter(kind=kind, state=state, year=year, q=q.strip())
    rows, count = paginate(selectors.inbox(actor, filters), page, page_size)
    return InboxPage(items=[row_out(r.kind, r.filing) for r in rows], count=count)


@router.get("filings/exceptions", response=list[ExceptionOut], summary="逾期备案特批（人社局）")
def list_exceptions(request, year: int | None = None):
    actor = require_role(request.auth, Role.BUREAU)
    return [exception_out(e) for e in selectors.exceptions_in_scope(actor, year)[:500]]


@router.post("filings/exceptions", response={201: ExceptionOut}, summary="登记逾期备案特批（人社局）")
def create_exception(request, payload: ExceptionIn):
    actor = require_role(request.auth, Role.BUREAU)
    exception = services.record_exception(
        actor,
        organisation_id=payload.organisation_id,
        year=payload.year,
        kind=payload.kind,
        reason=payload.reason,
    )
    return Status(201, exception_out(exception))


@router.get(
    "filings/late-missing", response=LateMissingOut, summary="逾期备案与未申报培训计划的单位（人社局）"
)
def late_missing(request, year: int):
    actor = require_role(request.auth, Role.BUREAU)
    result = selectors.late_and_missing(actor, year)
    return LateMissingOut(
        year=result.year,
        deadline=result.deadline,
        late=[row_out(r.kind, r.filing) for r in result.late],
        exceptions=[exception_out(e) for e in result.exceptions],
        missing=[MissingOut(id=o.pk, name=o.name, kind=o.kind, region=o.region.name) for o in result.missing],
    )
