"""Settings read from the environment, checked in a fresh interpreter per case.

pytest-django has already imported the settings in this process (and marks it as a test
run), so each case starts `python` with a clean environment holding only what it names.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-production-secret-key-that-is-long-and-random-enough-0123456789",
    "ALLOWED_HOSTS": "tracker.example.org",
}
SHOW_DATABASE = (
    "import django, json; django.setup(); from django.conf import settings; "
    "db = settings.DATABASES['default']; "
    "print(json.dumps({k: str(db.get(k)) for k in ('ENGINE', 'NAME', 'HOST', 'PORT', 'USER')}"
    " | {'OPTIONS': db.get('OPTIONS', {})}))"
)


def clean_environment(**env: str) -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", ""), **env}


def run(code: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean_environment(DJANGO_SETTINGS_MODULE="tracker.settings", **env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def database(**env: str) -> dict:
    result = run(SHOW_DATABASE, **{"DEBUG": "1", **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_settings_refuse_to_start_without_secret_key():
    result = run("import django; django.setup()", DEBUG="0", ALLOWED_HOSTS="tracker.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_refuse_to_start_without_allowed_hosts():
    result = run("import django; django.setup()", DEBUG="0", SECRET_KEY=PRODUCTION["SECRET_KEY"])
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_debug_defaults_to_off():
    result = run("import django; django.setup()")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_start_with_both_and_are_secure():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.ALLOWED_HOSTS)"
    )
    result = run(code, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True", "True", "['tracker.example.org']"]


def test_check_deploy_gives_no_warning_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        # A production server sends e-mail through a relay; without EMAIL_HOST Django's deploy
        # check refuses the file-writing mail backend (mail.E001).
        env=clean_environment(**PRODUCTION, EMAIL_HOST="smtp.example.org"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_database_url_a_sqlite_file_under_var_is_used():
    db = database()
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == str(ROOT / "var" / "tracker.sqlite3")
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]
    assert db["OPTIONS"]["timeout"] >= 5


PRAGMAS = (
    "from django.db import connection; c = connection.cursor(); "
    "print(json.dumps({p: c.execute(f'PRAGMA {p}').fetchone()[0] for p in "
    "('journal_mode', 'synchronous', 'foreign_keys', 'mmap_size', 'cache_size', "
    "'temp_store', 'journal_size_limit', 'busy_timeout')}))"
)


def test_a_sqlite_file_opens_with_the_production_pragmas(tmp_path):
    result = run(
        "import django, json; django.setup(); " + PRAGMAS,
        DEBUG="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'pragmas.sqlite3'}",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "journal_mode": "wal",
        "synchronous": 1,  # NORMAL
        "foreign_keys": 1,
        "mmap_size": 128 * 1024 * 1024,
        "cache_size": 2000,
        "temp_store": 2,  # MEMORY
        "journal_size_limit": 64 * 1024 * 1024,
        "busy_timeout": 20000,
    }


def test_sqlite_database_url_selects_that_file(tmp_path):
    path = tmp_path / "elsewhere.sqlite3"
    db = database(DATABASE_URL=f"sqlite:///{path}")
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == str(path)


@pytest.mark.parametrize("scheme", ["postgres", "postgresql"])
def test_postgres_database_url_selects_postgresql(scheme):
    db = database(DATABASE_URL=f"{scheme}://app:secret@db.internal:5433/tracker")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["HOST"], db["PORT"], db["USER"]) == (
        "tracker",
        "db.internal",
        "5433",
        "app",
    )
    assert "init_command" not in db["OPTIONS"]
