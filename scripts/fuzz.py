"""`make fuzz`: schemathesis against a local server, anonymous and with person, unit, bureau and
platform tokens, for a bounded number of requests; fails on any 5xx.

The server runs on a fresh demo database in a temporary directory (SQLite, or DATABASE_URL if
set, which the run fills with demo data), so a run never touches var/. Figures are printed as
one line per identity and a total; FUZZ_EXAMPLES (test cases per operation and phase, default
25), FUZZ_SEED and FUZZ_PORT tune the run.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
SEED = int(os.environ.get("FUZZ_SEED", str(int(time.time()) % 100000)))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _manage(env: dict, *args: str) -> None:
    subprocess.run([str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=env, check=True)


def _post_json(url: str, body: dict) -> dict:
    request = urllib.request.Request(
        url, json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def _wait(url: str, server: subprocess.Popen) -> None:
    for _ in range(120):
        if server.poll() is not None:
            sys.exit("服务未能启动。")
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.5)
    sys.exit("服务 60 秒内未就绪。")


def _run(base: str, label: str, token: str | None, report_dir: Path) -> dict:
    report = report_dir / f"{label}.ndjson"
    command = [
        str(BIN / "schemathesis"),
        "run",
        f"{base}/api/v1/openapi.json",
        "--checks",
        "not_a_server_error",
        "--phases",
        "examples,coverage,fuzzing",
        "--max-examples",
        str(EXAMPLES),
        "--seed",
        str(SEED),
        "--workers",
        "2",
        "--request-timeout",
        "30",
        "--no-shrink",
        "--suppress-health-check",
        "all",
        "--report",
        "ndjson",
        "--report-ndjson-path",
        str(report),
        "--warnings",
        "off",
    ]
    if token:
        command += ["--header", f"Authorization: Bearer {token}"]
    # Run in the temporary directory: schemathesis keeps a cache where it runs.
    subprocess.run(command, cwd=report_dir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return _count(report)


def _count(report: Path) -> dict:
    """Requests and answers by status class, from the run's events (one JSON object a line)."""
    counts = {"requests": 0, "5xx": 0, "4xx": 0, "2xx": 0, "examples": []}
    for line in report.read_text().splitlines():
        for status in _statuses(json.loads(line)):
            counts["requests"] += 1
            key = f"{status // 100}xx"
            counts[key] = counts.get(key, 0) + 1
    return counts


def _statuses(event):
    """Every `status_code` of a response found in an event, however deep."""
    if isinstance(event, dict):
        response = event.get("response")
        if isinstance(response, dict) and isinstance(response.get("status_code"), int):
            yield response["status_code"]
            return
        for value in event.values():
            yield from _statuses(value)
    elif isinstance(event, list):
        for value in event:
            yield from _statuses(value)


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="ce-fuzz-"))
    env = {**os.environ, "CE_DEMO": "1", "CE_VAR_DIR": str(work), "DEBUG": "0", "LOG_LEVEL": "ERROR"}
    _manage(env, "migrate", "--noinput", "-v", "0")
    _manage(env, "collectstatic", "--noinput", "-v", "0")
    _manage(env, "load_reference_data")
    _manage(env, "load_demo_data")
    credentials = json.loads((work / "demo-credentials.json").read_text())
    port = int(os.environ.get("FUZZ_PORT") or _free_port())
    base = f"http://127.0.0.1:{port}"
    log = (work / "server.log").open("w")
    gunicorn = [str(BIN / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    server = subprocess.Popen(
        [*gunicorn, "--workers", "2", "--threads", "4", "--timeout", "60"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        _wait(f"{base}/api/v1/health", server)
        # The platform first: the bureau's run may revoke the platform's key (an id it guessed).
        tokens: dict[str, str | None] = {"anonymous": None, "platform": credentials["platform_token"]}
        for role in ("person", "unit", "bureau"):
            username, password = credentials[role]
            login = {"username": username, "password": password}
            tokens[role] = _post_json(f"{base}/api/v1/auth/token", login)["token"]
        total = {"requests": 0, "5xx": 0}
        print(f"schemathesis, {EXAMPLES} cases per operation and phase, seed {SEED}")
        for label, token in tokens.items():
            counts = _run(base, label, token, work)
            total["requests"] += counts["requests"]
            total["5xx"] += counts["5xx"]
            shown = ", ".join(f"{k} {counts.get(k, 0)}" for k in ("2xx", "4xx", "5xx"))
            print(f"  {label:<10} {counts['requests']:>6} requests: {shown}")
        print(f"  total      {total['requests']:>6} requests, {total['5xx']} × 5xx")
        if total["5xx"]:
            print(f"服务端错误：见 {work / 'server.log'} 与 {work}/*.ndjson")
        return 1 if total["5xx"] or not total["requests"] else 0
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()


if __name__ == "__main__":
    sys.exit(main())
