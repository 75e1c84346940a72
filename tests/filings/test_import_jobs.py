"""Imports off the request path: plan rows and attendance sheets are read outside any
transaction as a bounded stream, run as jobs with progress, and write all rows or none.

Hostile files are only asserted to be refused here; how fast is measured by bench/imports.py.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from audit.models import AuditEntry
from core import jobs
from core.errors import DomainError
from credits.models import HourRecord
from filings import imports, services
from filings.models import AttendanceUpload, ImportJob
from organisations.models import Organisation
from organisations.services import OrganisationInput, upsert_organisation
from reports.models import ExportJob
from tests import factories
from tests.factories import plan_data, plan_input, plan_item_data
from tests.filings import xlsx


@pytest.fixture
def klass(world, today):
    """A class of the base's accepted plan, taking attendance today."""
    upsert_organisation(
        factories.SYSTEM,
        organisation=OrganisationInput(
            kind=Organisation.Kind.BASE, name=world.base.name, supervisor_id=world.authority.pk
        ),
    )
    plan = factories.accepted_plan(
        world,
        world.base_user,
        year=today.date.year,
        items=[plan_item_data(starts_on=today.date, hours=16, category="public")],
    )
    return plan.items.get()


def _sheet(rows, header=("身份证号码", "姓名", "学时"), name="名单.xlsx"):
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = name
    return buffer


def _people(world, n):
    return [
        world.person,
        world.other_person,
        *[factories.person(world.unit, name=f"人员{i}") for i in range(n - 2)],
    ]


def _attendance(world, klass, upload):
    return services.start_import(
        factories.actor(world.base_user), kind=ImportJob.Kind.ATTENDANCE, target_id=klass.pk, upload=upload
    )


# --- hostile and oversized files ------------------------------------------------------------


def test_the_attackers_sheet_is_refused_before_a_job_exists(world, klass, api_as):
    base = api_as(world.base_user)
    r = base.upload(
        f"filings/plans/{klass.plan_id}/items/{klass.pk}/attendance", {"file": xlsx.wide(2000, 16384)}
    )
    assert r.status_code == 422
    assert r.json()["errors"] == [
        {
            "field": "file",
            "message": "文件：解压后超过 150 MB，无法导入。请删除多余的工作表、行和列后重新保存。",
        }
    ]
    assert not ImportJob.objects.exists()


def test_a_zip_bomb_is_refused_from_the_zip_directory(world, klass, monkeypatch):
    monkeypatch.setattr(
        imports, "ATTENDANCE_LIMITS", imports.Limits(10**7, 100, 20, 1000, 200 * 2**20, 2**20)
    )
    with pytest.raises(DomainError) as caught:
        _attendance(world, klass, xlsx.bomb(5))
    assert caught.value.detail == "文件：文字内容解压后超过 1 MB，无法导入。"
    with pytest.raises(DomainError) as caught:
        _attendance(world, klass, xlsx.bomb(210))
    assert caught.value.detail.startswith("文件：解压后超过 200 MB")


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            lambda: xlsx.wide(50, 16384),
            "文件：工作表范围（XFD50）超过 100000 行或 20 列，请删除多余的行和列后重新保存。",
        ),
        (lambda: xlsx.wide(3, 16384, "A1:C3"), "文件：第1行第 21 列有内容，最多 20 列（到 T 列）。"),
        (
            lambda: xlsx.wide(40, 16384, None, None),
            "文件：单元格超过 600000 个（含空白单元格），请删除多余的行和列后重新保存。",
        ),
        (lambda: xlsx.wide(100_100, 3, None), "文件：数据超过 100000 行，请分成多个文件上传。"),
        (
            lambda: xlsx.workbook([(1, ["a"]), (1_048_576, ["b"])], "A1:A3"),
            "文件：数据超过 100000 行，请分成多个文件上传。",
        ),
    ],
    ids=["declared-dimension", "value-past-the-last-column", "empty-cells", "rows", "row-numbered-far-down"],
)
def test_a_sheet_over_a_limit_fails_its_job_naming_the_limit(world, klass, upload, message):
    job = _attendance(world, klass, upload())
    assert job.state == ImportJob.State.FAILED
    assert job.error == message and job.row_errors == [{"field": "file", "message": message}]
    assert not job.file  # the upload is deleted with the job's end
    assert not HourRecord.objects.filter(plan_item=klass).exists()


def test_the_stream_keeps_the_limits_when_the_tag_count_is_fooled(world, klass, monkeypatch):
    """A writer that prefixes the namespace (`<x:row>`) escapes the byte count; the parser's
    own checks still hold."""
    monkeypatch.setattr(imports, "_count_tags", lambda archive, path, limits: None)
    monkeypatch.setattr(imports, "ATTENDANCE_LIMITS", imports.Limits(10**7, 5, 4, 40, 10**8, 10**7))
    rows = [(n, ["x", "y", 1]) for n in range(2, 9)]
    job = _attendance(world, klass, xlsx.workbook([(1, ["身份证号码", "姓名", "学时"]), *rows]))
    assert job.error == "文件：数据超过 5 行，请分成多个文件上传。"
    job = _attendance(world, klass, xlsx.wide(20, 4, "A1:C3", None))
    assert job.error == "文件：单元格超过 40 个（含空白单元格），请删除多余的行和列后重新保存。"
    job = _attendance(world, klass, xlsx.workbook([(1, ["身份证号码", "姓名", "学时", None, "备注"])]))
    assert job.error == "文件：第1行第 5 列有内容，最多 4 列（到 D 列）。"


def test_empty_cells_past_the_last_column_are_ignored(world, klass):
    zhang = world.person
    header = [(1, ["身份证号码", "姓名", "学时", *([None] * 40)])]
    row = [(2, [zhang.reveal_id_number(), zhang.name, 8, *([None] * 40)])]
    job = _attendance(world, klass, xlsx.workbook(header + row, "A1:C2"))
    assert job.state == ImportJob.State.DONE, job.error
    assert job.result["credited"] == 1


def _broken_sheet() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part, content in xlsx.PARTS.items():
            archive.writestr(part, content)
        archive.writestr("xl/sharedStrings.xml", xlsx.EMPTY_STRINGS)
        archive.writestr("xl/worksheets/sheet1.xml", f'<worksheet xmlns="{xlsx.NS}"><sheetData><row><c><v>1')
    return buffer.getvalue()


@pytest.mark.parametrize("content", [b"not a zip", b"PK\x03\x04broken", "broken-sheet"])
def test_a_file_that_is_not_a_workbook(world, klass, content):
    upload = io.BytesIO(_broken_sheet() if content == "broken-sheet" else content)
    upload.name = "x.xlsx"
    try:
        job = _attendance(world, klass, upload)
    except DomainError as exc:
        assert exc.detail == "文件：无法读取，请确认是 Excel（.xlsx）文件。"
    else:
        assert job.error == "文件：无法读取，请确认是 Excel（.xlsx）文件。"


# --- rows, all or nothing, progress ---------------------------------------------------------


def test_every_bad_row_is_named_with_its_column_and_nothing_is_written(world, klass, api_as):
    zhang, li = world.person, world.other_person
    upload = _sheet(
        [(zhang.reveal_id_number(), zhang.name, 8), (li.reveal_id_number(), li.name, "八"), ("", "", 30)]
    )
    r = api_as(world.base_user).upload(
        f"filings/plans/{klass.plan_id}/items/{klass.pk}/attendance", {"file": upload}
    )
    assert r.status_code == 422
    assert r.json()["detail"] == "名单有 2 行有误，未计入任何学时。请修改后重新上传。"
    errors = r.json()["errors"]
    assert [e["field"] for e in errors] == ["rows.3.hours", "rows.4.id_number", "rows.4.name", "rows.4.hours"]
    assert errors[0]["message"] == "第3行 学时：应为数字，如 8 或 2.5。"
    assert errors[1]["message"].startswith("第4行 身份证号码：")
    assert errors[2]["message"] == "第4行 姓名：必须填写。"
    assert errors[3]["message"] == "第4行 学时：不能超过该培训项目的学时数 16。"
    assert not HourRecord.objects.filter(plan_item=klass).exists() and not AttendanceUpload.objects.exists()
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.FAILED and [e["row"] for e in job.row_errors] == [3, 4, 4, 4]
    assert AuditEntry.objects.filter(action="import.failed", target_id=str(job.pk)).exists()


def test_a_plan_import_answers_the_plan_and_its_job(world, api_as):
    unit = api_as(world.unit_user)
    plan = services.create_plan(
        factories.actor(world.unit_user), plan=plan_input(plan_data(), [plan_item_data(project="原有")])
    )
    rows = [
        [n, f"项目{n}", "设计人员", dt.datetime(2025, 10, n), 8, "", "面授", "本单位", "", ""] for n in (1, 2)
    ]
    r = unit.upload(f"filings/plans/{plan.pk}/import", {"file": _sheet(rows, xlsx.PLAN_HEADER, "plan.xlsx")})
    assert r.status_code == 200, r.json()
    body = r.json()
    assert [i["project"] for i in body["items"]] == ["项目1", "项目2"]
    assert body["import_job"]["state"] == "done" and body["import_job"]["result"] == {"items": 2, "kept": []}
    assert body["import_job"]["percent"] == 100 and body["import_job"]["retryable"] is False
    again = unit.get(f"filings/import-jobs/{body['import_job']['id']}")
    assert again.status_code == 200 and again.json()["kind"] == "plan_items"
    # another unit's reviewer (and the same person acting elsewhere) cannot see the job
    assert (
        api_as(world.sibling_unit_user).get(f"filings/import-jobs/{body['import_job']['id']}").status_code
        == 404
    )


def test_progress_is_reported_while_the_sheet_is_read(world, klass, monkeypatch):
    people = _people(world, 7)
    monkeypatch.setattr(imports, "PROGRESS_EVERY", 2)
    seen = []
    beat = jobs.beat

    def watch(model, job_id, **fields):
        seen.append(fields)
        beat(model, job_id, **fields)

    monkeypatch.setattr(jobs, "beat", watch)
    upload = _sheet([(p.reveal_id_number(), p.name, 8) for p in people])
    job = _attendance(world, klass, upload)
    assert job.state == ImportJob.State.DONE and job.percent == 100
    assert seen[0] == {"stage": "reading"}
    assert [f["done"] for f in seen if "done" in f] == [2, 4, 6]
    assert seen[-1] == {"stage": "writing"}
    assert job.result == {"upload_id": job.result["upload_id"], "rows": 7, "credited": 7, "duplicates": 0}
    assert HourRecord.objects.filter(plan_item=klass).count() == 7


# --- the production path: a worker runs the job ---------------------------------------------


@pytest.fixture
def queued(settings, monkeypatch):
    """CELERY_TASK_ALWAYS_EAGER off (Redis in production): jobs are sent, not run."""
    from filings import tasks

    settings.CELERY_TASK_ALWAYS_EAGER = False
    sent = []
    monkeypatch.setattr(tasks.run_import, "delay", sent.append)
    return sent


def test_with_a_worker_the_api_answers_202_and_the_page_follows_the_job(
    world, klass, api_as, queued, django_capture_on_commit_callbacks
):
    zhang = world.person
    base = api_as(world.base_user)
    path = f"filings/plans/{klass.plan_id}/items/{klass.pk}/attendance"
    with django_capture_on_commit_callbacks(execute=True):
        r = base.upload(path, {"file": _sheet([(zhang.reveal_id_number(), zhang.name, 8)])})
    assert r.status_code == 202
    body = r.json()
    assert body["upload_id"] is None and body["credited"] is None
    assert body["import_job"]["state"] == "queued" and queued == [body["import_job"]["id"]]
    assert not HourRecord.objects.filter(plan_item=klass).exists()
    client = Client()
    client.force_login(world.base_user)
    page = client.get(reverse("filings:import_job", args=[body["import_job"]["id"]]))
    assert (
        page.status_code == 200 and page["Refresh"] == "2" and 'data-state="queued"' in page.content.decode()
    )
    # the worker
    assert services.run_import(body["import_job"]["id"]) == ImportJob.State.DONE
    assert services.run_import(body["import_job"]["id"]) == ImportJob.State.DONE  # redelivered: once
    done = base.get(f"filings/import-jobs/{body['import_job']['id']}").json()
    assert done["state"] == "done" and done["result"]["credited"] == 1
    page = client.get(reverse("filings:import_job", args=[body["import_job"]["id"]]))
    assert "Refresh" not in page and "新计入 1 人" in page.content.decode()
    assert HourRecord.objects.filter(plan_item=klass).count() == 1
    # the web form sends the uploader to the job's page
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(reverse("filings:attendance", args=[klass.pk]), {"file": _sheet([])})
    job = ImportJob.objects.latest("pk")
    assert r.status_code == 302 and r["Location"] == reverse("filings:import_job", args=[job.pk])


def test_a_failed_job_page_lists_every_bad_row(world, klass, queued):
    job = _attendance(world, klass, _sheet([("411202199001011234", "某人", 8)]))
    services.run_import(job.pk)
    client = Client()
    client.force_login(world.base_user)
    html = client.get(reverse("filings:import_job", args=[job.pk])).content.decode()
    assert "第 2 行" in html and "身份证号码：" in html and "重新运行" not in html


# --- a worker killed mid-import -------------------------------------------------------------


class WorkerKilled(BaseException):
    """What a SIGKILL looks like from inside: no `except Exception` runs, no commit happens."""


@pytest.mark.usefixtures("transactional_db")
def test_a_worker_killed_mid_write_leaves_nothing_and_the_job_ends_visibly(
    world, klass, today, queued, monkeypatch
):
    people = _people(world, 3)
    job = _attendance(world, klass, _sheet([(p.reveal_id_number(), p.name, 8) for p in people]))
    outside = []
    beat = jobs.beat

    def watch(model, job_id, **fields):
        outside.append(connection.in_atomic_block)
        beat(model, job_id, **fields)

    monkeypatch.setattr(jobs, "beat", watch)
    create = AttendanceUpload.objects.create

    def die(**fields):
        assert HourRecord.objects.filter(plan_item=klass).count() == 3  # written, not committed
        raise WorkerKilled

    monkeypatch.setattr(AttendanceUpload.objects, "create", die)
    with pytest.raises(WorkerKilled):
        services.run_import(job.pk)
    assert outside and not any(outside)  # the sheet was read with no transaction open
    assert not HourRecord.objects.filter(plan_item=klass).exists() and not AttendanceUpload.objects.exists()
    job.refresh_from_db()
    assert job.state == ImportJob.State.RUNNING and job.stage == ImportJob.Stage.WRITING
    # still inside the heartbeat window: nothing is ended yet
    today.set(today.now + dt.timedelta(minutes=5))
    assert services.end_stale_imports() == 0
    today.set(today.now + jobs.STALE_AFTER)
    assert services.end_stale_imports() == 1
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED and "导入中断" in job.error and job.file
    assert AuditEntry.objects.filter(action="import.failed", target_id=str(job.pk)).exists()
    client = Client()
    client.force_login(world.base_user)
    html = client.get(reverse("filings:import_job", args=[job.pk])).content.decode()
    assert "导入中断" in html and "重新运行" in html
    # run again (a new worker)
    monkeypatch.setattr(AttendanceUpload.objects, "create", create)
    r = client.post(reverse("filings:import_job_rerun", args=[job.pk]))
    assert r.status_code == 302 and queued[-1] == job.pk
    assert services.run_import(job.pk) == ImportJob.State.DONE
    job.refresh_from_db()
    assert job.result["credited"] == 3 and not job.file
    assert HourRecord.objects.filter(plan_item=klass).count() == 3
    with pytest.raises(DomainError):
        services.rerun_import(factories.actor(world.base_user), job_id=job.pk)  # done: nothing to re-run


@pytest.mark.usefixtures("transactional_db")
def test_a_job_ended_by_the_sweep_while_reading_does_not_write(world, klass, today, queued, monkeypatch):
    people = _people(world, 2)
    job = _attendance(world, klass, _sheet([(p.reveal_id_number(), p.name, 8) for p in people]))
    read = imports.read_attendance_rows

    def slow_reader(*args, **kwargs):
        rows = read(*args, **kwargs)
        today.set(today.now + jobs.STALE_AFTER + dt.timedelta(minutes=1))
        services.end_stale_imports()  # the sweep thinks the worker died
        return rows

    monkeypatch.setattr(imports, "read_attendance_rows", slow_reader)
    assert services.run_import(job.pk) == ImportJob.State.FAILED
    assert not HourRecord.objects.filter(plan_item=klass).exists()


def test_the_sweep_ends_stale_exports_too(world, today):
    job = ExportJob.objects.create(
        kind=ExportJob.Kind.COMPLIANCE,
        created_by=world.unit_user,
        actor_role="unit",
        organisation=world.unit,
        state=ExportJob.State.RUNNING,
        heartbeat_at=today.now,
    )
    from reports import services as report_services

    today.set(today.now + jobs.STALE_AFTER + dt.timedelta(seconds=1))
    assert report_services.end_stale_exports() == 1
    job.refresh_from_db()
    assert job.state == ExportJob.State.FAILED and "导出中断" in job.error
