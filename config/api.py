"""The public API v1 (DESIGN §5): one NinjaAPI, one router per domain app."""

from django.db import connection
from ninja import Status, Swagger

from accounts.api import router as accounts_router
from bulletins.api import router as bulletins_router
from catalogue.api import router as catalogue_router
from certificates.api import router as certificates_router
from core.api import install_error_handlers
from core.openapi import PlatformAPI
from core.schemas import Schema
from credits.api import progress_router as credits_progress_router
from credits.api import router as credits_router
from credits.api.attendance import router as attendance_router
from credits.api.intake import router as intake_router
from filings.api import router as filings_router
from organisations.api import router as organisations_router
from policy.api import router as policy_router
from reports.api import router as reports_router
from sampling.api import router as sampling_router
from supervision.api import router as supervision_router

# An ASCII title: client generators name their package after it.
api = PlatformAPI(
    title="Continuing Education Platform API",
    version="1",
    description="专业技术人员继续教育管理平台 API：学时申报、审核、平台学时推送与年度政策。"
    '每个错误答复的格式：`{"detail": ..., "errors": [{"field": ..., "message": ...}]}`（ErrorOut）。',
    urls_namespace="api-v1",
    docs_url="/docs",
    # No call to the public validator service: the page works on an intranet.
    docs=Swagger(settings={"validatorUrl": None}),
)
install_error_handlers(api)


class HealthOut(Schema):
    status: str
    database: str


@api.get("health", response={200: HealthOut, 503: HealthOut}, tags=["运行状态"], summary="健康检查")
def health(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return Status(503, HealthOut(status="degraded", database="error"))
    return HealthOut(status="ok", database="ok")


api.add_router("", credits_progress_router)  # first: see credits.api.progress_router
api.add_router("", accounts_router)
api.add_router("", organisations_router)
api.add_router("", policy_router)
api.add_router("", catalogue_router)
api.add_router("", filings_router)
api.add_router("", attendance_router)
api.add_router("", credits_router)
api.add_router("", intake_router)
api.add_router("", reports_router)
api.add_router("", bulletins_router)
api.add_router("", sampling_router)
api.add_router("", certificates_router)
api.add_router("", supervision_router)
