#!/usr/bin/env python
"""Timings of the statistics pages and API on the benchmark database of bench/progress.py.

1. Builds (or reuses) the database with bench/progress.py's builder (--people, --records),
   migrates it and fills the statistics' summary rows with `recompute_statistics` (timed).
2. Starts gunicorn on it and pushes --push-batches batches of 1,000 platform items (the
   December peak: every credit writes its summary rows in its own transaction), so the pages
   also read rows not yet compacted; then times each page again after compaction.
3. Times, one request after another through the same server, GET health and each statistics
   page, its API endpoint and its .xlsx as the city bureau (the widest scope): --repeat
   requests each, median and slowest.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/ce_supervision_bench \\
        .venv/bin/python bench/statistics_pages.py                       # 200,000 people
    .venv/bin/python bench/statistics_pages.py --people 20000 --records 200000   # a quick look

The database is dropped and created only with --rebuild or when it does not exist.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import progress

KEYS = ["completion", "hours", "reviews", "filings", "plans", "sampling"]


def login(client, base: str, username: str, password: str) -> None:
    page = client.get(f"{base}/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = client.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/accounts/login/"},
    )
    if "sessionid" not in client.cookies:
        raise SystemExit(f"login failed ({answer.status_code})")


def api_token(client, base: str, username: str, password: str) -> str:
    answer = client.post(f"{base}/api/v1/auth/token", json={"username": username, "password": password})
    answer.raise_for_status()
    return answer.json()["token"]


def timed(client, url: str, repeat: int, **kwargs) -> dict:
    times, status, size = [], None, 0
    client.get(url, **kwargs)  # warm the worker's caches
    for _ in range(repeat):
        started = time.perf_counter()
        answer = client.get(url, **kwargs)
        times.append((time.perf_counter() - started) * 1000)
        status, size = answer.status_code, len(answer.content)
    ordered = sorted(times)  # (this file's name hides the stdlib's statistics module)
    middle = ordered[len(ordered) // 2] if len(ordered) % 2 else sum(ordered[len(ordered) // 2 - 1 :][:2]) / 2
    return {"median": middle, "max": ordered[-1], "status": status, "bytes": size}


def measure(base: str, repeat: int, year: int) -> list[tuple[str, dict]]:
    import httpx

    rows = []
    with httpx.Client(timeout=60) as web, httpx.Client(timeout=60) as api:
        login(web, base, "bench-bureau", "Bench2026pass")
        token = api_token(api, base, "bench-bureau", "Bench2026pass")
        bearer = {"Authorization": f"Bearer {token}"}
        rows.append(("GET /api/v1/health", timed(api, f"{base}/api/v1/health", repeat)))
        for key in KEYS:
            rows.append(
                (f"page /statistics/{key}/", timed(web, f"{base}/statistics/{key}/?year={year}", repeat))
            )
            rows.append(
                (
                    f"API  statistics/{key}",
                    timed(api, f"{base}/api/v1/statistics/{key}?year={year}", repeat, headers=bearer),
                )
            )
            rows.append(
                (
                    f"xlsx /statistics/{key}.xlsx",
                    timed(web, f"{base}/statistics/{key}.xlsx?year={year}", repeat),
                )
            )
        for by in ("authority", "unit", "profession"):
            rows.append(
                (
                    f"page completion?by={by}",
                    timed(web, f"{base}/statistics/completion/?year={year}&by={by}", repeat),
                )
            )
        rows.append(
            (
                "xlsx yearly report",
                timed(web, f"{base}/statistics/report.xlsx?year={year}", max(1, repeat // 2)),
            )
        )
    return rows


def start_server(url: str, port: int, workers: int, threads: int):
    """gunicorn as bench/progress.py starts it, with the static files collected (pages need
    their manifest; the progress bench only asks the API)."""
    import subprocess
    import tempfile

    import httpx

    static = tempfile.mkdtemp(prefix="ce-bench-static-")
    env = {**os.environ, **progress.BENCH_ENV, "DATABASE_URL": url, "STATIC_ROOT": static}
    env.pop("REDIS_URL", None)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=progress.ROOT,
        env=env,
        check=True,
    )
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi:application",
            *("--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads)),
            *("--worker-class", "gthread", "--keep-alive", "30", "--log-level", "warning"),
        ],
        cwd=progress.ROOT,
        env=env,
        start_new_session=True,
    )
    for _ in range(120):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    progress.stop_server(process)
    raise SystemExit("gunicorn did not answer /api/v1/health")


def table_sizes() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        out = {}
        for name in ("membertally", "standingtally", "hourstally", "reviewtally"):
            cursor.execute(f"SELECT count(*) FROM supervision_{name}")
            out[name] = cursor.fetchone()[0]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument(
        "--skip-recompute", action="store_true", help="keep the summary rows of an earlier run"
    )
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--push-batches", type=int, default=20, help="batches of 1,000 items before timing")
    parser.add_argument("--year", type=int, default=2026)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", progress.DEFAULT_URL)

    progress.log(f"database {url}")
    fresh = progress.ensure_database(url, args.rebuild)
    progress.manage(url, "migrate", "--noinput", "-v", "0")
    if fresh:
        progress.manage(url, "load_reference_data")
    progress.setup_django(url)
    state = progress.build(args.people, args.records) if fresh else progress.saved_state()
    progress.UNIT_COUNTIES[:] = state.get("unit_counties") or ["411202"]  # the pushes' ID numbers
    sizes = progress.counts()
    from supervision import tally

    recompute_s = None
    if not args.skip_recompute:
        progress.log("recompute_statistics (summary rows from the raw records) …")
        started = time.perf_counter()
        tally.recompute()
        recompute_s = time.perf_counter() - started
    after_recompute = table_sizes()
    from django.db import connection

    connection.close()

    progress.log(f"gunicorn {args.workers} workers × {args.threads} threads on port {args.port}")
    server = start_server(url, args.port, args.workers, args.threads)
    base = f"http://127.0.0.1:{args.port}"
    try:
        tokens = state["platform_tokens"]
        token = tokens.get(str(args.year)) or tokens.get(args.year)
        run = hex(int(time.time()))[2:]
        progress.log(
            f"{args.push_batches} push batches of 1,000 items (summary rows written with each credit) …"
        )
        push = progress.bench_pushes(base, token, state["people"], args.push_batches, 2, f"stat-{run}")
        uncompacted = table_sizes()
        agree_before = tally.disagreements()
        connection.close()
        progress.log("timing with uncompacted rows …")
        before = measure(base, args.repeat, args.year)
        progress.log("compacting …")
        started = time.perf_counter()
        tally.compact()
        compact_s = time.perf_counter() - started
        connection.close()
        compacted = table_sizes()
        progress.log("timing after compaction …")
        after = measure(base, args.repeat, args.year)
        agree = tally.disagreements()
        connection.close()
    finally:
        progress.stop_server(server)

    print()
    print("=" * 96)
    print(
        f"bench/statistics_pages.py — PostgreSQL, {os.cpu_count()} CPU cores "
        "shared by server, database and client"
    )
    print(
        f"  data          {sizes['accounts_person']:,} people, {sizes['credits_hourrecord']:,} hour records, "
        f"database {sizes['size']}"
    )
    took = f"{recompute_s:.1f} s" if recompute_s is not None else "skipped"
    print(f"  recompute     {took} → rows {after_recompute}")
    print(
        f"  pushes        {push['items']:,} items at {push['items_per_s']:,.0f} items/s "
        f"(accepted {push['accepted']:,}) → rows {uncompacted}"
    )
    print(f"  compaction    {compact_s:.2f} s → rows {compacted}")
    for label, found in (("before", agree_before), ("after", agree)):
        verdict = found or "summary rows = recomputed from the records"
        print(f"  agreement     {label} compaction: {verdict}")
    print(
        f"  server        gunicorn {args.workers} workers × {args.threads} threads, "
        f"one request at a time, {args.repeat} each"
    )
    print(f"  {'request':<34}{'uncompacted median / max':>28}{'compacted median / max':>28}  status")
    for (name, a), (_n, b) in zip(before, after, strict=True):
        print(
            f"  {name:<34}{a['median']:>15.1f} / {a['max']:>7.1f} ms"
            f"{b['median']:>15.1f} / {b['max']:>7.1f} ms  {b['status']}"
        )
    print("=" * 96)


if __name__ == "__main__":
    main()
