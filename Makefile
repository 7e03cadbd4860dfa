# 绩效自评 — `make run` serves the app with demo data; `make test` runs every test.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
# Installs follow the lock files (pinned versions with hashes); `make lock` writes them anew from
# pyproject.toml after a dependency changes there.
LOCK := requirements-dev.lock
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml $(LOCK) | sha1sum | cut -c1-12)
PORT ?= 8000
export DJANGO_DEBUG ?= 1
# Where `make test` also runs the PostgreSQL-only tests when a local PostgreSQL answers.
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/jixiao_make

.PHONY: run test lint format install lock system-deps system-deps-test screenshots clean

$(STAMP): pyproject.toml $(LOCK)
	@PYBIN=$$(scripts/find-python) || exit 1; \
	  [ -x $(PY) ] || $$PYBIN -m venv $(VENV)
	$(PY) -m pip install -q --require-hashes -r $(LOCK)
	$(PY) -m pip install -q --no-deps -e .
	@rm -f $(VENV)/.installed-*; touch $@

install: $(STAMP)

# requirements.lock: what the image runs; requirements-dev.lock: that and the dev tools.
PIP_COMPILE := $(VENV)/bin/pip-compile -q --generate-hashes --strip-extras --allow-unsafe \
  --no-emit-index-url --no-emit-find-links
lock: install
	$(PIP_COMPILE) -o requirements.lock pyproject.toml
	$(PIP_COMPILE) --extra dev -o $(LOCK) pyproject.toml

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
	@# The tests marked postgresql (row locks, enforced column lengths) show nothing on SQLite: with
	@# DATABASE_URL unset and a local PostgreSQL answering, they run there as well. (.ci/run sets
	@# DATABASE_URL, so the whole suite above already ran on PostgreSQL.)
	@if [ -z "$$DATABASE_URL" ] && pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then \
	  echo "本机 PostgreSQL 可用：在 $(PG_TEST_URL) 上运行需要 PostgreSQL 的测试"; \
	  DATABASE_URL=$(PG_TEST_URL) $(PY) -m pytest -m postgresql; \
	fi

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
