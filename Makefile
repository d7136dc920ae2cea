# make run  — set up everything and serve the tracker on http://127.0.0.1:8000
# make test — set up everything and run the whole test suite
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint format setup demo bench lock clean messages

$(STAMP): requirements.lock
	@set -e; py=$$(scripts/find-python); \
	if [ ! -x $(PY) ]; then echo "Creating $(VENV) with $$py"; "$$py" -m venv $(VENV); fi; \
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock; \
	touch $(STAMP)

setup: $(STAMP)

var/demo-password:
	@mkdir -p var
	@$(PY) -c 'import secrets; print(secrets.token_urlsafe(12))' > $@

demo: $(STAMP) var/demo-password
	DEBUG=1 $(PY) manage.py migrate --noinput -v0
	DEBUG=1 DEMO_PASSWORD=$$(cat var/demo-password) $(PY) manage.py load_demo

run: demo
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

test: $(STAMP)
	@$(PY) -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: that is a failure here." >&2; exit 1; fi; \
	exit $$rc

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(STAMP)
	$(PY) manage.py benchmark

# Re-pin the dependencies after editing pyproject.toml.
lock: $(STAMP)
	$(VENV)/bin/pip-compile --quiet --generate-hashes --extra dev --strip-extras -o requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) var/staticfiles
