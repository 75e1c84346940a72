#!/usr/bin/env python
"""Where one API request's time goes: the request run in-process through Django's WSGI handler
(the same handler gunicorn calls, production settings, the benchmark database) under cProfile.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/ce_bench .venv/bin/python bench/profile_request.py
    .venv/bin/python bench/profile_request.py --path /api/v1/health --requests 3000 --top 30
    .venv/bin/python bench/profile_request.py --push 20      # platform pushes of 1,000 new items
    .venv/bin/python bench/profile_request.py --push 20 --resend   # the same batches again

Prints the mean wall time of a request with and without the profiler, the time spent waiting
on the database (cursor.execute), and the profile's top lines by cumulative time. The database
must have been built by bench/progress.py (its person tokens are used).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import progress  # noqa: E402
from progress import BENCH_ENV, DEFAULT_URL, TOKENS, token_of  # noqa: E402


def environ(path: str, token: str, body: bytes = b"") -> dict:
    route, _, query = path.partition("?")
    extra = {"CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(body))} if body else {}
    return {
        **extra,
        "REQUEST_METHOD": "POST" if body else "GET",
        "PATH_INFO": route,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_AUTHORIZATION": f"Bearer {token}",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--path", default="/api/v1/me/progress?year=2026")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="cumulative", help="cumulative or tottime")
    parser.add_argument("--push", type=int, default=0, help="profile this many pushes of 1,000 items")
    parser.add_argument("--resend", action="store_true", help="with --push: profile re-sending them")
    parser.add_argument("--save", help="also write the profile to this file (pstats, snakeviz)")
    parser.add_argument(
        "--timeline",
        action="store_true",
        help="print when each statement of the last request began and ended (ms from its start)",
    )
    args = parser.parse_args()
    os.environ.update(BENCH_ENV)
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    os.environ.pop("REDIS_URL", None)
    from django.db.backends.utils import CursorWrapper

    from config.wsgi import application as app  # as gunicorn loads it

    rng = random.Random(7)
    waited = [0.0, 0]
    execute = CursorWrapper.execute

    by_statement: dict[str, list[float]] = {}
    timeline: list[tuple[float, float, str]] = []  # the current request's (began, ended, what)

    def timed_execute(self, sql, params=None):
        began = time.perf_counter()
        try:
            return execute(self, sql, params)
        finally:
            ended = time.perf_counter()
            took = ended - began
            waited[0] += took
            waited[1] += 1
            text = " ".join(str(sql).split())[:110]
            entry = by_statement.setdefault(text, [0.0, 0])
            entry[0] += took
            entry[1] += 1
            timeline.append((began, ended, text))

    CursorWrapper.execute = timed_execute

    from django.db.backends.base.base import BaseDatabaseWrapper

    commit = BaseDatabaseWrapper.commit

    def timed_commit(self):
        began = time.perf_counter()
        try:
            return commit(self)
        finally:
            timeline.append((began, time.perf_counter(), "COMMIT"))

    BaseDatabaseWrapper.commit = timed_commit

    bodies = []
    if args.push:
        import json

        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT doc FROM bench_state")
            state = cursor.fetchone()[0]
        state = json.loads(state) if isinstance(state, str) else state
        progress.UNIT_COUNTIES[:] = state.get("unit_counties") or ["411202"]
        platform_token = state["platform_tokens"]["2026"]
        tag = f"profile-{time.time():.0f}"
        batches = [
            json.dumps(
                {"items": progress.push_items(rng, state["people"], f"{tag}-{b}", progress.UNIT_COUNTIES)}
            ).encode()
            for b in range(2 * args.push + 2)
        ]
        args.path, args.requests = "/api/v1/platform/completions", args.push
        # with --resend: first sent, then re-sent while measured
        bodies = batches[: args.push + 1] * 3 if args.resend else batches

    def backend_cpu() -> float:
        """Seconds of CPU the database connection's server process has used (Linux /proc)."""
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def run(n: int) -> float:
        began = time.perf_counter()
        for _ in range(n):
            timeline.clear()
            timeline.append((time.perf_counter(), time.perf_counter(), "(request begins)"))
            status = []
            token = platform_token if bodies else token_of(rng.randrange(TOKENS))
            body = bodies.pop(0) if bodies else b""
            answer = app(environ(args.path, token, body), lambda s, h, status=status: status.append(s))
            b"".join(answer)
            if not status[0].startswith("200"):
                raise SystemExit(f"{args.path}: {status[0]}")
        return (time.perf_counter() - began) / n

    if args.push and args.resend:
        run(args.push + 1)  # the batches' first sending
    run(1 if args.push else 200)  # warm: connection, imports, caches
    waited[:] = [0.0, 0]
    by_statement.clear()
    web_cpu, db_cpu = time.process_time(), backend_cpu()
    plain = run(args.requests)
    web_cpu = (time.process_time() - web_cpu) / args.requests * 1000
    db_cpu = (backend_cpu() - db_cpu) / args.requests * 1000
    db_ms, statements = waited[0] / args.requests * 1000, waited[1] / args.requests
    slowest = sorted(by_statement.items(), key=lambda kv: -kv[1][0])[:8]
    profiler = cProfile.Profile()
    profiler.enable()
    profiled = run(args.requests)
    profiler.disable()
    if args.save:
        profiler.dump_stats(args.save)
    print(
        f"{args.path}: {plain * 1000:.3f} ms per request in-process "
        f"({profiled * 1000:.3f} ms under cProfile), of which {db_ms:.3f} ms in "
        f"{statements:.1f} database statements; CPU per request: web process {web_cpu:.3f} ms, "
        f"PostgreSQL backend {db_cpu:.3f} ms (the wall times depend on the shared machine's load, "
        "the CPU times much less)"
    )
    print("database statements by wall time per request (mean ms, calls per request):")
    for sql, (took, calls) in slowest:
        print(f"  {took / args.requests * 1000:8.3f} ms  {calls / args.requests:4.1f}×  {sql}")
    if args.timeline:
        start = timeline[0][0]
        print("the last request's statements (ms from its start: began – ended, took):")
        for began, ended, text in timeline[1:]:
            print(
                f"  {(began - start) * 1000:8.2f} – {(ended - start) * 1000:8.2f}  "
                f"{(ended - began) * 1000:7.2f}  {text}"
            )
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.top)
    text = out.getvalue()
    if args.top:
        print(text[text.index("   ncalls") :].rstrip())


if __name__ == "__main__":
    main()
