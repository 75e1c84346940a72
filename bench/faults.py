"""Fault checks against real gunicorn processes on PostgreSQL (README, "Faults").

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ce_x .venv/bin/python bench/faults.py

1. The database drops every connection of the web processes (what a PostgreSQL restart or a
   fail-over does to them), several times while clients read pages and register people. The
   web processes must recover by themselves (CONN_HEALTH_CHECKS): no error after the moment of
   each drop, and no half-written registration (a person exists exactly for each 201).
   Only connections whose application_name is this check's are dropped, so other users of the
   same PostgreSQL server are not disturbed.
2. Redis is down (REDIS_URL points at a closed port): pages, the token endpoint, the person's
   API and a platform push still answer 200, about as fast as with the cache.

The database is prepared as `make run` prepares it (migrations, reference and demo data).
Exits non-zero if a check fails. Loops are bounded in count and time; traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_NAME = "ce-fault-check"
PAGES = ("/", "/accounts/login/", "/bases/", "/notices/", "/api/v1/docs", "/api/v1/health")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(url: str, method: str = "GET", body: dict | None = None, token: str | None = None):
    """(status, seconds, parsed JSON or None); a refused connection is status 0."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    started = time.monotonic()
    try:
        with urllib.request.urlopen(
            urllib.request.Request(url, data, headers, method=method), timeout=30
        ) as r:
            status, raw = r.status, r.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    except OSError:
        status, raw = 0, b""
    elapsed = time.monotonic() - started
    try:
        return status, elapsed, json.loads(raw)
    except ValueError:
        return status, elapsed, None


class Server:
    """gunicorn with the production settings on a free port of 127.0.0.1."""

    def __init__(self, env: dict[str, str], workers: int = 2, threads: int = 2):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.NamedTemporaryFile(prefix="ce-faults-", suffix=".log", delete=False)  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                *(sys.executable, "-m", "gunicorn", "config.wsgi:application"),
                *("--bind", f"127.0.0.1:{self.port}", "--workers", str(workers), "--threads", str(threads)),
                *("--timeout", "30"),
            ],
            cwd=ROOT,
            env={**env, "PGAPPNAME": APP_NAME},
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while call(f"{self.url}/api/v1/health")[0] != 200:
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise RuntimeError(f"gunicorn did not start: {Path(self.log.name).read_text()[-2000:]}")
            time.sleep(0.3)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def drop_web_connections() -> int:
    """pg_terminate_backend for every connection of the web processes (not ours)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name = %s AND pid <> pg_backend_pid()",
            [APP_NAME],
        )
        return cursor.fetchone()[0]


def id_numbers(n: int) -> list[str]:
    from core import idnumber

    rng = random.Random()
    numbers = set()
    while len(numbers) < n:
        birth = f"19{rng.randint(60, 99)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        numbers.add(idnumber.complete(f"411202{birth}{rng.randint(0, 999):03d}"))
    return sorted(numbers)


def recovers_after_each_drop(url: str, drops: int = 5, after: int = 10) -> dict:
    """Warm connections in every worker thread, drop them, then `after` requests at once."""
    failed, dropped = 0, 0
    for _ in range(drops):
        for _ in range(8):
            call(f"{url}/api/v1/health")
        dropped += drop_web_connections()
        for _ in range(after):
            status, _t, body = call(f"{url}/api/v1/health")
            failed += status != 200 or (body or {}).get("database") != "ok"
    return {
        "drops": drops,
        "connections_dropped": dropped,
        "requests_after_drops": drops * after,
        "failed": failed,
    }


def under_load(url: str, unit_id: int, seconds: float = 20, clients: int = 4, drops: int = 3) -> dict:
    """Clients read pages and register people while the connections are dropped `drops` times."""
    numbers = id_numbers(2000)
    lock = threading.Lock()
    results: list[tuple[float, float, str, int]] = []
    registered: dict[str, int] = {}
    stop_at = time.monotonic() + seconds
    drop_times: list[tuple[float, float]] = []

    def client(k: int):
        i = 0
        while time.monotonic() < stop_at:
            i += 1
            started = time.monotonic()
            if i % 3 == 0:
                with lock:
                    if not numbers:
                        continue
                    number = numbers.pop()
                body = {
                    "name": "故障演练",
                    "id_number": number,
                    "phone": "13800000000",
                    "password": "Xuexi2025ok",
                    "unit_id": unit_id,
                    "profession": "engineering",
                }
                status, _t, _b = call(f"{url}/api/v1/register", "POST", body)
                with lock:
                    registered[number] = status
                kind = "register"
            else:
                status, _t, _b = call(f"{url}/" if i % 3 == 1 else f"{url}/api/v1/health")
                kind = "read"
            with lock:
                results.append((started, time.monotonic(), kind, status))

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for _ in range(drops):
        time.sleep(seconds / (drops + 1))
        before = time.monotonic()
        drop_web_connections()
        drop_times.append((before, time.monotonic()))
    for t in threads:
        t.join()

    def in_flight(started: float, ended: float) -> bool:  # running when a drop cut its connection
        return any(started <= done and ended >= begun for begun, done in drop_times)

    errors = [(a, b, kind) for a, b, kind, s in results if s == 0 or s >= 500]
    return {
        "seconds": seconds,
        "clients": clients,
        "drops": drops,
        "requests": len(results),
        "registrations": len(registered),
        "errors_in_requests_running_at_a_drop": sum(in_flight(a, b) for a, b, _k in errors),
        "of_which_registrations": sum(in_flight(a, b) and k == "register" for a, b, k in errors),
        "errors_in_requests_started_after_a_drop": sum(not in_flight(a, b) for a, b, _k in errors),
        "registered": registered,
    }


def no_half_writes(registered: dict[str, int]) -> dict:
    """Each registration is all there (user, person, membership, audit entry) or not at all,
    and all there when answered 201. One whose connection was cut after its commit (in an
    on-commit hook) is all there though answered 500; it is counted, not a half-write."""
    from accounts.models import Membership, Person
    from audit.models import AuditEntry
    from core import crypto

    partial, lost, committed_but_500 = [], [], 0
    for number, status in registered.items():
        person = Person.objects.filter(id_number_hash=crypto.lookup_hash(number)).first()
        complete = (
            person is not None
            and Membership.objects.filter(person=person).exists()
            and AuditEntry.objects.filter(target_type="accounts.person", target_id=str(person.pk)).exists()
        )
        if person is not None and not complete:
            partial.append(number[-4:])
        elif status == 201 and not complete:
            lost.append(number[-4:])
        elif status != 201 and complete:
            committed_but_500 += 1
    return {
        "checked": len(registered),
        "answered_201": sum(s == 201 for s in registered.values()),
        "partial": partial,
        "answered_201_but_missing": lost,
        "committed_but_answered_500": committed_but_500,
        "person_accounts_without_person": orphan_accounts(),
    }


def orphan_accounts() -> int:
    from accounts.models import User

    return User.objects.filter(role_assignments__role="person", person__isnull=True).count()


def redis_down(env: dict[str, str], credentials: dict) -> dict:
    """The same calls with Redis reachable and with REDIS_URL pointing at a closed port."""
    figures = {}
    person = credentials["person"]
    for label, redis_url in (
        ("redis_up", "redis://127.0.0.1:6379/13"),
        ("redis_down", f"redis://127.0.0.1:{free_port()}/0"),
    ):
        with Server({**env, "REDIS_URL": redis_url}) as server:
            statuses, times = {}, []
            for _ in range(5):
                for path in (
                    "/",
                    "/accounts/login/",
                    "/bases/",
                    "/notices/",
                    "/api/v1/docs",
                    "/api/v1/health",
                ):
                    status, elapsed, _b = call(server.url + path)
                    statuses[path] = status
                    times.append(elapsed)
                status, elapsed, body = call(
                    f"{server.url}/api/v1/auth/token",
                    "POST",
                    {"username": person[0], "password": person[1]},
                )
                statuses["POST auth/token"] = status
                times.append(elapsed)
                token = (body or {}).get("token")
                status, elapsed, _b = call(f"{server.url}/api/v1/me/progress", token=token)
                statuses["GET me/progress"] = status
                times.append(elapsed)
                status, elapsed, _b = call(
                    f"{server.url}/api/v1/platform/completions",
                    "POST",
                    {"items": []},
                    credentials["platform_token"],
                )
                statuses["POST platform/completions"] = status
                times.append(elapsed)
            figures[label] = {
                "statuses": statuses,
                "requests": len(times),
                "median_ms": round(statistics.median(times) * 1000, 1),
                "max_ms": round(max(times) * 1000, 1),
            }
    return figures


def prepare() -> tuple[dict[str, str], dict]:
    var = Path(os.environ.get("CE_VAR_DIR") or tempfile.mkdtemp(prefix="ce-faults-var-"))
    env = {
        **os.environ,
        "CE_VAR_DIR": str(var),
        "CE_DEMO": "1",
        "STATIC_ROOT": str(var / "staticfiles"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        # The check registers far more people from one address than the limit lets a person.
        "RATE_LIMIT_REGISTER": "",
        "RATE_LIMIT_TOKEN": "",
        "RATE_LIMIT_PLATFORM_PUSH": "",
    }
    env.pop("REDIS_URL", None)
    os.environ.update(env)
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("bench/faults.py needs DATABASE_URL=postgres://…")
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("load_reference_data", verbosity=0)
    call_command("load_demo_data", verbosity=0)
    from provisioning.demo import CREDENTIALS_FILE

    demo = json.loads(Path(CREDENTIALS_FILE).read_text())
    return env, demo


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    env, demo = prepare()
    with Server(env) as server:
        recovery = recovers_after_each_drop(server.url)
        load = under_load(server.url, demo["unit_id"], seconds=args.seconds)
    writes = no_half_writes(load.pop("registered"))
    cache = redis_down(env, demo)
    report = {"recovery": recovery, "under_load": load, "writes": writes, "redis": cache}
    print(json.dumps(report, ensure_ascii=False, indent=1))
    ok = (
        recovery["failed"] == 0
        and load["errors_in_requests_started_after_a_drop"] == 0
        and not writes["partial"]
        and not writes["answered_201_but_missing"]
        and writes["person_accounts_without_person"] == 0
        and all(s == 200 for s in cache["redis_down"]["statuses"].values())
    )
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
