# make run  — set up everything and serve the tracker on http://127.0.0.1:8000
# make test — set up everything and run the whole test suite
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint format setup demo bench lock clean messages

# The lock lists every package with its hash, dependencies included, so pip installs exactly
# that list (--no-deps): nothing unpinned can slip in, and the install needs no resolver.
$(STAMP): requirements.lock
	@set -e; py=$$(scripts/find-python); \
	if [ ! -x $(PY) ]; then echo "Creating $(VENV) with $$py"; "$$py" -m venv $(VENV); fi; \
	echo "Installing the locked dependencies into $(VENV)"; \
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes \
	  -r requirements.lock 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2); \
	touch $(STAMP)

setup: $(STAMP)

# One random password for all demo accounts, kept so every `make run` prints the same
# working log-ins (load_demo resets the demo accounts to it).
var/demo-password: | $(STAMP)
	@mkdir -p var
	@umask 077; $(PY) -c 'import secrets; print(secrets.token_urlsafe(12))' > $@

# WhiteNoise warns when its static root is missing; collectstatic fills it in production.
var/staticfiles:
	@mkdir -p $@

demo: $(STAMP) var/demo-password var/staticfiles
	DEBUG=1 $(PY) manage.py migrate --noinput -v0
	@DEBUG=1 DEMO_PASSWORD="$$(cat var/demo-password)" $(PY) manage.py load_demo

run: demo
	@echo "Open http://127.0.0.1:8000/ and log in with one of the accounts above (Ctrl-C stops)."
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

PYTEST_ARGS ?= -n auto

test: $(STAMP) var/staticfiles
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

# Re-pin the dependencies after editing pyproject.toml.
lock: $(STAMP)
	$(VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --extra dev --strip-extras -o requirements.lock pyproject.toml

# Refresh the Ukrainian catalogue after adding strings (needs GNU gettext), then compile it.
messages: $(STAMP)
	DEBUG=1 $(PY) manage.py makemessages -l uk --no-location --no-obsolete -i tests -i var -i static -i .venv
	DEBUG=1 $(PY) manage.py compile_translations

clean:
	rm -rf $(VENV) var/staticfiles
