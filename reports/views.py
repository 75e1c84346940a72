from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils.translation import gettext as _

from audit.services import record
from core.actors import Role
from core.errors import Forbidden
from credits.views import compliance_filters
from reports.exports import compliance_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def compliance_xlsx(request):
    """The staff compliance list exactly as filtered on the page, as an .xlsx file."""
    actor = request.actor
    if actor is None or not actor.is_role(Role.UNIT, Role.AUTHORITY, Role.BUREAU):
        raise Forbidden(_("当前身份不能导出达标情况。"))
    filters, qs = compliance_filters(request, actor)
    data = compliance_workbook(qs.iterator(chunk_size=2000), filters["year"], actor.organisation.name)
    record(actor, "report.compliance_exported", actor.organisation, after=filters)
    response = HttpResponse(data, content_type=XLSX)
    filename = f"compliance-{filters['year']}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
