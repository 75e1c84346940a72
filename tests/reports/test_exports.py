"""The staff compliance export as a job: runs to done with the right rows, reports progress,
only its creator sees it, and a failure ends the job with its message."""

import io
import os

import pytest
from django.test import Client
from openpyxl import load_workbook

from accounts.models import RoleAssignment
from audit.models import AuditEntry
from core.actors import Role
from credits.selectors import ComplianceFilter
from reports import exports, services
from reports.models import ExportJob
from tests import factories
from tests.reports.conftest import credit

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def export(client, capture, **params):
    """Ask for the export as the page's button does; the eager task runs on commit."""
    with capture(execute=True):
        response = client.get("/reports/compliance.xlsx", params)
    assert response.status_code == 302, response.content[:300]
    job = ExportJob.objects.order_by("-pk").first()
    assert response["Location"] == f"/reports/exports/{job.pk}/"
    job.refresh_from_db()
    return job


def sheet_rows(content: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(content)).active
    return list(sheet.iter_rows(values_only=True))


@pytest.fixture
def staff(world):
    """Five confirmed members of the unit besides 张三: two compliant, three short."""
    people = [factories.person(world.unit, name=n) for n in ("王五", "赵六", "钱七", "孙八", "周九")]
    for p in people[:2]:
        credit(p, "public", 30)
        credit(p, "professional", 60)
    credit(people[2], "public", 12)
    return people


def test_a_unit_export_runs_to_done_with_every_row(world, staff, django_capture_on_commit_callbacks):
    unit = client_for(world.unit_user)
    job = export(unit, django_capture_on_commit_callbacks, year=2026)
    assert job.state == ExportJob.State.DONE and job.error == ""
    assert job.total == 6 and job.done == 6 and job.percent == 100
    assert (
        job.created_by == world.unit_user and job.actor_role == Role.UNIT and job.organisation == world.unit
    )
    assert job.params == {"year": 2026, "unit_id": None, "only_short": False, "q": ""}
    assert job.started_at and job.finished_at and job.file.name.startswith(f"exports/{world.unit_user.pk}/")

    page = unit.get(f"/reports/exports/{job.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and 'data-state="done"' in html and "已写 6 / 6 人" in html
    assert f"/reports/exports/{job.pk}/download/" in html and not page.has_header("Refresh")

    response = unit.get(f"/reports/exports/{job.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    content = b"".join(response.streaming_content)
    rows = sheet_rows(content)
    assert rows[2][:4] == ("工作单位", "姓名", "身份证号码", "职称系列")
    people = {r[1]: r for r in rows[3:] if r and r[0] == world.unit.name}
    assert sorted(people) == sorted(["张三", "王五", "赵六", "钱七", "孙八", "周九"])
    assert people["王五"][4:7] == (30, 60, 90) and people["王五"][11] == "达标"
    assert people["钱七"][4:7] == (12, 0, 12) and people["钱七"][9:12] == (18, 60, "未达标")
    assert people["张三"][2] == world.person.id_number_masked
    flat = repr(rows)
    for p in [world.person, *staff]:
        assert p.reveal_id_number() not in flat
    assert "共 6 人。" in flat

    actions = list(
        AuditEntry.objects.filter(target_type="reports.exportjob", target_id=str(job.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["report.export_queued", "report.export_started", "report.compliance_exported"]


def test_the_export_keeps_the_pages_filters(world, staff, django_capture_on_commit_callbacks):
    unit = client_for(world.unit_user)
    job = export(unit, django_capture_on_commit_callbacks, year=2026, short="1")
    names = sorted(r[1] for r in sheet_rows(job.file.read())[3:] if r and r[0] == world.unit.name)
    assert names == sorted(["张三", "钱七", "孙八", "周九"])
    job = export(unit, django_capture_on_commit_callbacks, year=2026, q="王")
    assert job.total == 1 and job.params["q"] == "王"

    authority = client_for(world.authority_user)
    job = export(authority, django_capture_on_commit_callbacks, year=2026, unit=world.sibling_unit.pk)
    assert job.state == "done" and job.total == 0
    with django_capture_on_commit_callbacks(execute=True):
        outside = authority.get("/reports/compliance.xlsx", {"unit": world.other_unit.pk})
    assert outside.status_code == 404
    assert not ExportJob.objects.filter(created_by=world.authority_user, params__unit_id=world.other_unit.pk)


def test_a_bureau_exports_its_region(world, staff, django_capture_on_commit_callbacks):
    job = export(client_for(world.bureau_user), django_capture_on_commit_callbacks, year=2026)
    units = {r[0] for r in sheet_rows(job.file.read())[3:] if r and r[0] and r[1]}
    assert {world.unit.name, world.other_unit.name} <= units
    assert job.total == 7  # the unit's six and 李四 at the other unit


def test_progress_is_written_while_rows_are_written(world, staff, monkeypatch):
    seen = []
    real = exports.write_compliance

    def spying(rows, year, scope, target, on_progress=None, every=500):
        def progress(done):
            on_progress(done)
            job = ExportJob.objects.get()
            seen.append((done, job.done, job.total, job.state))

        return real(rows, year, scope, target, on_progress=progress, every=every)

    monkeypatch.setattr(services, "write_compliance", spying)
    job = services.start_compliance_export(factories.actor(world.unit_user), ComplianceFilter(year=2026))
    assert job.state == ExportJob.State.QUEUED  # nothing ran: the test's transaction holds on_commit
    assert services.run_export(job.pk, progress_every=2) == ExportJob.State.DONE
    # every 2 rows, then once at the end; the row in the database follows, the total known first
    assert seen == [(2, 2, 6, "running"), (4, 4, 6, "running"), (6, 6, 6, "running"), (6, 6, 6, "running")]
    job.refresh_from_db()
    assert job.state == "done" and job.done == job.total == 6
    # run twice (a redelivered message): nothing happens
    assert services.run_export(job.pk) == "done"
    assert AuditEntry.objects.filter(action="report.compliance_exported").count() == 1


def test_only_the_creator_sees_or_downloads_the_job(world, staff, django_capture_on_commit_callbacks):
    job = export(client_for(world.unit_user), django_capture_on_commit_callbacks, year=2026)
    colleague = factories.staff(Role.UNIT, world.unit)
    urls = [f"/reports/exports/{job.pk}/", f"/reports/exports/{job.pk}/status/"]
    urls.append(f"/reports/exports/{job.pk}/download/")
    for user in (
        colleague,
        world.other_unit_user,
        world.authority_user,
        world.bureau_user,
        world.person.user,
    ):
        client = client_for(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user.username, url)
        assert f"#{job.pk}" not in client.get("/reports/exports/").content.decode()
    for url in urls:
        assert Client().get(url).status_code == 302  # to the login page
    assert client_for(world.unit_user).get(urls[2]).status_code == 200


def test_the_creator_in_another_role_does_not_see_it(world, django_capture_on_commit_callbacks):
    # the unit reviewer is also a registered person: acting as a person, the staff list is not theirs
    reviewer = world.unit_user
    RoleAssignment.objects.create(user=reviewer, role=Role.PERSON)
    client = client_for(reviewer)
    job = export(client, django_capture_on_commit_callbacks, year=2026)
    person_role = RoleAssignment.objects.get(user=reviewer, role=Role.PERSON)
    session = client.session
    session["active_role_id"] = person_role.pk
    session.save()
    assert client.get(f"/reports/exports/{job.pk}/").status_code == 404


def test_status_json_reports_progress_and_the_download(world, staff, django_capture_on_commit_callbacks):
    unit = client_for(world.unit_user)
    job = export(unit, django_capture_on_commit_callbacks, year=2026)
    body = unit.get(f"/reports/exports/{job.pk}/status/").json()
    assert body == {
        "id": job.pk,
        "state": "done",
        "done": 6,
        "total": 6,
        "percent": 100,
        "error": "",
        "download_url": f"/reports/exports/{job.pk}/download/",
    }
    listing = unit.get("/reports/exports/").content.decode()
    assert f"#{job.pk}" in listing and "已完成" in listing


def test_a_queued_job_page_refreshes_itself(world):
    job = services.start_compliance_export(factories.actor(world.unit_user), ComplianceFilter(year=2026))
    page = client_for(world.unit_user).get(f"/reports/exports/{job.pk}/")
    html = page.content.decode()
    assert page["Refresh"] == "2" and 'http-equiv="refresh"' in html and "排队中" in html
    assert "/download/" not in html
    assert client_for(world.unit_user).get(f"/reports/exports/{job.pk}/download/").status_code == 404


def test_a_failing_job_is_marked_failed_with_its_error(
    world, staff, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise OSError("磁盘空间不足")

    monkeypatch.setattr(services, "write_compliance", broken)
    unit = client_for(world.unit_user)
    job = export(unit, django_capture_on_commit_callbacks, year=2026)
    assert job.state == ExportJob.State.FAILED
    assert "磁盘空间不足" in job.error and "OSError" in job.error
    assert job.finished_at is not None and not job.file
    html = unit.get(f"/reports/exports/{job.pk}/").content.decode()
    assert 'data-testid="export-error"' in html and "磁盘空间不足" in html
    assert unit.get(f"/reports/exports/{job.pk}/download/").status_code == 404
    assert unit.get(f"/reports/exports/{job.pk}/status/").json()["state"] == "failed"
    entry = AuditEntry.objects.get(action="report.export_failed", target_id=str(job.pk))
    assert entry.actor == world.unit_user and "磁盘空间不足" in entry.after["error"]


def test_a_job_whose_creator_lost_the_role_fails_without_writing(world, staff):
    job = services.start_compliance_export(factories.actor(world.unit_user), ComplianceFilter(year=2026))
    RoleAssignment.objects.filter(user=world.unit_user, role=Role.UNIT).delete()
    assert services.run_export(job.pk) == ExportJob.State.FAILED
    job.refresh_from_db()
    assert "不再拥有" in job.error and not job.file and job.done == 0


def test_only_reviewers_and_bureaus_export(world):
    for user in (world.person.user, world.base_user):
        assert client_for(user).get("/reports/compliance.xlsx").status_code == 403
    assert not ExportJob.objects.exists()


def test_a_job_that_cannot_be_queued_says_so(world, monkeypatch, django_capture_on_commit_callbacks):
    from reports import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionError("redis://127.0.0.1:6379 refused")

    monkeypatch.setattr(tasks.run_export, "delay", broker_down)
    job = export(client_for(world.unit_user), django_capture_on_commit_callbacks, year=2026)
    assert job.state == ExportJob.State.FAILED and "无法提交后台任务" in job.error
    assert AuditEntry.objects.filter(action="report.export_failed", target_id=str(job.pk)).exists()


def test_a_job_whose_worker_died_is_restarted_by_a_redelivered_message(world, staff, clock):
    job = services.start_compliance_export(factories.actor(world.unit_user), ComplianceFilter(year=2026))
    # a worker took it, wrote 4 rows and died (acks_late: the broker will deliver the message again)
    ExportJob.objects.filter(pk=job.pk).update(
        state=ExportJob.State.RUNNING, started_at=clock.now, heartbeat_at=clock.now, done=4, total=6
    )
    clock.set(2026, 11, 16, 10, 5)
    assert services.run_export(job.pk) == ExportJob.State.RUNNING  # still alive as far as we know
    assert ExportJob.objects.get(pk=job.pk).done == 4
    clock.set(2026, 11, 16, 10, 11)
    assert services.run_export(job.pk) == ExportJob.State.DONE
    job.refresh_from_db()
    assert job.done == job.total == 6 and job.file
    started = AuditEntry.objects.get(action="report.export_started", target_id=str(job.pk))
    assert started.before == {"state": "running"}


def test_the_task_belongs_to_the_projects_celery_app():
    # not a shared task: another Celery app made current (a worker in a test, a thread's
    # default) must not take the request's jobs to its broker
    from core.celery import app
    from reports import tasks

    assert tasks.run_export.app is app and tasks.run_export.name == "reports.tasks.run_export"


def test_export_files_are_deleted_after_the_retention_period(
    world, staff, clock, settings, django_capture_on_commit_callbacks
):
    settings.CE_EXPORT_RETENTION_DAYS = 7
    unit = client_for(world.unit_user)
    old = export(unit, django_capture_on_commit_callbacks, year=2026)
    path = old.file.path
    clock.set(2026, 11, 20, 10, 0)
    unit = client_for(world.unit_user)  # sessions expire: log in again days later
    recent = export(unit, django_capture_on_commit_callbacks, year=2026)

    clock.set(2026, 11, 23, 9, 59)  # 6 days 23:59 after the first: both kept
    assert services.purge_expired_exports() == 0
    clock.set(2026, 11, 23, 10, 1)
    from reports import tasks

    assert tasks.purge_expired_exports.delay().get() == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.state == ExportJob.State.EXPIRED and not old.file
    assert not os.path.exists(path)
    assert recent.state == ExportJob.State.DONE and recent.file
    assert AuditEntry.objects.filter(action="report.export_expired", target_id=str(old.pk)).count() == 1

    unit = client_for(world.unit_user)
    response = unit.get(f"/reports/exports/{old.pk}/download/", follow=True)
    assert response.redirect_chain == [(f"/reports/exports/{old.pk}/", 302)]
    html = response.content.decode()
    assert "已超过保存期限，已被删除" in html and 'data-testid="export-expired"' in html
    other = client_for(world.sibling_unit_user)
    assert other.get(f"/reports/exports/{old.pk}/download/").status_code == 404
    assert services.purge_expired_exports() == 0  # a second run finds nothing more
