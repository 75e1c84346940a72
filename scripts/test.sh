#!/usr/bin/env bash
# The whole suite: unit, API, view and browser tests, on SQLite unless DATABASE_URL is set.
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/pytest -n "${TEST_WORKERS:-2}" "$@"
