"""Security headers on every response, error pages included, and production settings."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management.utils import get_random_secret_key
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.security.pages import build_world, page_urls

CSP = "Content-Security-Policy"


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


def assert_secure_headers(response, what: str) -> None:
    assert CSP in response.headers, f"no CSP on {what}"
    policy = directives(response.headers[CSP])
    assert policy["default-src"] == ["'self'"], what
    script_src = policy["script-src"]
    assert "'self'" in script_src, what
    assert "'unsafe-inline'" not in script_src, what
    assert "'unsafe-eval'" not in script_src, what
    assert all(s == "'self'" or s.startswith("'nonce-") for s in script_src), what
    assert "'unsafe-inline'" not in policy["style-src"], what
    assert policy["object-src"] == ["'none'"], what
    assert policy["frame-ancestors"] == ["'none'"], what
    assert policy["base-uri"] == ["'self'"], what
    assert policy["form-action"] == ["'self'"], what
    assert response.headers.get("X-Frame-Options") == "DENY", what
    assert response.headers.get("X-Content-Type-Options") == "nosniff", what
    assert response.headers.get("Referrer-Policy") == "same-origin", what
    assert response.headers.get("Cross-Origin-Opener-Policy") == "same-origin", what


def test_csp_setting_allows_no_inline_or_eval_script():
    script_src = [str(source) for source in settings.SECURE_CSP["script-src"]]
    assert "'unsafe-inline'" not in script_src
    assert "'unsafe-eval'" not in script_src
    assert not getattr(settings, "SECURE_CSP_REPORT_ONLY", None)  # enforced, not just reported


def test_every_page_carries_the_headers(login, observer):
    world = build_world()
    client = login(observer)

    for name, url in page_urls(world).items():
        response = client.get(url)
        # An observer may not record checks or raise disputes: those forms answer 403; the
        # world's check and dispute are task-force records: 404, with the headers too.
        expected = 200
        if name.endswith(":create"):
            expected = 403
        elif name in ("monitoring:detail", "disputes:detail"):
            expected = 404
        assert response.status_code == expected, name
        assert_secure_headers(response, name)


def test_pages_need_no_inline_script_or_style(login, member_ua, monitor):
    """What the CSP would block: a script without the nonce, style="", hx-on, js: values."""
    world = build_world()
    member, independent = login(member_ua), login(monitor)

    for name, url in page_urls(world).items():
        # The monitor sees the check form, the member every other page with its forms.
        response = (independent if name == "monitoring:create" else member).get(url)
        assert response.status_code == 200, name
        body = response.content.decode()
        nonce = re.search(r"'nonce-([^']+)'", response.headers[CSP]).group(1)
        for tag in re.findall(r"<script\b[^>]*>", body):
            assert f'nonce="{nonce}"' in tag, (name, tag)
        assert not re.search(r"\sstyle=", body), name
        assert "hx-on" not in body, name
        assert "javascript:" not in body.lower(), name
        assert "js:" not in re.sub(r"\.js\b", "", body), name


def test_login_page_and_htmx_fragment_carry_the_headers(client, login, observer, provision):
    assert_secure_headers(client.get(reverse("login")), "login page")
    fragment = login(observer).get(reverse("provision_list"), headers={"HX-Request": "true"})
    assert_secure_headers(fragment, "htmx fragment")


def test_not_found_page_carries_the_headers(client, login, observer):
    for who, c in (("anonymous", client), ("observer", login(observer))):
        response = c.get("/no-such-page/")
        assert response.status_code == 404
        assert "Page not found" in response.content.decode()
        assert_secure_headers(response, f"404 for {who}")


def test_no_access_page_carries_the_headers(login, outsider):
    response = login(outsider).get(reverse("dashboard"))

    assert response.status_code == 403
    assert_secure_headers(response, "no-access page")


def test_refused_action_page_carries_the_headers(login, member_us, provision):
    response = login(member_us).post(
        reverse("provision_assess", args=[provision.pk]), {"level": "1", "note": "x"}
    )

    assert response.status_code == 403
    assert "Not allowed" in response.content.decode()
    assert_secure_headers(response, "403 page")


@pytest.mark.urls("tests.security.error_urls")
@pytest.mark.parametrize(
    ("path", "status", "text"),
    [
        ("/test-errors/500/", 500, "Something went wrong"),
        ("/test-errors/403/", 403, "Not allowed"),
        ("/test-errors/400/", 400, "Bad request"),
    ],
)
def test_error_pages_carry_the_headers(login, observer, path, status, text):
    client = login(observer)
    client.raise_request_exception = False

    response = client.get(path)

    assert response.status_code == status
    assert text in response.content.decode()
    assert_secure_headers(response, f"{status} page")


@pytest.mark.urls("tests.security.error_urls")
def test_500_page_renders_even_without_a_static_files_manifest(login, observer, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    client = login(observer)
    client.raise_request_exception = False

    response = client.get("/test-errors/500/")

    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_disallowed_host_answer_carries_the_headers(client, db):
    response = client.get(reverse("login"), headers={"host": "evil.example"})

    assert response.status_code == 400
    assert_secure_headers(response, "400 for a bad host")


def test_csrf_failure_page_carries_the_headers(login, chair_us, provision):
    client = login(chair_us)
    client.handler.enforce_csrf_checks = True

    response = client.post(reverse("provision_assess", args=[provision.pk]), {"level": "1"})

    assert response.status_code == 403
    assert "Form expired" in response.content.decode()
    assert_secure_headers(response, "CSRF failure page")


def test_lockout_page_carries_the_headers(client, observer):
    for _ in range(5):
        response = client.post(
            reverse("login"), {"username": observer.username, "password": "wrong-password-1"}
        )

    assert response.status_code == 429
    assert_secure_headers(response, "lock-out page")
    # And the right password is refused with the same page.
    again = client.post(reverse("login"), {"username": observer.username, "password": PASSWORD})
    assert again.status_code == 429


def test_admin_and_health_check_carry_the_headers(client, login, staff_admin):
    assert_secure_headers(login(staff_admin).get(reverse("admin:index")), "admin")
    assert_secure_headers(client.get(reverse("healthz")), "healthz")


def test_session_and_csrf_cookies_are_http_only_and_same_site():
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.CSRF_COOKIE_HTTPONLY is True
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"


# --- Production settings, in a fresh interpreter without the test run's relaxations ------


def production_env(tmp_path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST", "TRACKER_", "DJANGO_ALLOW_ASYNC"))
        and key not in ("DATABASE_URL",)
    }
    env.update(
        DEBUG="0",
        SECRET_KEY=get_random_secret_key(),
        ALLOWED_HOSTS="x",
        # A production server sends its e-mail through a relay: without one, Django's deploy
        # check refuses the file-writing mail backend (mail.E001).
        EMAIL_HOST="smtp.example.org",
        TRACKER_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="tracker.settings",
    )
    return env


def test_check_deploy_gives_no_warning(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client, override_settings
# No collectstatic here: the plain storage stands in for the manifest.
override_settings(
    STORAGES={
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
).enable()
client = Client()
plain = client.get("/accounts/login/", headers={"host": "x"})
secure = client.get("/accounts/login/", headers={"host": "x"}, secure=True)
print(json.dumps({
    "redirect": [plain.status_code, plain.headers.get("Location")],
    "hsts": secure.headers.get("Strict-Transport-Security"),
    "csp": secure.headers.get("Content-Security-Policy"),
    "csrf_cookie_secure": bool(secure.cookies["csrftoken"]["secure"]),
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "csrf_setting_secure": settings.CSRF_COOKIE_SECURE,
    "debug": settings.DEBUG,
}))
"""


def test_production_redirects_to_https_and_sends_hsts_and_secure_cookies(tmp_path):
    result = subprocess.run(  # noqa: S603 — our own interpreter and our own probe
        [sys.executable, "-c", PROBE],
        cwd=settings.BASE_DIR,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])

    assert seen["debug"] is False
    assert seen["redirect"] == [301, "https://x/accounts/login/"]
    assert seen["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert "'unsafe-inline'" not in seen["csp"]
    assert seen["csrf_cookie_secure"] is True
    assert seen["session_cookie_secure"] is True
    assert seen["csrf_setting_secure"] is True


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = production_env(tmp_path)
    del env["SECRET_KEY"]

    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
