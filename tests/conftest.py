"""The shared cast and fixtures of the whole suite.

The cast: a US co-chair, a UA co-chair, a US member, a UA member, a monitor, an observer, a
staff admin and an outsider (logged in, no role). The sample agreement is small and built
here so every test starts from a known state; `sample_data` loads the full fixture instead.
"""

from __future__ import annotations

import datetime
import os
import re

import pytest
from django.core.management import call_command
from django.db import connections
from django.test import Client
from django.utils import translation

from tracker.accounts.models import Role, User
from tracker.core.models import Agreement, Category, Organisation, Provision, ResponsibleParty
from tracker.devtools.benchmarking import logged_in_client
from tracker.milestones.models import Milestone

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite the test database is a file (one per test process) rather than in memory, so
    that the task worker, started as a process of its own by tests/notifications, reads the
    same database as the test."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        folder = tmp_path_factory.mktemp("database")
        database.setdefault("TEST", {})["NAME"] = str(folder / "test.sqlite3")


@pytest.fixture(scope="session")
def _database_connections_closed():
    connections.close_all()
    yield
    connections.close_all()


@pytest.fixture(scope="session")
def playwright(_database_connections_closed, playwright):
    """pytest-playwright's `playwright`, with Django's database connections closed around it.

    Between its calls, Playwright's sync API marks an asyncio loop as running in this thread,
    and Django then keeps database connections per context rather than per thread. Without
    the closing, the connection opened before the first browser test, or the one used after
    Playwright stops, is left open, and PostgreSQL refuses to drop the test database at the
    end ("being accessed by other users").
    """
    yield playwright
    connections.close_all()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The real hasher costs ~0.3 s per user; the cast alone has eight.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english_between_tests():
    # A view or test that activates Ukrainian must not leak it into the next test.
    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def _content_types_cached(request):
    """Django caches content types per process: the first page that prefetches translations
    (a generic relation) looks its type up once, later ones never. Looked up before each
    test that uses the database, so the query counts pinned in tests do not depend on which
    test ran first. Transactional tests (and the live server's) start from a flushed
    database; they pin no counts."""
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    if "transactional_db" in names or "live_server" in names:
        return
    if marker is not None and marker.kwargs.get("transaction"):
        return
    if "db" not in names and marker is None:
        return
    from django.contrib.contenttypes.models import ContentType

    from tracker.disputes.models import Dispute, DisputeEvent
    from tracker.milestones.models import ProgressUpdate
    from tracker.monitoring.models import CorrectiveAction, MonitoringCheck

    request.getfixturevalue("db")
    ContentType.objects.get_for_models(
        ProgressUpdate, MonitoringCheck, CorrectiveAction, Dispute, DisputeEvent
    )


@pytest.fixture(autouse=True)
def _evidence_root(settings, tmp_path):
    """Uploaded files go to a per-test folder, never to var/."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "evidence", "base_url": None},
        },
    }
    settings.MEDIA_ROOT = tmp_path / "evidence"


def make_user(username: str, role: str, party: str, **extra) -> User:
    return User.objects.create_user(
        username=username,
        password=PASSWORD,
        role=role,
        party=party,
        first_name=extra.pop("first_name", username.replace("-", " ").title()),
        **extra,
    )


@pytest.fixture
def chair_us(db) -> User:
    return make_user("chair-us", Role.CO_CHAIR, "US")


@pytest.fixture
def chair_ua(db) -> User:
    return make_user("chair-ua", Role.CO_CHAIR, "UA")


@pytest.fixture
def member_us(db) -> User:
    return make_user("member-us", Role.MEMBER, "US")


@pytest.fixture
def member_ua(db) -> User:
    return make_user("member-ua", Role.MEMBER, "UA")


@pytest.fixture
def monitor(db) -> User:
    return make_user("monitor", Role.MONITOR, "IND")


@pytest.fixture
def observer(db) -> User:
    return make_user("observer", Role.OBSERVER, "IND")


@pytest.fixture
def staff_admin(db) -> User:
    return make_user("admin", Role.STAFF_ADMIN, "IND", is_staff=True, is_superuser=True)


@pytest.fixture
def outsider(db) -> User:
    """Logged in, but no role yet."""
    return make_user("outsider", "", "IND")


def client_for(user: User) -> Client:
    # Staff sessions pass the second factor, as the Django admin asks; the others are plain
    # sessions, as with MFA_REQUIRED_ROLES empty (the tests' default).
    return logged_in_client(user, second_factor=user.is_staff)


@pytest.fixture
def login():
    """`login(user)` gives a Django test client logged in as that user (for staff, with the
    second factor passed, as the Django admin asks)."""
    return client_for


@pytest.fixture
def agreement(db) -> Agreement:
    return Agreement.objects.create(
        title="Test cooperation agreement",
        title_uk="Тестова угода про співпрацю",
        short_name="test-agreement",
        signed_on=datetime.date(2025, 4, 30),
        place="Washington, D.C.",
    )


@pytest.fixture
def provision(agreement) -> Provision:
    return Provision.objects.create(
        agreement=agreement,
        reference="P-01",
        title="Joint geological surveys",
        title_uk="Спільні геологічні дослідження",
        category=Category.GEOLOGICAL_SURVEY,
        responsible_party=ResponsibleParty.JOINT,
    )


@pytest.fixture
def organisation(db) -> Organisation:
    return Organisation.objects.create(
        name="State Geological Service", kind=Organisation.Kind.AGENCY, affiliation="UA"
    )


def make_milestone(provision: Provision, party: str = "UA", **fields) -> Milestone:
    defaults = {
        "title": f"Milestone of {party}",
        "responsible_party": party,
        "due_date": datetime.date(2026, 6, 30),
    }
    return Milestone.objects.create(provision=provision, **{**defaults, **fields})


@pytest.fixture
def milestone_ua(provision) -> Milestone:
    return make_milestone(provision, "UA", title="Publish survey tender")


@pytest.fixture
def milestone_us(provision) -> Milestone:
    return make_milestone(provision, "US", title="Open investment window")


@pytest.fixture
def milestone_joint(provision) -> Milestone:
    return make_milestone(provision, "JOINT", title="Agree data-sharing protocol")


@pytest.fixture
def sample_data(db):
    call_command("load_sample_agreement", verbosity=0)


@pytest.fixture
def browser_login(page, live_server):
    """`browser_login(user)` logs in through the real form and lands on the dashboard (with
    several agreements, at its URL naming one: tracker.core.workspace)."""

    def log_in(user: User) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(re.compile(rf"^{re.escape(live_server.url)}/(\?agreement=[\w-]+)?$"))

    return log_in


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (aiosmtpd) that the application's email goes to, for this test;
    `smtp_server.inbox` holds what it received."""
    from tests.smtp import SMTPServer

    with SMTPServer() as server:
        settings.MAILERS = {"default": server.mailer()}
        yield server
