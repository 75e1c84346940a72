#!/usr/bin/env python
"""Attendance import at scale, and the refusal of hostile sheets.

1. Builds a database with 100,000 registered people (--rows) and an accepted plan whose class
   takes attendance, and writes their attendance sheet (身份证号码, 姓名, 学时) as `.xlsx`.
2. Baseline: openpyxl in read-only mode reads the same file, every row, importing nothing.
3. Import: the platform's attendance import of that file (the job, eager as in the embedded
   default: read outside any transaction, then one transaction crediting everyone).
   Each of 2 and 3 runs in a fresh process: the figure is that process's peak RSS.
4. Hostile files: the time until each is refused.

    .venv/bin/python bench/imports.py                   # SQLite in a temporary folder
    .venv/bin/python bench/imports.py --rows 20000      # a quick look
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/ce_imports .venv/bin/python bench/imports.py

A database given by BENCH_DATABASE_URL is migrated and emptied (flush) first.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_ENV = {
    "SECRET_KEY": "bench-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
    "FIELD_ENCRYPTION_KEY": "cnaHvllMvY0YnZ_NGJNVRiAe3dfTE6S6DricnZFGKCI=",
    "ID_LOOKUP_KEY": "bench-id-lookup-key",
    "DEBUG": "0",
    "CE_DEMO": "0",
    "LOG_LEVEL": "WARNING",
    "DJANGO_SETTINGS_MODULE": "config.settings",
}
MEMORY_LIMIT_MB = 500
REFUSAL_LIMIT_S = 2.0


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def django_setup() -> None:
    import django

    django.setup()


def id_number(i: int) -> str:
    from core import idnumber

    birth = (dt.date(1960, 1, 1) + dt.timedelta(days=i % 15000)).strftime("%Y%m%d")
    # 411221 (渑池县): apart from the test factories' 411202, which the world's people use
    return idnumber.complete(f"411221{birth}{i // 15000 % 1000:03d}")


def person_name(i: int) -> str:
    surnames, given = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗", "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞"
    return surnames[i % 20] + given[i // 20 % 20] + given[i // 400 % 20]


# ---------------------------------------------------------------------------------------------
# phases (each in its own process)


def phase_setup(rows: int, work: Path) -> dict:
    from django.core.management import call_command
    from django.db import transaction
    from openpyxl import Workbook

    from accounts.models import Person, User
    from core import crypto, idnumber
    from organisations.models import Organisation
    from organisations.services import OrganisationInput, upsert_organisation
    from policy.models import Profession
    from policy.selectors import today
    from provisioning.reference import load_reference_data
    from tests import factories

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    load_reference_data()
    world = factories.World.build()
    upsert_organisation(
        factories.SYSTEM,
        organisation=OrganisationInput(
            kind=Organisation.Kind.BASE, name=world.base.name, supervisor_id=world.authority.pk
        ),
    )
    day = today()
    plan = factories.accepted_plan(
        world,
        world.base_user,
        year=day.year,
        items=[factories.plan_item_data(starts_on=day, hours=16, category="public")],
    )
    item = plan.items.get()
    started = time.monotonic()
    profession = Profession.objects.get(code="engineering")
    with transaction.atomic():
        for start in range(0, rows, 5000):
            chunk = range(start, min(rows, start + 5000))
            users = User.objects.bulk_create(
                [User(username=f"bench-{i}", password="!") for i in chunk], batch_size=1000
            )
            people = []
            for i, user in zip(chunk, users, strict=True):
                number = id_number(i)
                people.append(
                    Person(
                        user=user,
                        name=person_name(i),
                        id_number_encrypted=crypto.encrypt(number),
                        id_number_hash=crypto.lookup_hash(number),
                        id_number_masked=idnumber.mask(number),
                        phone="13900000000",
                        profession=profession,
                    )
                )
            Person.objects.bulk_create(people, batch_size=1000)
    people_s = time.monotonic() - started
    path = work / "attendance.xlsx"
    book = Workbook(write_only=True)
    sheet = book.create_sheet("到课名单")
    sheet.append(["身份证号码", "姓名", "学时"])
    for i in range(rows):
        sheet.append([id_number(i), person_name(i), 16 if i % 3 else 12.5])
    book.save(path)
    return {
        "item_id": item.pk,
        "base_user_id": world.base_user.pk,
        "path": str(path),
        "people_s": people_s,
        "file_mb": path.stat().st_size / 1024 / 1024,
    }


def phase_baseline(path: str) -> dict:
    from openpyxl import load_workbook

    started = time.monotonic()
    book = load_workbook(path, read_only=True, data_only=True)
    count = sum(1 for _row in book.worksheets[0].iter_rows(values_only=True))
    book.close()
    return {"seconds": time.monotonic() - started, "rows": count, "rss_mb": peak_rss_mb()}


def phase_import(info: dict) -> dict:
    from django.core.files import File

    from accounts.models import User
    from filings import services
    from filings.models import ImportJob
    from tests.factories import actor

    base = actor(User.objects.get(pk=info["base_user_id"]))
    before = peak_rss_mb()
    started = time.monotonic()
    with open(info["path"], "rb") as handle:
        job = services.start_import(
            base, kind=ImportJob.Kind.ATTENDANCE, target_id=info["item_id"], upload=File(handle, "名单.xlsx")
        )
    seconds = time.monotonic() - started
    # The job's own clock: the heartbeat last moved when the write began.
    reading = (job.heartbeat_at - job.started_at).total_seconds()
    writing = (job.finished_at - job.heartbeat_at).total_seconds()
    return {
        "seconds": seconds,
        "reading_s": reading,
        "writing_s": writing,
        "state": job.state,
        "result": job.result,
        "error": job.error,
        "rss_before_mb": before,
        "rss_mb": peak_rss_mb(),
    }


def phase_hostile(info: dict) -> list[dict]:
    from accounts.models import User
    from core.errors import DomainError
    from filings import services
    from filings.models import ImportJob
    from tests.factories import actor
    from tests.filings import xlsx

    base = actor(User.objects.get(pk=info["base_user_id"]))
    cases = [
        ("2,000 × 16,384 cells, true dimension", lambda: xlsx.wide(2000, 16384)),
        ("2,000 × 16,384 cells, dimension A1:C3", lambda: xlsx.wide(2000, 16384, "A1:C3")),
        ("30 × 16,384 cells (under the size limit), dimension A1:C3", lambda: xlsx.wide(30, 16384, "A1:C3")),
        ("40 × 16,384 empty cells, no dimension", lambda: xlsx.wide(40, 16384, None, None)),
        ("250,000 rows, no dimension", lambda: xlsx.wide(250_000, 3, None)),
        ("zip bomb: 1,000 MB of shared strings", lambda: xlsx.bomb(1000)),
    ]
    out = []
    for label, build in cases:
        upload = build()
        size = len(upload.getvalue())
        started = time.monotonic()
        try:
            job = services.start_import(
                base, kind=ImportJob.Kind.ATTENDANCE, target_id=info["item_id"], upload=upload
            )
            message = job.error if job.state == ImportJob.State.FAILED else f"NOT REFUSED ({job.state})"
        except DomainError as exc:
            message = exc.detail
        out.append(
            {"case": label, "kb": size / 1024, "seconds": time.monotonic() - started, "message": message}
        )
    return out


# ---------------------------------------------------------------------------------------------


def run_phase(name: str, env: dict, payload: dict) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, "--phase", name, "--payload", json.dumps(payload)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"phase {name} failed")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--phase")
    parser.add_argument("--payload", default="{}")
    args = parser.parse_args()
    if args.phase:
        django_setup()
        payload = json.loads(args.payload)
        result = {
            "setup": lambda: phase_setup(payload["rows"], Path(payload["work"])),
            "baseline": lambda: phase_baseline(payload["path"]),
            "import": lambda: phase_import(payload),
            "hostile": lambda: phase_hostile(payload),
        }[args.phase]()
        print(json.dumps(result, ensure_ascii=False))
        return

    work = Path(tempfile.mkdtemp(prefix="ce-bench-imports-"))
    env = {**os.environ, **BENCH_ENV, "PRIVATE_STORAGE_ROOT": str(work / "private")}
    env["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{work / 'bench.sqlite3'}"
    vendor = "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "SQLite"
    print(f"Attendance import benchmark · {args.rows:,} rows · {vendor} · {os.cpu_count()} cores")
    info = run_phase("setup", env, {"rows": args.rows, "work": str(work)})
    print(
        f"  setup: {args.rows:,} people registered in {info['people_s']:.1f} s; "
        f"sheet {info['file_mb']:.1f} MB"
    )
    base = run_phase("baseline", env, info)
    imp = run_phase("import", env, info)
    if imp["state"] != "done":
        raise SystemExit(f"import did not finish: {imp['state']} {imp['error']}")
    print(
        f"  baseline (openpyxl read-only, read every row): {base['seconds']:6.2f} s   "
        f"peak RSS {base['rss_mb']:6.1f} MB   rows {base['rows']:,}"
    )
    print(
        f"  import (read, check, credit, audit)          : {imp['seconds']:6.2f} s   "
        f"peak RSS {imp['rss_mb']:6.1f} MB   (process after start-up: {imp['rss_before_mb']:.1f} MB)"
    )
    print(
        f"    of which reading and checking the sheet (no transaction) {imp['reading_s']:.2f} s, "
        f"the one write transaction {imp['writing_s']:.2f} s"
    )
    print(
        f"  ratio import / baseline: time {imp['seconds'] / base['seconds']:.1f}×, "
        f"peak RSS {imp['rss_mb'] / base['rss_mb']:.1f}×   · result {imp['result']}"
    )
    memory_ok = imp["rss_mb"] < MEMORY_LIMIT_MB
    print(f"  peak RSS under {MEMORY_LIMIT_MB} MB: {'yes' if memory_ok else 'NO'}")
    print("  hostile files (time to refusal):")
    refusals = run_phase("hostile", env, info)
    slow = False
    for case in refusals:
        slow |= case["seconds"] >= REFUSAL_LIMIT_S or case["message"].startswith("NOT REFUSED")
        print(
            f"    {case['seconds']:6.3f} s  {case['kb']:8.0f} KB  {case['case']}\n"
            f"             → {case['message']}"
        )
    print(f"  every hostile file refused in under {REFUSAL_LIMIT_S:.0f} s: {'no' if slow else 'yes'}")
    if not memory_ok or slow:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
