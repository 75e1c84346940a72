#!/usr/bin/env python
"""Province-scale benchmark of credit hours on PostgreSQL.

1. Builds (or reuses) a database of --people people (default 200,000) with --records hour
   records (default 2,000,000) and their platform completions, loaded with COPY; the yearly
   summaries are then computed from the records in one statement, so they agree with them.
2. Starts gunicorn on that database (or targets --url).
3. Measures learning-platform pushes (POST platform/completions, batches of 1,000, several
   platforms' senders at once): items per second, and again for a re-sent (duplicate) load.
4. Measures GET me/progress under concurrent load from several processes: p50 / p99 latency
   and requests per second.

    .venv/bin/python bench/progress.py                     # build ce_bench if needed, run
    .venv/bin/python bench/progress.py --rebuild           # drop and rebuild the data
    .venv/bin/python bench/progress.py --people 20000 --records 200000   # a quick look

Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/ce_bench).
The database is dropped and created only with --rebuild or when it does not exist.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import multiprocessing
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/ce_bench"
BENCH_ENV = {
    "SECRET_KEY": "bench-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
    "FIELD_ENCRYPTION_KEY": "cnaHvllMvY0YnZ_NGJNVRiAe3dfTE6S6DricnZFGKCI=",
    "ID_LOOKUP_KEY": "bench-id-lookup-key",
    "DEBUG": "0",
    "CE_DEMO": "0",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "LOG_LEVEL": "WARNING",
    "DB_CONN_MAX_AGE": "600",
    "DJANGO_SETTINGS_MODULE": "config.settings",
    # Every city and county of Henan in the reference data: people spread over the province.
    "CE_PROVINCE": "henan",
    # One platform credential stands in for every platform of the province, so its own limit
    # (120 pushes a minute in production) would cap the mix, not the stack being measured.
    "RATE_LIMIT_PLATFORM_PUSH": "100000/m",
}
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
)
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国玉兰志强红梅海燕晓东建华"
TOKENS = 5000  # people who get an API token for the progress load


_STARTED = time.monotonic()


def log(message: str) -> None:
    print(f"[{time.monotonic() - _STARTED:6.1f} s] {message}", flush=True)


# ---------------------------------------------------------------------------------------------
# identity of the i-th synthetic person (recomputable by any process)


# The county (GB/T 2260 code) of each benchmark unit, in unit order: person i works in unit
# i % len(UNIT_COUNTIES) and their ID number begins with that unit's county code. Set from the
# saved benchmark state (main) and handed to the load processes.
UNIT_COUNTIES: list[str] = []


def id_number(i: int, counties: list[str] | None = None) -> str:
    from core import idnumber

    counties = counties or UNIT_COUNTIES
    birth = (dt.date(1960, 1, 1) + dt.timedelta(days=i % 15000)).strftime("%Y%m%d")
    return idnumber.complete(f"{counties[i % len(counties)]}{birth}{i // 15000 % 1000:03d}")


def person_name(i: int) -> str:
    return SURNAMES[i % len(SURNAMES)] + GIVEN[(i // 7) % len(GIVEN)] + GIVEN[(i // 131) % len(GIVEN)]


def token_of(i: int) -> str:
    return f"bench-person-token-{i:07d}"


# ---------------------------------------------------------------------------------------------
# database


def _admin_dsn(url: str) -> tuple[str, str]:
    parsed = urlparse(url)
    return parsed._replace(path="/postgres").geturl(), parsed.path.lstrip("/")


def ensure_database(url: str, rebuild: bool) -> bool:
    """Create the database if needed; returns True when it must be (re)loaded."""
    import psycopg

    admin, name = _admin_dsn(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and not rebuild:
            return False
        if exists:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [name],
            )
            conn.execute(f'DROP DATABASE "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return True


def manage(url: str, *args: str) -> None:
    env = {**os.environ, **BENCH_ENV, "DATABASE_URL": url}
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def setup_django(url: str) -> None:
    os.environ.update(BENCH_ENV)
    os.environ["DATABASE_URL"] = url
    import django

    django.setup()


def _setval(cursor, table: str) -> None:
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))"
    )


# The tables the load fills: their secondary indexes and unique constraints are dropped before
# it and built once after it (sorting once beats maintaining a B-tree row by row); primary keys
# stay (ids arrive in order, so they only ever append).
BULK_TABLES = (
    "accounts_user",
    "accounts_roleassignment",
    "accounts_person",
    "accounts_membership",
    "credits_platformcompletion",
    "credits_hourrecord",
    "credits_yearsummary",
)
CHUNK = 5_000_000  # hour records per statement (each logged with its time)
# Settings of the build's sessions: the rows are consistent by construction, so the deferred
# foreign-key triggers (one queued event per row) are skipped; sorts and hashes stay in memory;
# grouping hashes (a sort on text keys under the database's collation costs three times more).
BUILD_SETTINGS = (
    "session_replication_role = replica",
    "synchronous_commit = off",
    "maintenance_work_mem = '1GB'",
    "work_mem = '256MB'",
    "max_parallel_maintenance_workers = 2",
    "enable_sort = off",
)


class Phases:
    """Wall-clock time of each build phase, logged as it ends and kept in the saved state."""

    def __init__(self):
        self.times: dict[str, float] = {}
        self._last = time.monotonic()

    def done(self, name: str) -> None:
        now = time.monotonic()
        self.times[name] = self.times.get(name, 0.0) + now - self._last
        self._last = now
        log(f"  {name}: {self.times[name]:.1f} s")


def _in_parallel(*jobs) -> None:
    """Run each job (a function of a cursor) on its own connection with BUILD_SETTINGS, all at
    once: PostgreSQL runs one statement on one core, and the big tables load independently."""
    import psycopg

    failures = []

    def run(job):
        try:
            with psycopg.connect(
                os.environ["DATABASE_URL"], autocommit=True, cursor_factory=psycopg.ClientCursor
            ) as conn:
                for setting in BUILD_SETTINGS:
                    conn.execute(f"SET {setting}")
                job(conn.cursor())
        except Exception as error:  # re-raised below, in the caller's thread
            failures.append(error)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]


def _run_all(statements: list[str]):
    def job(cursor):
        for statement in statements:
            cursor.execute(statement)

    return job


def _drop_indexes(cursor) -> dict[str, list[str]]:
    """Drop the secondary indexes and unique constraints of BULK_TABLES; returns, per table,
    the statements that recreate them."""
    recreate, drop = {}, []
    for table in BULK_TABLES:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'u'",
            [table],
        )
        for name, definition in cursor.fetchall():
            drop.append(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            recreate.setdefault(table, []).append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = %s::regclass AND NOT indisprimary "
            "AND indexrelid NOT IN (SELECT conindid FROM pg_constraint WHERE conindid <> 0)",
            [table],
        )
        for name, definition in cursor.fetchall():
            drop.append(f"DROP INDEX {name}")
            recreate.setdefault(table, []).append(definition)
    for statement in drop:
        cursor.execute(statement)
    return recreate


def _digit_sum(digits: str, first: int) -> int:
    """The check-digit weighted sum of `digits` placed at position `first` of an ID number."""
    from core.idnumber import _WEIGHTS

    return sum(int(d) * w for d, w in zip(digits, _WEIGHTS[first:], strict=False))


def _copy_rows(raw, table: str, columns: str, rows) -> None:
    with raw.cursor() as cur, cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _load_people(cursor, people: int, user0: int, units: list[int], professions: tuple, now) -> None:
    """Users, role assignments, people and memberships made inside PostgreSQL from
    generate_series. A person's ID number is the concatenation of three parts (county of the
    unit, birth date, sequence) whose check-digit sums add, so each part is a small table made
    here with the same rules as id_number(); the name and its pinyin key come from a table of
    every name person_name() can give; the ID number is encrypted with the installation's
    Fernet key by pgcrypto (the same token format crypto.decrypt reads)."""
    import base64

    from django.conf import settings

    from core import names
    from core.idnumber import _CHECK_CODES

    started = time.monotonic()
    raw = cursor.connection
    cursor.execute("CREATE EXTENSION IF NOT EXISTS pgcrypto")
    cursor.execute("CREATE TEMP TABLE bench_unit (k int PRIMARY KEY, unit_id bigint, code text, w int)")
    cursor.execute("CREATE TEMP TABLE bench_birth (k int PRIMARY KEY, s text, w int)")
    cursor.execute("CREATE TEMP TABLE bench_seq (k int PRIMARY KEY, s text, w int)")
    cursor.execute("CREATE TEMP TABLE bench_name (k int PRIMARY KEY, name text, sort_key text)")
    _copy_rows(
        raw,
        "bench_unit",
        "k, unit_id, code, w",
        ((k, unit, UNIT_COUNTIES[k], _digit_sum(UNIT_COUNTIES[k], 0)) for k, unit in enumerate(units)),
    )
    births = ((dt.date(1960, 1, 1) + dt.timedelta(days=k)).strftime("%Y%m%d") for k in range(15000))
    _copy_rows(raw, "bench_birth", "k, s, w", ((k, s, _digit_sum(s, 6)) for k, s in enumerate(births)))
    seqs = (f"{k:03d}" for k in range(1000))
    _copy_rows(raw, "bench_seq", "k, s, w", ((k, s, _digit_sum(s, 14)) for k, s in enumerate(seqs)))
    g = len(GIVEN)
    _copy_rows(
        raw,
        "bench_name",
        "k, name, sort_key",
        (
            (a * g * g + b * g + c, name, names.sort_key(name))
            for a in range(len(SURNAMES))
            for b in range(g)
            for c in range(g)
            for name in [SURNAMES[a] + GIVEN[b] + GIVEN[c]]
        ),
    )
    # person_name(i) = SURNAMES[i % S] + GIVEN[(i // 7) % G] + GIVEN[(i // 131) % G]
    cursor.execute(
        f"""
        CREATE TEMP TABLE bench_people AS
        SELECT i, u.unit_id, n.name, n.sort_key,
               u.code || b.s || q.s || substr(%(check)s, (u.w + b.w + q.w) %% 11 + 1, 1) AS number
        FROM generate_series(0, %(people)s - 1) i
        JOIN bench_unit u ON u.k = i %% {len(units)}
        JOIN bench_birth b ON b.k = i %% 15000
        JOIN bench_seq q ON q.k = i / 15000 %% 1000
        JOIN bench_name n ON n.k = (i %% {len(SURNAMES)}) * {g * g} + (i / 7 %% {g}) * {g} + i / 131 %% {g}
        """,
        {"check": _CHECK_CODES, "people": people},
    )
    cursor.execute(
        "INSERT INTO accounts_user (id, password, is_superuser, username, first_name, last_name, email, "
        "is_staff, is_active, date_joined, must_change_password) "
        "SELECT %s + i, '!', false, 'bench' || lpad(i::text, 7, '0'), name, '', '', false, true, %s, false "
        "FROM bench_people",
        [user0, now],
    )
    cursor.execute(
        "INSERT INTO accounts_roleassignment (user_id, role, created_at) "
        "SELECT %s + i, %s, %s FROM bench_people",
        [user0, "person", now],
    )
    key = base64.urlsafe_b64decode(settings.FIELD_ENCRYPTION_KEYS[0])
    signing, encryption = key[:16], key[16:]
    # Fernet: 0x80 ‖ timestamp ‖ IV ‖ AES-128-CBC(PKCS7) ‖ HMAC-SHA256 of all before, base64url.
    # The IV is an MD5 of a random salt and the row (gen_random_bytes per row costs 9 µs).
    cursor.execute(
        """
        INSERT INTO accounts_person (id, user_id, name, name_sort, id_number_encrypted, id_number_hash,
                                     id_number_masked, phone, profession_id, created_at)
        SELECT i + 1, %(user0)s + i, name, sort_key,
               translate(encode(body || hmac(body, %(signing)s, 'sha256'), 'base64'), E'+/\\n', '-_'),
               encode(hmac(convert_to(number, 'UTF8'), convert_to(%(lookup)s, 'UTF8'), 'sha256'), 'hex'),
               left(number, 3) || repeat('*', 11) || right(number, 4),
               '13900000000',
               CASE WHEN i %% 20 = 0 THEN %(accounting)s ELSE %(engineering)s END,
               %(now)s
        FROM (
            SELECT i, name, sort_key, number,
                   '\\x80'::bytea || int8send(%(stamp)s) || iv
                   || encrypt_iv(convert_to(number, 'UTF8'), %(encryption)s, iv, 'aes-cbc/pad:pkcs') AS body
            FROM (SELECT *, decode(md5(%(salt)s || i), 'hex') AS iv FROM bench_people) p
        ) f
        """,
        {
            "user0": user0,
            "signing": signing,
            "encryption": encryption,
            "lookup": settings.ID_LOOKUP_KEY,
            "accounting": professions[0],
            "engineering": professions[1],
            "now": now,
            "stamp": int(time.time()),
            "salt": os.urandom(8).hex(),
        },
    )
    cursor.execute(
        "INSERT INTO accounts_membership (person_id, unit_id, state, requested_at, reason) "
        "SELECT i + 1, unit_id, 'confirmed', %s, '' FROM bench_people",
        [now],
    )
    cursor.execute("DROP TABLE bench_people, bench_unit, bench_birth, bench_seq, bench_name")
    cursor.execute("DROP EXTENSION pgcrypto")
    log(f"    {people:,} people in {time.monotonic() - started:.0f} s")


# The i-th synthetic hour record n (0 ≤ n < records) in SQL: person, year, category, hours and
# day from a multiplicative hash of n, so the completion and the record of one n agree.
RECORD_COLUMNS = """
    n, (n * %(people)s) / %(records)s + 1 AS person, CASE WHEN n %% 2 = 1 THEN 2025 ELSE 2026 END AS year,
    CASE WHEN h %% 100 < 35 THEN 'public' ELSE 'professional' END AS category,
    (10 + h / 100 %% 70) / 10.0 AS hours,
    make_date(CASE WHEN n %% 2 = 1 THEN 2025 ELSE 2026 END, 1, 1) + (h / 7000 %% 300)::int AS day
"""


def _records_source(first: int, last: int) -> str:
    return (
        f"(SELECT {RECORD_COLUMNS} FROM (SELECT n, n * 2654435761 %% 4294967291 AS h "
        f"FROM generate_series({first}::bigint, {last - 1}::bigint) n) g) r"
    )


def _load_completions(cursor, people: int, records: int, platform_id: int, now) -> None:
    """The platform's completions: record n with n % 5 ≠ 0 is completion number n − n / 5."""
    started = time.monotonic()
    params = {"people": people, "records": records, "platform": platform_id, "now": now}
    for first in range(0, records, CHUNK):
        last = min(records, first + CHUNK)
        cursor.execute(
            f"""
            INSERT INTO credits_platformcompletion (id, platform_id, external_id, person_id, id_number_hash,
                   id_number_masked, name, course, category, hours, completed_on, year, state, hold_reason,
                   reason, received_at, updated_at)
            SELECT n - n / 5, %(platform)s, 'hist-' || n, person, '', '', '', '历史课程', category, hours,
                   day, year, 'credited', '', '', %(now)s, %(now)s
            FROM {_records_source(first, last)} WHERE n %% 5 <> 0
            """,
            params,
        )
        log(f"    completions of hour records {last:,} of {records:,} ({time.monotonic() - started:.0f} s)")


def _load_records(cursor, people: int, records: int, now) -> None:
    """Hour records of 2025 and 2026, 80 % from the platform (with the completion made by
    _load_completions), the others base attendance."""
    started = time.monotonic()
    params = {"people": people, "records": records, "now": now}
    for first in range(0, records, CHUNK):
        last = min(records, first + CHUNK)
        cursor.execute(
            f"""
            INSERT INTO credits_hourrecord (id, person_id, year, category, method, hours, source, state,
                   title, organizer, completed_on, reason, completion_id, created_at, updated_at)
            SELECT n + 1, person, year, category,
                   CASE WHEN n %% 5 = 0 THEN 'training' ELSE 'online' END, hours,
                   CASE WHEN n %% 5 = 0 THEN 'attendance' ELSE 'platform' END, 'credited', '历史学习', '',
                   day, '', CASE WHEN n %% 5 = 0 THEN NULL ELSE n - n / 5 END, %(now)s, %(now)s
            FROM {_records_source(first, last)}
            """,
            params,
        )
        log(f"    hour records {last:,} of {records:,} ({time.monotonic() - started:.0f} s)")


def _build_tallies(cursor) -> None:
    """The statistics' summary rows computed set-based, with the rules of supervision.tally
    (`recompute_statistics --check` agrees): members per unit and title series, the standing
    of each year's confirmed staff as the difference from having no hours, credited hours by
    source, method, category and month. (No review has been decided yet: no review rows.)"""
    from supervision import tally

    for table in ("supervision_membertally", "supervision_standingtally", "supervision_hourstally"):
        cursor.execute(f"DELETE FROM {table}")
    cursor.execute(
        "CREATE TEMP TABLE bench_req "
        "(year int, profession_id bigint, pub numeric, prof numeric, total numeric)"
    )
    cursor.execute("SELECT DISTINCT year FROM credits_yearsummary")
    for (year,) in cursor.fetchall():
        for profession, req in tally.requirements(year).items():
            cursor.execute(
                "INSERT INTO bench_req VALUES (%s, %s, %s, %s, %s)",
                [year, profession, req.public, req.professional, req.total],
            )
    cursor.execute(
        """
        INSERT INTO supervision_membertally (unit_id, profession_id, registered, confirmed)
        SELECT m.unit_id, p.profession_id, count(*), count(*) FILTER (WHERE m.state = 'confirmed')
        FROM accounts_membership m JOIN accounts_person p ON p.id = m.person_id
        WHERE m.state IN ('pending', 'confirmed') GROUP BY 1, 2
        """
    )
    cursor.execute(
        """
        INSERT INTO supervision_standingtally (year, unit_id, profession_id, compliant, short_public,
               short_professional, short_total, lack_public, lack_professional, lack_total,
               public_hours, professional_hours, pending_hours)
        SELECT year, unit_id, profession_id,
               COALESCE(SUM((NOT (pu < pub OR pr < prof OR pu + pr < total))::int
                            - (NOT (0 < pub OR 0 < prof OR 0 < total))::int), 0),
               COALESCE(SUM((pu < pub)::int - (0 < pub)::int), 0),
               COALESCE(SUM((pr < prof)::int - (0 < prof)::int), 0),
               COALESCE(SUM((pu + pr < total)::int - (0 < total)::int), 0),
               COALESCE(SUM(greatest(0, pub - pu) - greatest(0, pub)), 0),
               COALESCE(SUM(greatest(0, prof - pr) - greatest(0, prof)), 0),
               COALESCE(SUM(greatest(0, total - pu - pr) - greatest(0, total)), 0),
               SUM(pu), SUM(pr), SUM(pe)
        FROM (
            SELECT s.year, m.unit_id, p.profession_id, s.public_hours pu, s.professional_hours pr,
                   s.pending_hours pe, r.pub, r.prof, r.total
            FROM credits_yearsummary s
            JOIN accounts_membership m ON m.person_id = s.person_id AND m.state = 'confirmed'
            JOIN accounts_person p ON p.id = s.person_id
            LEFT JOIN bench_req r ON r.year = s.year AND r.profession_id = p.profession_id
        ) s
        GROUP BY 1, 2, 3
        """
    )
    cursor.execute(
        """
        INSERT INTO supervision_hourstally (year, unit_id, source, method, category, month, plan_id,
               records, hours)
        SELECT r.year, m.unit_id, r.source, r.method, r.category, EXTRACT(MONTH FROM r.completed_on),
               i.plan_id, count(*), SUM(r.hours)
        FROM credits_hourrecord r
        JOIN accounts_membership m ON m.person_id = r.person_id AND m.state = 'confirmed'
        LEFT JOIN filings_planitem i ON i.id = r.plan_item_id
        WHERE r.state = 'credited'
        GROUP BY 1, 2, 3, 4, 5, 6, 7
        """
    )
    cursor.execute("DROP TABLE bench_req")


def build(people: int, records: int) -> dict:
    """Load people, memberships, completions, records, summaries and the statistics' rows,
    generated inside PostgreSQL; prints and saves the time of each phase."""
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.services import create_staff_account
    from core import crypto, idnumber
    from core.actors import SYSTEM, Actor, Role
    from filings.models import FilingState, PlatformFiling
    from filings.services import accept_platform_filing
    from organisations.models import Organisation, Region
    from organisations.services import OrganisationInput, upsert_organisation
    from policy.models import Profession

    started = time.monotonic()
    phases = Phases()
    # Every county-level region of the reference data whose code an ID number may begin with;
    # each city gets the benchmark's industry authority, each county its units.
    counties = [
        r
        for r in Region.objects.filter(level=Region.Level.COUNTY).select_related("parent").order_by("code")
        if r.code in idnumber.region_codes() and r.parent is not None
    ]
    authorities = {}
    for city in sorted({c.parent for c in counties}, key=lambda c: c.code):
        authorities[city.pk], _ = upsert_organisation(
            SYSTEM,
            organisation=OrganisationInput(
                kind=Organisation.Kind.AUTHORITY, name=f"基准测试主管部门（{city.name}）", region_id=city.pk
            ),
        )
    unit_count = max(200, len(counties))
    Organisation.objects.bulk_create(
        [
            Organisation(
                kind=Organisation.Kind.UNIT,
                name=f"基准测试单位{u:04d}",
                region=counties[u % len(counties)],
                supervisor=authorities[counties[u % len(counties)].parent_id],
            )
            for u in range(unit_count)
        ],
        ignore_conflicts=True,
    )
    unit_rows = Organisation.objects.filter(name__startswith="基准测试单位").order_by("name")
    units = [u.pk for u in unit_rows]
    UNIT_COUNTIES[:] = [u.region.code for u in unit_rows.select_related("region")]
    log(f"{len(units)} units in {len(counties)} counties of {len(authorities)} cities")
    professions = (
        Profession.objects.get(code="accounting").pk,
        Profession.objects.get(code="engineering").pk,
    )
    base = Organisation.objects.get(kind=Organisation.Kind.BASE, name="三门峡市建筑业协会")
    bureau_org = Organisation.objects.get(kind=Organisation.Kind.BUREAU, name="三门峡市人力资源和社会保障局")
    bureau_user = create_staff_account(
        SYSTEM,
        username="bench-bureau",
        password="Bench2026pass",
        role=Role.BUREAU,
        organisation_id=bureau_org.pk,
    )

    log("an accepted learning platform for 2025 and 2026 …")
    tokens = {}
    for year in (2025, 2026):
        filing = PlatformFiling.objects.create(
            filer=base,
            year=year,
            state=FilingState.SUBMITTED,
            created_by=bureau_user,
            site_name="基准测试学习平台",
            host_org=base.name,
            icp_number="豫ICP备2026999999号",
            domain="bench.example.cn",
            url="https://bench.example.cn/",
            offers_public=True,
            offers_professional=True,
            manager_name="测试",
            manager_phone="03982850937",
            tech_org="测试",
        )
        with transaction.atomic():
            filing, token = accept_platform_filing(
                Actor(user=bureau_user, role=Role.BUREAU, organisation=bureau_org), filing_id=filing.pk
            )
        tokens[year] = token
    platform_id = filing.platform_id
    phases.done("organisations, staff and platform")

    now = timezone.now()
    cursor = connection.cursor()
    for setting in BUILD_SETTINGS:
        cursor.execute(f"SET {setting}")
    cursor.execute("SELECT COALESCE(MAX(id), 0) FROM accounts_user")
    user0 = cursor.fetchone()[0] + 1
    recreate = _drop_indexes(cursor)
    phases.done("drop secondary indexes")

    log(
        f"at once: {people:,} users, role assignments, people and memberships; "
        f"{records:,} hour records (80% from the platform) and their completions (INSERT … SELECT) …"
    )
    _in_parallel(
        lambda c: _load_people(c, people, user0, units, professions, now),
        lambda c: _load_completions(c, people, records, platform_id, now),
        lambda c: _load_records(c, people, records, now),
    )
    _copy_rows(
        connection.connection,
        "accounts_apitoken",
        "user_id, role, key_hash, created_at, expires_at",
        (
            (user0 + i, Role.PERSON, crypto.token_hash(token_of(i)), now, now + dt.timedelta(days=30))
            for i in range(min(TOKENS, people))
        ),
    )
    for table in ("accounts_user", "accounts_person", "credits_platformcompletion", "credits_hourrecord"):
        _setval(cursor, table)
    phases.done("people, hour records and completions")

    log("yearly summaries from the records (one INSERT … SELECT) …")
    cursor.execute(
        """
        INSERT INTO credits_yearsummary
               (person_id, year, public_hours, professional_hours, pending_hours, updated_at)
        SELECT person_id, year,
               COALESCE(SUM(hours) FILTER (WHERE state = 'credited' AND category = 'public'), 0),
               COALESCE(SUM(hours) FILTER (WHERE state = 'credited' AND category = 'professional'), 0),
               COALESCE(SUM(hours) FILTER (WHERE state = 'pending'), 0),
               now()
        FROM credits_hourrecord GROUP BY person_id, year
        """
    )
    phases.done("yearly summaries")

    log(f"recreating {sum(map(len, recreate.values()))} indexes and unique constraints …")
    records_table = recreate.pop("credits_hourrecord", [])
    _in_parallel(_run_all(records_table), _run_all([s for table in recreate.values() for s in table]))
    phases.done("indexes")

    log("statistics summary rows (set-based) …")
    _build_tallies(cursor)
    phases.done("statistics rows")

    log("VACUUM ANALYZE (visibility map and planner statistics) …")
    cursor.execute("RESET session_replication_role")
    _in_parallel(
        _run_all(["VACUUM (ANALYZE) credits_hourrecord"]),
        _run_all([f"VACUUM (ANALYZE) {table}" for table in BULK_TABLES if table != "credits_hourrecord"]),
    )
    cursor.execute("ANALYZE")
    cursor.execute("RESET ALL")
    phases.done("vacuum analyze")

    cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
    size = cursor.fetchone()[0]
    state = {
        "platform_tokens": tokens,
        "people": people,
        "records": records,
        "size": size,
        "unit_counties": UNIT_COUNTIES,
        "build_seconds": round(time.monotonic() - started),
        "build_phases": {k: round(v, 1) for k, v in phases.times.items()},
    }
    cursor.execute("CREATE TABLE IF NOT EXISTS bench_state (doc jsonb)")
    cursor.execute("DELETE FROM bench_state")
    cursor.execute("INSERT INTO bench_state VALUES (%s)", [json.dumps(state)])
    log(f"built in {state['build_seconds']} s; database size {size}")
    for name, seconds in state["build_phases"].items():
        log(f"  {name:<36}{seconds:8.1f} s")
    return state


def copy_rate(rows: int = 200_000) -> float:
    """Rows per second a COPY of hour-record rows reaches into a bare table (no index, no
    constraint) — what the database itself can take in, the yardstick of the push figures."""
    from django.db import connection

    connection.ensure_connection()
    now = dt.datetime.now(dt.UTC)
    with connection.connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE bench_copy (LIKE credits_hourrecord)")
        started = time.perf_counter()
        with cur.copy(
            "COPY bench_copy (id, person_id, year, category, method, hours, source, state, title, "
            "organizer, completed_on, reason, created_at, updated_at) FROM STDIN"
        ) as copy:
            for n in range(rows):
                copy.write_row(
                    (
                        n,
                        n % 1000 + 1,
                        2026,
                        "public",
                        "online",
                        1.5,
                        "platform",
                        "credited",
                        "基准测试课程",
                        "",
                        dt.date(2026, 11, 10),
                        "",
                        now,
                        now,
                    )
                )
        connection.connection.commit()
        elapsed = time.perf_counter() - started
        cur.execute("DROP TABLE bench_copy")
    connection.connection.commit()
    return rows / elapsed


def counts() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        result = {}
        for table in (
            "accounts_person",
            "credits_hourrecord",
            "credits_yearsummary",
            "credits_platformcompletion",
        ):
            cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [table])
            result[table] = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM accounts_person")
        result["accounts_person"] = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM credits_hourrecord")
        result["credits_hourrecord"] = cursor.fetchone()[0]
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        result["size"] = cursor.fetchone()[0]
    return result


def saved_state() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT doc FROM bench_state")
        row = cursor.fetchone()
    doc = row[0]
    return json.loads(doc) if isinstance(doc, str) else doc


# ---------------------------------------------------------------------------------------------
# the server


def free_port() -> int:
    """A port nobody listens on (other benchmarks may run on the same machine)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(
    url: str, port: int, workers: int, threads: int, collect_static: bool = False
) -> subprocess.Popen:
    """gunicorn on the benchmark database; `collect_static` for a load that renders pages."""
    env = {
        **os.environ,
        **BENCH_ENV,
        "DATABASE_URL": url,
        "STATIC_ROOT": tempfile.mkdtemp(prefix="ce-bench-"),
    }
    env.pop("REDIS_URL", None)
    if collect_static:
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--worker-class",
            "gthread",
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    import httpx

    for _ in range(120):
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    stop_server(process)
    raise SystemExit("gunicorn did not answer /api/v1/health")


def stop_server(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, signal.SIGKILL)


# ---------------------------------------------------------------------------------------------
# load generators (plain processes with httpx; they never touch Django's database)


def push_items(rng: random.Random, people: int, prefix: str, counties: list[str], n: int = 1000) -> list:
    """A batch of `n` new completions of random benchmark people (external ids prefix-k)."""
    items = []
    for k in range(n):
        i = rng.randrange(people)
        items.append(
            {
                "external_id": f"{prefix}-{k}",
                "id_number": id_number(i, counties),
                "name": person_name(i),
                "course": "基准测试课程",
                "category": "public" if k % 3 == 0 else "professional",
                "hours": 1.5,
                "completed_on": "2026-11-10",
            }
        )
    return items


_START_LINE = None  # the senders' barrier, set in each sender process by the pool initializer


def _sender_ready(barrier) -> None:
    global _START_LINE
    _START_LINE = barrier


def _push_worker(args) -> tuple[int, int, int, int, float, float]:
    """One sender: builds its batches (JSON bodies) first, waits for the other senders, then
    sends them one after another; returns the fates counted and its start and end (monotonic,
    comparable across processes), so the clock measures the server, not the item generator."""
    base, token, batches, people, seed, prefix, counties = args
    import httpx

    rng = random.Random(seed)
    bodies = [
        json.dumps({"items": push_items(rng, people, f"{prefix}-{b}", counties)}).encode() for b in batches
    ]
    accepted = duplicates = rejected = held = 0
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    with httpx.Client(base_url=base, timeout=120, headers=headers) as client:
        client.get(HEALTH).raise_for_status()  # the connection is open before the clock starts
        _START_LINE.wait()
        started = time.monotonic()
        for body in bodies:
            response = client.post("/api/v1/platform/completions", content=body)
            response.raise_for_status()
            answer = response.json()
            accepted += len(answer["accepted"])
            duplicates += len(answer["duplicates"])
            rejected += len(answer["rejected"])
            held += len(answer["held"])
        ended = time.monotonic()
    return accepted, duplicates, rejected, held, started, ended


def bench_pushes(base: str, token: str, people: int, batches: int, senders: int, prefix: str) -> dict:
    """`batches` pushes of 1,000 items from `senders` processes at once; the time runs from
    the moment every sender is ready to the last answer."""
    plan = [list(range(s, batches, senders)) for s in range(senders)]
    jobs = [(base, token, plan[s], people, s, prefix, UNIT_COUNTIES) for s in range(senders)]
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(senders)
    with context.Pool(senders, initializer=_sender_ready, initargs=(barrier,)) as pool:
        results = pool.map(_push_worker, jobs, chunksize=1)
    elapsed = max(r[5] for r in results) - min(r[4] for r in results)
    accepted = sum(r[0] for r in results)
    duplicates = sum(r[1] for r in results)
    rejected = sum(r[2] for r in results)
    held = sum(r[3] for r in results)
    items = batches * 1000
    return {
        "items": items,
        "accepted": accepted,
        "duplicates": duplicates,
        "rejected": rejected,
        "held": held,
        "seconds": elapsed,
        "items_per_s": items / elapsed,
    }


HEALTH = "/api/v1/health"
PROGRESS = None  # me/progress of a random person with a random year
SLICE_S = 0.5


def _progress_worker(args) -> list[list[float]]:
    """Threads of one load process; stdlib keep-alive connections (lighter than httpx, so more
    of the shared CPU goes to the server). The paths take turns in slices of SLICE_S seconds of
    a clock all load processes share, so that every path meets the same load of the shared
    machine (path None = me/progress of a random person). Returns each path's latencies and
    its error count as the list's last element."""
    import http.client

    base, threads, seconds, warmup, tokens, seed, paths, epoch = args
    target = urlparse(base)
    latencies: list[list[float]] = [[] for _ in paths]
    errors = [0] * len(paths)
    lock = threading.Lock()
    measure_from = epoch + warmup
    stop_at = measure_from + seconds

    def run(t):
        rng = random.Random(seed * 1000 + t)
        mine = [[] for _ in paths]
        connection = http.client.HTTPConnection(target.hostname, target.port or 80, timeout=30)
        while (now := time.time()) < stop_at:
            which = int((now - epoch) / SLICE_S) % len(paths)
            token = token_of(rng.randrange(tokens))
            year = 2026 if rng.random() < 0.8 else 2025
            target_path = paths[which] or f"/api/v1/me/progress?year={year}"
            begin = time.perf_counter()
            try:
                connection.request("GET", target_path, headers={"Authorization": f"Bearer {token}"})
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection(target.hostname, target.port or 80, timeout=30)
                status = 0
            took = time.perf_counter() - begin
            if status != 200:
                with lock:
                    errors[which] += 1
            elif now >= measure_from:
                mine[which].append(took)
        connection.close()
        with lock:
            for which, values in enumerate(mine):
                latencies[which].extend(values)

    pool = [threading.Thread(target=run, args=(t,)) for t in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return [[*values, -float(errors[which])] for which, values in enumerate(latencies)]


def bench_progress(
    base: str, tokens: int, processes: int, threads: int, seconds: float, paths: list[str | None]
) -> list[dict]:
    """Each path's figures under load from processes × threads clients, the paths taking
    turns (so each is measured for seconds / len(paths))."""
    warmup = 3.0
    epoch = time.time() + 2.0  # the load processes start within this
    jobs = [(base, threads, seconds, warmup, tokens, p, paths, epoch) for p in range(processes)]
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        results = pool.map(_progress_worker, jobs)
    out = []
    for which, path in enumerate(paths):
        errors = int(-sum(r[which][-1] for r in results))
        latencies = sorted(x for r in results for x in r[which][:-1])
        if not latencies:
            raise SystemExit(f"no successful {path or 'me/progress'} request")

        def pct(p, latencies=latencies):
            return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000

        measured = seconds / len(paths)
        out.append(
            {
                "requests": len(latencies),
                "errors": errors,
                "concurrency": processes * threads,
                "seconds": measured,
                "rps": len(latencies) / measured,
                "p50_ms": pct(50),
                "p90_ms": pct(90),
                "p99_ms": pct(99),
                "mean_ms": sum(latencies) / len(latencies) * 1000,
            }
        )
    return out


def check_progress_matches_records(base: str) -> str:
    """One person's me/progress equals the sum of their credited records."""
    import httpx
    from django.db import connection
    from django.db.models import Q, Sum

    from credits.models import HourRecord

    i = 17
    body = httpx.get(
        f"{base}/api/v1/me/progress",
        params={"year": 2026},
        headers={"Authorization": f"Bearer {token_of(i)}"},
    ).json()
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM accounts_person WHERE id_number_hash = %s", [_hash(id_number(i))])
        person_id = cursor.fetchone()[0]
    sums = HourRecord.objects.filter(person_id=person_id, year=2026, state="credited").aggregate(
        public=Sum("hours", filter=Q(category="public")),
        professional=Sum("hours", filter=Q(category="professional")),
    )
    public, professional = float(sums["public"] or 0), float(sums["professional"] or 0)
    ok = abs(body["public_hours"] - public) < 1e-6 and abs(body["professional_hours"] - professional) < 1e-6
    return f"person #{person_id} 2026: me/progress {body['public_hours']} + {body['professional_hours']} " + (
        "= sum of their credited records" if ok else f"!= records {public} + {professional}"
    )


def _hash(number: str) -> str:
    from core import crypto

    return crypto.lookup_hash(number)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--records", type=int, default=2_000_000)
    parser.add_argument("--rebuild", action="store_true", help="drop and rebuild the benchmark database")
    parser.add_argument("--build-only", action="store_true", help="build (or migrate) the database and stop")
    parser.add_argument("--url", help="target a running server instead of starting gunicorn")
    parser.add_argument("--port", type=int, help="default: a free port")
    parser.add_argument("--workers", type=int, default=max(2, (os.cpu_count() or 2)))
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--push-batches", type=int, default=60, help="batches of 1,000 items")
    parser.add_argument("--push-senders", type=int, default=4)
    parser.add_argument("--clients", type=int, default=2, help="load-generating processes")
    parser.add_argument(
        "--levels", default="1,8,32", help="me/progress concurrency levels (clients in flight at once)"
    )
    parser.add_argument(
        "--seconds", type=float, default=30, help="measured seconds per level (health and progress in turns)"
    )
    args = parser.parse_args()
    db_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)

    log(f"database {db_url}")
    fresh = ensure_database(db_url, args.rebuild)
    # Kept data is migrated too: the figures are those of the schema the code has now.
    log("migrate" + (" and load reference data …" if fresh else " …"))
    manage(db_url, "migrate", "--noinput", "-v", "0")
    if fresh:
        manage(db_url, "load_reference_data")
    setup_django(db_url)
    state = build(args.people, args.records) if fresh else saved_state()
    UNIT_COUNTIES[:] = state.get("unit_counties") or ["411202"]  # states saved before the spread
    sizes = counts()
    log(
        f"data: {sizes['accounts_person']:,} people, {sizes['credits_hourrecord']:,} hour records, "
        f"{sizes['credits_yearsummary']:,} yearly summaries, database {sizes['size']}"
    )
    if args.build_only:
        return
    log("COPY of 200,000 hour-record rows into a bare table (the database's intake yardstick) …")
    copy_rows_per_s = copy_rate()
    from django.db import connection

    connection.close()

    server = None
    base = args.url
    if not base:
        args.port = args.port or free_port()
        log(f"starting gunicorn: {args.workers} workers × {args.threads} threads on port {args.port}")
        server = start_server(db_url, args.port, args.workers, args.threads)
        base = f"http://127.0.0.1:{args.port}"
    try:
        people = state["people"]
        token = (
            state["platform_tokens"]["2026"]
            if "2026" in state["platform_tokens"]
            else state["platform_tokens"][2026]
        )
        run = hashlib.sha1(str(time.time()).encode()).hexdigest()[:8]
        log(f"platform pushes: {args.push_batches} batches × 1,000 items from {args.push_senders} senders …")
        push = bench_pushes(base, token, people, args.push_batches, args.push_senders, f"push-{run}")
        log("the same batches again (every item a duplicate) …")
        again = bench_pushes(base, token, people, args.push_batches, args.push_senders, f"push-{run}")
        progress = []
        for level in [int(x) for x in args.levels.split(",") if x.strip()]:
            processes = max(1, min(args.clients, level))
            threads = -(-level // processes)
            log(
                f"GET health and me/progress taking turns every {SLICE_S} s at concurrency "
                f"{processes * threads} ({processes} × {threads}) for {args.seconds:.0f} s …"
            )
            health, mine = bench_progress(
                base, min(TOKENS, people), processes, threads, args.seconds, [HEALTH, PROGRESS]
            )
            progress.append((health, mine))
        check = check_progress_matches_records(base)
    finally:
        if server:
            stop_server(server)

    cores = os.cpu_count()
    print()
    print("=" * 78)
    print(f"bench/progress.py — PostgreSQL, {cores} CPU cores shared by server, database and load generators")
    people_n, records_n = sizes["accounts_person"], sizes["credits_hourrecord"]
    print(f"  data            {people_n:>10,} people   {records_n:>10,} hour records")
    print(f"                  {sizes['credits_yearsummary']:>10,} yearly summaries, database {sizes['size']}")
    if not args.url:
        print(f"  server          gunicorn {args.workers} workers × {args.threads} threads (gthread)")
    print(f"  COPY baseline   {copy_rows_per_s:>10,.0f} rows/s into a bare table (same run)")
    for label, p in (("platform push", push), ("re-sent push", again)):
        print(
            f"  {label:<16}{p['items']:,} items in {p['seconds']:.1f} s = {p['items_per_s']:,.0f} items/s "
            f"= {p['items_per_s'] / copy_rows_per_s:.3f} × COPY "
            f"(accepted {p['accepted']:,}, held {p['held']:,}, duplicates {p['duplicates']:,}, "
            f"rejected {p['rejected']:,})"
        )
    for health, level in progress:
        for label, row in (("GET health", health), ("me/progress", level)):
            ratio = "" if row is health else f" = {row['rps'] / health['rps']:.2f} × health"
            print(
                f"  {label:<16}concurrency {row['concurrency']:>3}: "
                f"{row['rps']:>6,.0f} req/s{ratio} · p50 {row['p50_ms']:6.1f} ms "
                f"· p99 {row['p99_ms']:6.1f} ms "
                f"· {row['requests']:,} requests, errors {row['errors']}"
            )
    print(f"  consistency     {check}")
    print("=" * 78)


if __name__ == "__main__":
    main()
