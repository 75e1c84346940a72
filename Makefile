# Two commands do everything (README): `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
WORKERS ?= 3

.PHONY: run test install install-dev lint format bench fuzz clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip "setuptools<81" wheel

# XStatic-Bootstrap 5.3.8 is published as a source archive whose build needs setuptools<81
# from the venv, hence --no-build-isolation (see ../shared/NOTES.md).
$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet --no-build-isolation -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet --no-build-isolation -e ".[dev]"
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	CE_DEMO=1 $(PY) manage.py migrate --noinput -v 0
	CE_DEMO=1 $(PY) manage.py collectstatic --noinput -v 0
	CE_DEMO=1 $(PY) manage.py load_reference_data
	CE_DEMO=1 $(PY) manage.py load_demo_data
	CE_DEMO=1 $(PY) manage.py prepare_pdf_font
	CE_DEMO=1 $(PY) manage.py generate_credential_key --if-missing
	@echo "平台地址：http://127.0.0.1:$(PORT)/   管理后台：/admin/   接口文档：/api/v1/docs"
	CE_DEMO=1 $(VENV)/bin/gunicorn config.wsgi:application --bind 127.0.0.1:$(PORT) \
		--workers $(WORKERS) --threads 4 --access-logfile - --timeout 60

# axe-core for the accessibility browser test (npm, test-only, git-ignored node_modules);
# without npm the test is skipped with the reason.
AXE := tests/browser/tooling/node_modules/axe-core/axe.min.js
$(AXE): tests/browser/tooling/package.json
	command -v npm >/dev/null && npm install --prefix tests/browser/tooling --no-audit --no-fund --silent || true

test: install-dev $(AXE)
	bash scripts/test.sh

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Province-scale benchmarks on PostgreSQL (README "Benchmarks"): progress reads and pushes
# (BENCH_ARGS="--rebuild" to start over), then the mixed December peak with the web tier on
# 2 and 4 processes (PEAK_ARGS), on the database BENCH_DATABASE_URL (default ce_bench).
bench: install-dev
	$(PY) bench/progress.py $(BENCH_ARGS)
	$(PY) bench/peak.py --workers 2 $(PEAK_ARGS)
	$(PY) bench/peak.py --workers 4 $(PEAK_ARGS)

# schemathesis against a local server on a fresh demo database (scripts/fuzz.py): anonymous,
# person, unit, bureau and platform tokens; FUZZ_EXAMPLES cases per operation; fails on any 5xx.
fuzz: install-dev
	$(PY) scripts/fuzz.py

clean:
	rm -rf $(VENV) var
