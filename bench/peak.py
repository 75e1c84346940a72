#!/usr/bin/env python
"""The December peak, mixed: reads, declarations, reviews, pushes and the bureau's page at once.

Runs on a database built by bench/progress.py (run that first). Starts gunicorn with
--workers web processes (2 and 4 simulate the web tier on 2 and 4 cores) and loads it from
--clients processes × threads keeping --concurrency requests in flight, each picking its
next operation by weight:

    70 %  reads: me/progress (35) and me/hours (35) of a random person
    10 %  a declaration: create, upload its evidence (PDF), submit — three requests
    10 %  reviews: a unit reviewer approves (up to 3) from its queue (5), or the industry
          authority batch-approves (up to 50) what its units passed (5)
    10 %  a platform push of --push-size new completions
     2    the bureau's home page (web, session login; the statistics page when there is one)

Each client thread owns one unit's review queue (no two reviewers race for the same
declaration). A health phase first measures GET health alone at the same concurrency (the
stack's baseline). Prints every operation's count, errors, p50 / p99, the total throughput as a
ratio to health, and each web worker's RSS after the run.

    .venv/bin/python bench/peak.py --workers 2
    .venv/bin/python bench/peak.py --workers 4 --concurrency 32 --seconds 60

Environment: BENCH_DATABASE_URL as for bench/progress.py.
"""

from __future__ import annotations

import argparse
import collections
import json
import multiprocessing
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import progress  # noqa: E402
from progress import (  # noqa: E402
    DEFAULT_URL,
    HEALTH,
    TOKENS,
    bench_progress,
    log,
    push_items,
    start_server,
    stop_server,
    token_of,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
WEIGHTS = [
    ("progress", 35),
    ("hours", 35),
    ("declare", 10),
    ("review unit", 5),
    ("review batch", 5),
    ("push", 10),
    ("bureau page", 2),
]


def prepare(reviewers: int) -> dict:
    """Reviewer tokens for the first `reviewers` benchmark units and their authorities, and a
    web session of the benchmark's bureau account (created once, reused)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from accounts.models import User
    from accounts.services import create_staff_account, issue_token, role_for_token
    from core.actors import SYSTEM, Role
    from organisations.models import Organisation

    units = list(Organisation.objects.filter(name__startswith="基准测试单位").order_by("name")[:reviewers])

    def token(username: str, role: str, organisation: Organisation) -> str:
        user = User.objects.filter(username=username).first() or create_staff_account(
            SYSTEM,
            username=username,
            password="Bench2026pass",
            role=role,
            organisation_id=organisation.pk,
        )
        return issue_token(user, role=role_for_token(user, role=role, organisation_id=organisation.pk)).token

    unit_tokens = [token(f"bench-unit-{u.pk}", Role.UNIT, u) for u in units]
    authorities = {u.supervisor_id: u.supervisor for u in units}
    authority_tokens = [token(f"bench-authority-{pk}", Role.AUTHORITY, a) for pk, a in authorities.items()]
    bureau = User.objects.get(username="bench-bureau")
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(bureau.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = bureau.get_session_auth_hash()
    session.set_expiry(24 * 3600)
    session.save()
    return {
        "unit_tokens": unit_tokens,
        "authority_tokens": authority_tokens,
        "bureau_cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}",
        "units": len(units),
    }


def _peak_worker(args) -> dict:
    import http.client

    base, config, threads, first_thread, seconds, seed, push_size, people, counties = args
    progress.UNIT_COUNTIES[:] = counties
    target = urlparse(base)
    stop_at = time.time() + seconds
    names = [n for n, _w in WEIGHTS]
    weights = [w for _n, w in WEIGHTS]
    results: dict[str, list] = collections.defaultdict(list)
    errors: dict[str, int] = collections.defaultdict(int)
    samples: list[str] = []
    counts = collections.Counter()
    lock = threading.Lock()

    def run(t):
        rng = random.Random(seed * 1000 + t)
        owned = (first_thread + t) % config["units"]  # the unit whose queue this thread reviews
        unit_token = config["unit_tokens"][owned]
        authority_token = config["authority_tokens"][owned % len(config["authority_tokens"])]
        # people with a token who work in the owned unit (person i works in unit i % 200)
        declarers = list(range(owned, min(TOKENS, people), 200))
        connection = http.client.HTTPConnection(target.hostname, target.port or 80, timeout=120)
        mine: dict[str, list] = collections.defaultdict(list)

        def call(op, method, path, token=None, body=None, content_type=None, cookie=None):
            nonlocal connection
            headers = {}
            if token:
                headers["Authorization"] = f"Bearer {token}"
            if cookie:
                headers["Cookie"] = cookie
            if content_type:
                headers["Content-Type"] = content_type
            begin = time.perf_counter()
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                data = response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                connection.close()
                connection = http.client.HTTPConnection(target.hostname, target.port or 80, timeout=120)
                status, data = 0, repr(exc).encode()
            took = time.perf_counter() - begin
            if not 200 <= status < 300:
                with lock:
                    errors[op] += 1
                    if len(samples) < 10:
                        samples.append(
                            f"{op} {method} {path} → {status} {data[:200].decode(errors='replace')}"
                        )
                return None
            mine[op].append(took)
            return data

        def as_json(op, method, path, token, payload):
            data = call(op, method, path, token, json.dumps(payload).encode(), "application/json")
            return json.loads(data) if data is not None else None

        while time.time() < stop_at:
            op = rng.choices(names, weights)[0]
            person = token_of(rng.randrange(min(TOKENS, people)))
            if op == "progress":
                call(op, "GET", f"/api/v1/me/progress?year={2026 if rng.random() < 0.8 else 2025}", person)
            elif op == "hours":
                call(op, "GET", "/api/v1/me/hours?year=2026", person)
            elif op == "declare":
                who = token_of(rng.choice(declarers))
                day = f"2026-{rng.randrange(1, 12):02d}-{rng.randrange(1, 29):02d}"
                created = as_json(
                    "declare: create",
                    "POST",
                    "/api/v1/declarations",
                    who,
                    {
                        "category": "professional",
                        "method": "practice",
                        "title": "基准测试实践",
                        "organizer": "基准测试单位",
                        "hours": 2,
                        "started_on": day,
                        "ended_on": day,
                    },
                )
                if created is None:
                    continue
                boundary = f"bench{rng.randrange(10**9)}"
                body = (
                    (
                        f"--{boundary}\r\n"
                        'Content-Disposition: form-data; name="file"; filename="proof.pdf"\r\n'
                        f"Content-Type: application/pdf\r\n\r\n"
                    ).encode()
                    + PDF
                    + f"\r\n--{boundary}--\r\n".encode()
                )
                if (
                    call(
                        "declare: evidence",
                        "POST",
                        f"/api/v1/declarations/{created['id']}/evidence",
                        who,
                        body,
                        f"multipart/form-data; boundary={boundary}",
                    )
                    is None
                ):
                    continue
                call("declare: submit", "POST", f"/api/v1/declarations/{created['id']}/submit", who)
            elif op == "review unit":
                queue = call(op + ": queue", "GET", "/api/v1/reviews?state=pending&limit=3", unit_token)
                for row in json.loads(queue or b"[]")[:3]:
                    as_json(
                        op + ": approve",
                        "POST",
                        f"/api/v1/declarations/{row['id']}/review",
                        unit_token,
                        {"decision": "approve", "comment": "属实"},
                    )
            elif op == "review batch":
                queue = call(op + ": queue", "GET", "/api/v1/reviews?state=pending&limit=50", authority_token)
                ids = [row["id"] for row in json.loads(queue or b"[]")]
                if ids:
                    answer = as_json(
                        op + ": approve",
                        "POST",
                        "/api/v1/reviews/batch-approve",
                        authority_token,
                        {"ids": ids},
                    )
                    if answer:
                        with lock:
                            counts["batch approved"] += len(answer["approved"])
                            for failure in answer["failed"]:
                                counts[f"batch not approved: {failure['reason'][:40]}"] += 1
            elif op == "push":
                items = push_items(rng, people, f"peak-{seed}-{t}-{time.time_ns()}", counties, push_size)
                answer = as_json(
                    op, "POST", "/api/v1/platform/completions", config["platform_token"], {"items": items}
                )
                if answer:
                    with lock:
                        counts["push items"] += len(items)
                        counts["push accepted"] += len(answer["accepted"])
            elif op == "bureau page":
                call(op, "GET", "/dashboard/", cookie=config["bureau_cookie"])
        connection.close()
        with lock:
            for op, values in mine.items():
                results[op].extend(values)

    pool = [threading.Thread(target=run, args=(t,)) for t in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return {"results": dict(results), "errors": dict(errors), "samples": samples, "counts": dict(counts)}


def worker_rss_mb(server) -> list[float]:
    """Resident memory of each gunicorn worker (children of the master), from /proc."""
    out = []
    for child in Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split():
        for line in Path(f"/proc/{child}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                out.append(int(line.split()[1]) / 1024)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn web processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per web process")
    parser.add_argument("--concurrency", type=int, default=16, help="requests in flight")
    parser.add_argument("--clients", type=int, default=2, help="load-generating processes")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--push-size", type=int, default=200, help="items per push in the mix")
    parser.add_argument("--port", type=int, help="default: a free port")
    args = parser.parse_args()
    db_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    log(f"database {db_url} (built by bench/progress.py)")
    progress.manage(db_url, "migrate", "--noinput", "-v", "0")
    progress.setup_django(db_url)
    state = progress.saved_state()
    counties = state.get("unit_counties") or ["411202"]
    processes = max(1, min(args.clients, args.concurrency))
    threads = -(-args.concurrency // processes)
    config = prepare(processes * threads)
    config["platform_token"] = state["platform_tokens"]["2026"]
    from django.db import connection

    connection.close()
    os.environ["PRIVATE_STORAGE_ROOT"] = tempfile.mkdtemp(prefix="ce-peak-")
    args.port = args.port or progress.free_port()
    log(f"starting gunicorn: {args.workers} workers × {args.threads} threads on port {args.port}")
    server = start_server(db_url, args.port, args.workers, args.threads, collect_static=True)
    base = f"http://127.0.0.1:{args.port}"
    rss_started = worker_rss_mb(server)
    try:
        log(f"GET health alone at concurrency {processes * threads} for 10 s (the baseline) …")
        health = bench_progress(base, TOKENS, processes, threads, 10, [HEALTH])[0]
        log(f"the mix at concurrency {processes * threads} for {args.seconds:.0f} s …")
        jobs = [
            (base, config, threads, p * threads, args.seconds, p, args.push_size, state["people"], counties)
            for p in range(processes)
        ]
        started = time.perf_counter()
        with multiprocessing.get_context("spawn").Pool(processes) as pool:
            parts = pool.map(_peak_worker, jobs)
        elapsed = time.perf_counter() - started
        rss = worker_rss_mb(server)
    finally:
        stop_server(server)

    results: dict[str, list] = collections.defaultdict(list)
    errors: collections.Counter = collections.Counter()
    counts: collections.Counter = collections.Counter()
    samples = []
    for part in parts:
        for op, values in part["results"].items():
            results[op].extend(values)
        errors.update(part["errors"])
        counts.update(part["counts"])
        samples += part["samples"]
    total = sum(len(v) for v in results.values())
    print()
    print("=" * 78)
    print(
        f"bench/peak.py — {state['people']:,} people, gunicorn {args.workers} workers × {args.threads} "
        f"threads, concurrency {processes * threads}, {os.cpu_count()} CPU cores shared"
    )
    print(
        f"  GET health alone   {health['rps']:8,.0f} req/s · p50 {health['p50_ms']:6.1f} ms "
        f"· p99 {health['p99_ms']:6.1f} ms"
    )
    print(f"  {'operation (request)':<34}{'count':>8}{'errors':>8}{'p50 ms':>9}{'p99 ms':>9}")
    for op in sorted(set(results) | set(errors)):
        values = sorted(results.get(op, []))

        def pct(p, values=values):
            return values[min(len(values) - 1, int(p / 100 * len(values)))] * 1000 if values else float("nan")

        print(f"  {op:<34}{len(values):>8,}{errors.get(op, 0):>8}{pct(50):>9.1f}{pct(99):>9.1f}")
    print(
        f"  total              {total:,} requests in {elapsed:.1f} s = {total / elapsed:,.0f} req/s "
        f"= {total / elapsed / health['rps']:.2f} × health; errors {sum(errors.values())}"
    )
    for name, n in sorted(counts.items()):
        print(f"  {name:<34}{n:>8,}")
    print(
        "  web worker RSS after the run: "
        + ", ".join(f"{mb:.0f} MB" for mb in rss)
        + " (after start-up: "
        + ", ".join(f"{mb:.0f} MB" for mb in rss_started)
        + ")"
    )
    for sample in samples:
        print(f"  ! {sample}")
    print("=" * 78)
    if errors:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
