# The two commands of the README. Each installs what it needs on a fresh machine.
#   make demo   build a demo community, ingest it into the embedded store, print the summary
#   make test   install test tools and PostgreSQL if missing, then lint, type-check, test
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench install postgres chromium

demo: install
	$(BIN)/veille demo

test: $(VENV)/.test-installed postgres chromium
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest -n 2 -q

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

# PostgreSQL from Debian's packages when the machine has none; the tests start their
# own throw-away server on loopback (tests/pg.py), so nothing else is configured here.
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
		echo "installing PostgreSQL (Debian package)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }

# The browser tests drive Debian's chromium through Playwright's Python package (which
# must never download a browser of its own).
chromium:
	@test -x /usr/bin/chromium || { \
		echo "installing Chromium (Debian package)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

bench: $(VENV)/.test-installed
	$(BIN)/python -m pip install -q -e '.[test,bench]'
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/enrich.py
