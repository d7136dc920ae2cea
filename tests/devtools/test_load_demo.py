from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tracker.accounts.models import Role, User
from tracker.core.models import Agreement, Provision
from tracker.milestones.models import Milestone

DEMO_PASSWORD = "demo-password-for-tests"
EXPECTED = {
    "chair-us": (Role.CO_CHAIR, "US"),
    "chair-ua": (Role.CO_CHAIR, "UA"),
    "member-us": (Role.MEMBER, "US"),
    "member-ua": (Role.MEMBER, "UA"),
    "monitor": (Role.MONITOR, "IND"),
    "observer": (Role.OBSERVER, "IND"),
    "admin": (Role.STAFF_ADMIN, "IND"),
}


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


@pytest.fixture(autouse=True)
def no_demo_password_in_environment(monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Seven accounts per run: the production hasher's deliberate slowness adds nothing here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def load_demo(**options) -> str:
    out = StringIO()
    call_command("load_demo", stdout=out, **options)
    return out.getvalue()


def demo_users() -> dict:
    return {
        user.username: user for user in User.objects.filter(username__in=EXPECTED).order_by("pk")
    }


@pytest.mark.django_db
def test_load_demo_refuses_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        load_demo(password=DEMO_PASSWORD)
    assert not User.objects.exists()
    assert not Agreement.objects.exists()


@pytest.mark.django_db
def test_load_demo_creates_the_seven_accounts_and_the_sample(debug):
    output = load_demo(password=DEMO_PASSWORD)
    users = demo_users()
    assert {name: (u.role, u.party) for name, u in users.items()} == EXPECTED
    assert all(user.check_password(DEMO_PASSWORD) for user in users.values())
    assert all(user.get_full_name() for user in users.values())
    assert all(users[name].organisation for name in EXPECTED if name != "admin")
    assert users["admin"].is_staff and users["admin"].is_superuser
    assert not any(users[name].is_staff for name in EXPECTED if name != "admin")
    assert Provision.objects.count() == 8
    for username in EXPECTED:
        assert username in output
    assert DEMO_PASSWORD in output


@pytest.mark.django_db
def test_load_demo_takes_the_password_from_the_environment(debug, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "password-from-environment")
    load_demo()
    assert User.objects.get(username="monitor").check_password("password-from-environment")


@pytest.mark.django_db
def test_load_demo_without_a_password_prints_a_random_one(debug):
    output = load_demo()
    monitor = User.objects.get(username="monitor")
    line = next(line for line in output.splitlines() if line.startswith("monitor "))
    printed = line.split()[1]
    assert monitor.check_password(printed)
    assert len(printed) >= 12


@pytest.mark.django_db
def test_load_demo_refuses_a_weak_password(debug):
    with pytest.raises(CommandError, match="too short"):
        load_demo(password="abc")
    assert not User.objects.filter(username__in=EXPECTED).exists()


@pytest.mark.django_db
def test_running_again_keeps_data_and_resets_a_given_password(debug):
    load_demo(password=DEMO_PASSWORD)
    member = User.objects.get(username="member-ua")
    member.first_name = "Renamed"
    member.set_password("someone-changed-it")
    member.save()
    milestone = Milestone.objects.first()
    milestone.title = "Edited during the demo"
    milestone.save()
    counts = (User.objects.count(), Milestone.objects.count(), Agreement.objects.count())

    load_demo(password=DEMO_PASSWORD)

    assert (User.objects.count(), Milestone.objects.count(), Agreement.objects.count()) == counts
    member.refresh_from_db()
    assert member.first_name == "Renamed"
    assert member.check_password(DEMO_PASSWORD)
    milestone.refresh_from_db()
    assert milestone.title == "Edited during the demo"


@pytest.mark.django_db
def test_running_again_without_a_password_keeps_existing_passwords(debug):
    load_demo(password=DEMO_PASSWORD)
    output = load_demo()
    assert User.objects.get(username="chair-us").check_password(DEMO_PASSWORD)
    assert "(unchanged)" in output


@pytest.mark.django_db
def test_load_demo_leaves_another_agreement_alone(debug, agreement):
    load_demo(password=DEMO_PASSWORD)
    assert list(Agreement.objects.values_list("short_name", flat=True)) == ["test-agreement"]
    assert User.objects.filter(username__in=EXPECTED).count() == 7


@pytest.mark.django_db
def test_demo_accounts_log_in(debug, client):
    load_demo(password=DEMO_PASSWORD)
    response = client.post("/accounts/login/", {"username": "chair-ua", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_demo_accounts_have_an_example_org_address(debug):
    User.objects.create(username="chair-us", role=Role.CO_CHAIR, party="US")  # made earlier
    load_demo(password=DEMO_PASSWORD)
    addresses = dict(User.objects.filter(username__in=EXPECTED).values_list("username", "email"))
    assert addresses == {username: f"{username}@example.org" for username in EXPECTED}
