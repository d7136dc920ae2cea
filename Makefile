# make run  — set up everything and serve the tracker on http://127.0.0.1:8000
# make test — set up everything and run the whole test suite
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PRODUCTION_STAMP := $(VENV)/.installed-production

.PHONY: run test lint format setup setup-production demo bench lock clean messages \
	packages-run packages-test packages-deploy
# The system-package checks must run before anything else, even under `make -j`.
.NOTPARALLEL:

# scripts/system-packages checks for the system packages each target needs (a Python with
# venv; Pango, HarfBuzz and Cyrillic fonts; for the tests also Chromium and gettext). As root
# on Debian it installs what is missing; otherwise it stops with the exact command to run.
packages-run:
	@scripts/system-packages run
packages-test:
	@scripts/system-packages test
packages-deploy:
	@scripts/system-packages deploy

# The locks list every package with its hashes, dependencies included, so pip installs exactly
# that list (--no-deps): nothing unpinned can slip in, and `pip check` then proves the list
# complete for this Python. A changed lock rebuilds the virtualenv from nothing, so a package
# dropped from the lock does not linger. requirements-dev.lock = requirements.lock + the dev
# extra; production installs requirements.lock alone (`make setup-production`).
define install_lock
	@set -e; scripts/system-packages setup; py=$$(scripts/find-python); \
	if [ -e $(VENV) ]; then echo "Rebuilding $(VENV) from $(1)"; rm -rf $(VENV); fi; \
	echo "Creating $(VENV) with $$py"; "$$py" -m venv $(VENV); \
	echo "Installing the locked dependencies ($(1)) into $(VENV)"; \
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes \
	  -r $(1) 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2); \
	$(PY) -m pip check --disable-pip-version-check
endef

$(STAMP): requirements-dev.lock
	$(call install_lock,requirements-dev.lock)
	@touch $(STAMP)

setup: $(STAMP)

# A virtualenv with the runtime dependencies only (no pytest, Playwright, ruff): for servers.
$(PRODUCTION_STAMP): requirements.lock
	$(call install_lock,requirements.lock)
	@touch $(PRODUCTION_STAMP)

setup-production: packages-deploy $(PRODUCTION_STAMP)

# One random password for all demo accounts, kept so every `make run` prints the same
# working log-ins (load_demo resets the demo accounts to it).
var/demo-password: | $(STAMP)
	@mkdir -p var
	@umask 077; $(PY) -c 'import secrets; print(secrets.token_urlsafe(12))' > $@

# WhiteNoise warns when its static root is missing; collectstatic fills it in production.
var/staticfiles:
	@mkdir -p $@

demo: packages-run $(STAMP) var/demo-password var/staticfiles
	DEBUG=1 $(PY) manage.py migrate --noinput -v0
	@DEBUG=1 DEMO_PASSWORD="$$(cat var/demo-password)" $(PY) manage.py load_demo

# The task worker runs beside the web server (scripts/run-dev), so notifications go out; the
# day's reminders and digests are written once at start, as the daily timer does on a server.
run: demo
	@DEBUG=1 $(PY) manage.py send_reminders
	@if [ -n "$$EMAIL_HOST" ]; then echo "E-mail is sent through $$EMAIL_HOST."; \
	else echo "E-mail is written to var/mail/, one file per message (set EMAIL_HOST to send it)."; fi
	@echo "Open http://127.0.0.1:8000/ and log in with one of the accounts above (Ctrl-C stops)."
	@DEBUG=1 scripts/run-dev

PYTEST_ARGS ?= -n auto

# axe-core (package.json, pinned in package-lock.json) is used only by the browser tests'
# accessibility audit; `npm ci` installs exactly the lock into node_modules/.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

test: packages-test $(STAMP) var/staticfiles node_modules/.package-lock.json
	@$(PY) -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: that is a failure here." >&2; exit 1; fi; \
	exit $$rc

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(STAMP)
	DEBUG=1 $(PY) manage.py benchmark $(BENCH_ARGS)

# Re-pin both locks after editing pyproject.toml (UPGRADE=1: newest allowed releases).
lock: $(STAMP)
	@UPGRADE=$(UPGRADE) scripts/lock

# Refresh the Ukrainian catalogue after adding strings (needs GNU gettext), then compile it.
messages: $(STAMP)
	DEBUG=1 $(PY) manage.py makemessages -l uk --no-location --no-obsolete -i tests -i var -i static -i .venv
	DEBUG=1 $(PY) manage.py compile_translations

clean:
	rm -rf $(VENV) var/staticfiles
