"""API for a class's attendance report, under the filings paths and tag it has always had."""

from __future__ import annotations

from ninja import File, Router, Status, UploadedFile

from core.api import BearerAuth
from core.errors import NotFound
from core.schemas import Schema
from filings import selectors as filing_selectors
from filings import services as filing_services
from filings.api.common import import_job_out, staff
from filings.api.schemas import ImportJobOut
from filings.models import ImportJob

router = Router(tags=["培训计划与平台备案"], auth=BearerAuth())


class AttendanceOut(Schema):
    """200: written (the embedded default runs the job before answering); 202: a worker
    reads it, the counts are null until `import_job` is done."""

    upload_id: int | None
    rows: int | None
    credited: int | None
    duplicates: int | None
    import_job: ImportJobOut


@router.post(
    "filings/plans/{plan_id}/items/{item_id}/attendance",
    response={200: AttendanceOut, 202: AttendanceOut},
    summary="报送培训班到课名单（Excel：身份证号码、姓名、学时）",
    description="全部或全不：任何一行有误，返回 422 并逐行列出错误（行号），不计入任何学时。"
    "名单在后台任务中读取（最多 10 万行）；200：已计入；202：排队或读取中，计数为空，"
    "请轮询 `GET filings/import-jobs/{id}`。",
)
def upload_attendance(request, plan_id: int, item_id: int, file: File[UploadedFile]):
    actor = staff(request)
    if filing_selectors.get_plan_item(actor, item_id).plan_id != plan_id:
        raise NotFound()
    job = filing_services.start_import(actor, kind=ImportJob.Kind.ATTENDANCE, target_id=item_id, upload=file)
    if job.state == ImportJob.State.FAILED:
        raise filing_services.import_error(job)
    done = job.state == ImportJob.State.DONE
    counts = {k: job.result.get(k) if done else None for k in ("upload_id", "rows", "credited", "duplicates")}
    return Status(200 if done else 202, AttendanceOut(**counts, import_job=import_job_out(job)))
