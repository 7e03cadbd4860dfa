# 绩效自评 — `make run` serves the app with demo data; `make test` runs every test.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
PORT ?= 8000
export DJANGO_DEBUG ?= 1

.PHONY: run test lint format install system-deps system-deps-test screenshots clean

$(STAMP): pyproject.toml
	@PYBIN=$$(scripts/find-python) || exit 1; \
	  [ -x $(PY) ] || $$PYBIN -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	@rm -f $(VENV)/.installed-*; touch $@

install: $(STAMP)

system-deps:
	@scripts/system-deps run

system-deps-test:
	@scripts/system-deps test

run: install system-deps
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	@PY=$(PY) scripts/serve $(PORT)

# PNGs of the main pages per role at 1366×768 and 390×844 in docs/screens/ (fresh demo data).
screenshots: install
	@scripts/system-deps screens
	$(PY) scripts/screenshots.py

test: install system-deps-test
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
