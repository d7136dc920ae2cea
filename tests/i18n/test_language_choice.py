"""The language switcher, the choice stored on the user, and the stored language at log-in."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD

COOKIE = settings.LANGUAGE_COOKIE_NAME


def log_in(client: Client, user) -> object:
    return client.post(reverse("login"), {"username": user.username, "password": PASSWORD})


def switch(client: Client, language: str, next_url: str = "/") -> object:
    return client.post(reverse("set_language"), {"language": language, "next": next_url})


def test_switcher_in_the_header_posts_to_set_language_with_the_current_page(login, observer):
    response = login(observer).get(reverse("provision_list"), {"category": "capacity_building"})

    html = response.content.decode()
    form = re.search(r'<form class="lang-switch" action="([^"]+)"[^>]*>(.*?)</form>', html, re.S)
    assert form is not None
    assert form.group(1) == reverse("set_language")
    assert 'name="next" value="/provisions/?category=capacity_building"' in form.group(2)
    assert '<option value="uk"' in form.group(2)
    assert "Українська" in form.group(2)


def test_switching_returns_to_the_same_page_in_ukrainian(login, observer):
    client = login(observer)

    response = switch(client, "uk", "/provisions/?category=capacity_building")

    assert response.status_code == 302
    assert response["Location"] == "/provisions/?category=capacity_building"
    assert response.cookies[COOKIE].value == "uk"
    page = client.get(response["Location"])
    assert '<html lang="uk">' in page.content.decode()
    assert "<h1>Положення</h1>" in page.content.decode()
    assert page["Content-Language"] == "uk"


def test_switching_stores_the_choice_on_the_user(login, observer):
    client = login(observer)

    switch(client, "uk")
    observer.refresh_from_db()
    assert observer.language == "uk"

    switch(client, "en")
    observer.refresh_from_db()
    assert observer.language == "en"


def test_switching_back_to_english(login, observer):
    client = login(observer)
    switch(client, "uk")

    switch(client, "en", "/provisions/")

    page = client.get("/provisions/")
    assert "<h1>Provisions</h1>" in page.content.decode()


def test_unknown_language_changes_nothing(login, observer):
    client = login(observer)
    client.cookies[COOKIE] = "en"

    response = switch(client, "de", "/provisions/")

    assert response.status_code == 302
    assert COOKIE not in response.cookies
    observer.refresh_from_db()
    assert observer.language == "en"


def test_set_language_refuses_get(login, observer):
    client = login(observer)

    response = client.get(reverse("set_language"), {"language": "uk", "next": "/"})

    assert response.status_code == 405
    observer.refresh_from_db()
    assert observer.language == "en"


def test_switching_never_redirects_to_another_site(login, observer):
    response = switch(login(observer), "uk", "https://elsewhere.example/")

    assert response["Location"] == "/"


def test_stored_language_applies_at_log_in_in_a_new_browser(observer):
    observer.language = "uk"
    observer.save(update_fields=["language"])
    browser = Client()

    response = log_in(browser, observer)

    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "uk"
    dashboard = browser.get(response["Location"])
    assert "<h1>Огляд</h1>" in dashboard.content.decode()


def test_stored_language_replaces_the_previous_persons_cookie_at_log_in(observer):
    observer.language = "uk"
    observer.save(update_fields=["language"])
    browser = Client()
    browser.cookies[COOKIE] = "en"

    response = log_in(browser, observer)

    assert response.cookies[COOKIE].value == "uk"
    assert "<h1>Огляд</h1>" in browser.get("/").content.decode()


def test_english_speaker_logs_in_to_english_after_a_ukrainian_session(observer):
    browser = Client()
    browser.cookies[COOKIE] = "uk"

    response = log_in(browser, observer)

    assert response.cookies[COOKIE].value == "en"
    assert "<h1>Dashboard</h1>" in browser.get("/").content.decode()


def test_choice_made_on_the_log_in_page_is_stored_at_log_in(observer):
    browser = Client()
    switch(browser, "uk", reverse("login"))
    assert "<h1>Увійти</h1>" in browser.get(reverse("login")).content.decode()

    response = log_in(browser, observer)

    assert response.cookies[COOKIE].value == "uk"
    observer.refresh_from_db()
    assert observer.language == "uk"


def test_choice_before_log_in_does_not_outlive_the_session(observer, monitor):
    browser = Client()
    switch(browser, "uk", reverse("login"))
    log_in(browser, observer)
    browser.post(reverse("logout"))

    response = log_in(browser, monitor)

    # The monitor's own stored language applies, not the observer's earlier choice.
    assert response.cookies[COOKIE].value == "en"
    monitor.refresh_from_db()
    assert monitor.language == "en"


def test_failed_log_in_changes_no_language(observer):
    observer.language = "uk"
    observer.save(update_fields=["language"])
    browser = Client()

    response = browser.post(reverse("login"), {"username": observer.username, "password": "wrong"})

    assert response.status_code == 200
    assert COOKIE not in response.cookies
    assert "<h1>Log in</h1>" in response.content.decode()


def test_session_without_a_language_cookie_uses_the_stored_language(login, observer):
    observer.language = "uk"
    observer.save(update_fields=["language"])
    client = login(observer)

    response = client.get("/")

    assert "<h1>Огляд</h1>" in response.content.decode()
    assert response.cookies[COOKIE].value == "uk"


def test_this_browsers_choice_wins_over_the_stored_language(login, observer):
    observer.language = "uk"
    observer.save(update_fields=["language"])
    client = login(observer)
    client.cookies[COOKIE] = "en"

    response = client.get("/")

    assert "<h1>Dashboard</h1>" in response.content.decode()
    assert COOKIE not in response.cookies


def test_log_in_page_follows_the_browsers_language():
    response = Client(headers={"accept-language": "uk,en;q=0.5"}).get(reverse("login"))

    assert "<h1>Увійти</h1>" in response.content.decode()
    assert '<label for="id_username">Ім’я користувача</label>' in response.content.decode()


@pytest.mark.parametrize("language", ["en", "uk"])
def test_health_check_sets_no_language_cookie(client, language, db):
    client.cookies[COOKIE] = language

    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert COOKIE not in response.cookies
