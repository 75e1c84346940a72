#!/usr/bin/env bash
# The whole suite: the app layering (import-linter, contract in pyproject.toml), then unit, API,
# view and browser tests, on SQLite unless DATABASE_URL is set.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/lint-imports --no-cache
exec .venv/bin/pytest -n "${TEST_WORKERS:-2}" "$@"
