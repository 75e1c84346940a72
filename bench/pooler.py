"""GET health and GET me/progress measured with wrk, straight to PostgreSQL and through PgBouncer
in transaction pooling mode (scripts/pgbouncer.sh), on a database built by bench/progress.py.

Two gunicorn servers run side by side on the same data, one with DATABASE_URL on PostgreSQL's
port, one on PgBouncer's (DATABASE_POOLER=pgbouncer); each measurement runs on one and then
the other, so that the other processes on the machine weigh on both alike. With persistent
connections (DB_CONN_MAX_AGE=600, as the benchmark runs) and without (0: a connection per
request, where a pooler saves the most).

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/ce_bench_small \\
        .venv/bin/python bench/progress.py --people 20000 --records 200000    # build once
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/ce_bench_small \\
        .venv/bin/python bench/pooler.py --seconds 10

PgBouncer is started (idempotent) by scripts/pgbouncer.sh on --pooler-port and left running.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.progress import BENCH_ENV, DEFAULT_URL, TOKENS, token_of  # noqa: E402

WRK_SCRIPT = """
local tokens = {%(tokens)s}
local path = "%(path)s"
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end
function init(args)
  math.randomseed(os.time() * 100 + id)
end
function request()
  local headers = {}
  if path ~= "/api/v1/health" then
    headers["Authorization"] = "Bearer " .. tokens[math.random(#tokens)]
  end
  return wrk.format("GET", path, headers)
end
"""


def start_server(url: str, port: int, workers: int, threads: int, conn_max_age: int, pooled: bool):
    env = {
        **os.environ,
        **BENCH_ENV,
        "DATABASE_URL": url,
        "DB_CONN_MAX_AGE": str(conn_max_age),
        "DATABASE_POOLER": "pgbouncer" if pooled else "",
        "STATIC_ROOT": tempfile.mkdtemp(prefix="ce-bench-"),
    }
    env.pop("REDIS_URL", None)
    env.pop("DATABASE_REPLICA_URL", None)
    command = [
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
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    import httpx

    for _ in range(120):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    stop_server(process)
    raise SystemExit(f"gunicorn on port {port} did not answer /api/v1/health")


def stop_server(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, signal.SIGKILL)


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * _UNITS[unit]


def wrk(port: int, path: str, connections: int, seconds: int, scripts: dict[str, str]) -> dict:
    out = subprocess.run(
        [
            "wrk",
            "--threads",
            str(min(2, connections)),
            "--connections",
            str(connections),
            "--duration",
            f"{seconds}s",
            "--latency",
            "--script",
            scripts[path],
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": _ms(re.search(r"\s50%\s+(\S+)", out).group(1)),
        "p99": _ms(re.search(r"\s99%\s+(\S+)", out).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "errors": (int(bad.group(1)) if bad else 0) + (sum(map(int, sockets.groups())) if sockets else 0),
    }


def people_count(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute("SELECT count(*) FROM accounts_person").fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--port", type=int, default=8790, help="the direct server; the pooled one is on port + 1"
    )
    parser.add_argument("--pooler-port", type=int, default=6432)
    parser.add_argument("--pool-size", type=int, default=20, help="PgBouncer server connections per database")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--levels", default="8,32", help="wrk connections (requests in flight)")
    parser.add_argument("--conn-max-age", default="600,0", help="DB_CONN_MAX_AGE values to compare")
    parser.add_argument("--seconds", type=int, default=10, help="measured seconds per figure")
    args = parser.parse_args()
    direct_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    parsed = urlparse(direct_url)
    credentials = parsed.netloc.rpartition("@")[0]
    netloc = f"{credentials}@" if credentials else ""
    pooled_url = parsed._replace(netloc=f"{netloc}{parsed.hostname}:{args.pooler_port}").geturl()

    subprocess.run(
        ["bash", str(ROOT / "scripts" / "pgbouncer.sh"), "start"],
        env={**os.environ, "POOL_PORT": str(args.pooler_port), "POOL_SIZE": str(args.pool_size)},
        check=True,
    )
    people = people_count(direct_url)
    tokens = ", ".join(f'"{token_of(i)}"' for i in range(min(TOKENS, people)))
    scripts = {}
    for path in ("/api/v1/health", "/api/v1/me/progress"):
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
            handle.write(WRK_SCRIPT % {"tokens": tokens, "path": path})
        scripts[path] = handle.name
    levels = [int(x) for x in args.levels.split(",") if x.strip()]
    results = []
    try:
        for age in [int(x) for x in args.conn_max_age.split(",") if x.strip()]:
            servers = {
                "direct": (
                    args.port,
                    start_server(direct_url, args.port, args.workers, args.threads, age, False),
                ),
                "pgbouncer": (
                    args.port + 1,
                    start_server(pooled_url, args.port + 1, args.workers, args.threads, age, True),
                ),
            }
            try:
                for port, _process in servers.values():  # warm both: imports, connections, caches
                    for path in scripts:
                        wrk(port, path, max(levels), 3, scripts)
                for level in levels:
                    for path in scripts:
                        row = {"age": age, "level": level, "path": path}
                        for mode, (port, _process) in servers.items():
                            print(f"  {mode:<9} CONN_MAX_AGE={age:<3} c={level:<3} {path} …", flush=True)
                            row[mode] = wrk(port, path, level, args.seconds, scripts)
                        results.append(row)
            finally:
                for _port, process in servers.values():
                    stop_server(process)
    finally:
        for name in scripts.values():
            os.unlink(name)

    print()
    print("=" * 100)
    print(
        f"bench/pooler.py — wrk; {os.cpu_count()} CPU cores shared by gunicorn, PgBouncer, PostgreSQL "
        "and wrk (and whatever else runs)"
    )
    print(f"  data            {people:,} people ({direct_url})")
    print(
        f"  server          gunicorn {args.workers} workers × {args.threads} threads (gthread) each; "
        f"PgBouncer transaction pooling, {args.pool_size} server connections"
    )
    health = {}
    for row in results:
        label = "GET health" if row["path"].endswith("health") else "me/progress"
        for mode in ("direct", "pgbouncer"):
            figure = row[mode]
            key = (row["age"], row["level"], mode)
            if label == "GET health":
                health[key] = figure["rps"]
                of_health = ""
            else:
                of_health = f" = {figure['rps'] / health[key]:.2f} × health"
            of_direct = "" if mode == "direct" else f" = {figure['rps'] / row['direct']['rps']:.2f} × direct"
            print(
                f"  {label:<12} CONN_MAX_AGE={row['age']:<3} c={row['level']:<3} {mode:<9} "
                f"{figure['rps']:>7,.0f} req/s{of_health}{of_direct} · p50 {figure['p50']:6.1f} ms "
                f"· p99 {figure['p99']:6.1f} ms · {figure['requests']:,} requests, errors {figure['errors']}"
            )
    print("=" * 100)


if __name__ == "__main__":
    main()
