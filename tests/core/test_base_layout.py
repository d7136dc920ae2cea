"""The frame of every page: who is logged in, navigation, messages, language, log-out."""

import re

import pytest
from django.urls import reverse

PAGE = "/provisions/"


def test_header_names_the_user_with_role_and_party(login, member_ua):
    member_ua.first_name, member_ua.last_name = "Taras", "Melnyk"
    member_ua.save()
    html = login(member_ua).get(PAGE).content.decode()
    assert "Taras Melnyk" in html
    assert "Member · Ukraine" in html


def test_user_without_a_role_is_told_so(login, outsider):
    html = login(outsider).get(PAGE).content.decode()
    assert "No role yet" in html
    assert '<nav class="site-nav"' not in html


def test_navigation_reaches_every_section_and_marks_the_current_one(login, observer):
    html = login(observer).get(PAGE).content.decode()
    nav = re.search(r'<nav class="site-nav".*?</nav>', html, re.S).group(0)
    for name in (
        "dashboard",
        "provision_list",
        "milestones:list",
        "monitoring:list",
        "disputes:list",
        "milestones:activity",
        "reports:compliance",
    ):
        assert f'href="{reverse(name)}"' in nav, name
    assert re.search(r'href="/provisions/"\s+aria-current="page"', nav)
    assert "/admin/" not in nav


def test_staff_see_the_admin_link(login, staff_admin):
    html = login(staff_admin).get(PAGE).content.decode()
    assert 'href="/admin/"' in html


def test_log_out_is_a_post_form(login, observer):
    html = login(observer).get(PAGE).content.decode()
    logout = re.search(r'<form action="/accounts/logout/" method="post">(.*?)</form>', html, re.S)
    assert 'name="csrfmiddlewaretoken"' in logout.group(1)


def test_log_out_by_get_is_refused_and_by_post_works(login, observer):
    client = login(observer)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get(PAGE).status_code == 302


def test_page_has_landmarks_skip_link_and_language(login, observer):
    html = login(observer).get(PAGE).content.decode()
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert "<header" in html and "<footer" in html
    assert '<html lang="en">' in html
    assert 'action="/i18n/setlang/" method="post"' in html
    assert '<label for="language-select"' in html


def test_language_switch_turns_the_page_ukrainian(login, observer):
    client = login(observer)
    client.post("/i18n/setlang/", {"language": "uk", "next": PAGE})
    html = client.get(PAGE).content.decode()
    assert '<html lang="uk">' in html
    observer.refresh_from_db()
    assert observer.language == "uk"


def test_every_page_carries_a_strict_csp_and_no_inline_code(login, observer):
    response = login(observer).get(PAGE)
    csp = response["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", csp).group(1)
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    html = response.content.decode()
    assert " style=" not in html
    assert "hx-on" not in html
    for script in re.findall(r"<script[^>]*>", html):
        assert "nonce=" in script and "src=" in script


def test_htmx_sends_the_csrf_token_and_runs_without_eval(login, observer):
    html = login(observer).get(PAGE).content.decode()
    assert re.search(r"hx-headers='\{\"X-CSRFToken\": \"\w+\"\}'", html)
    assert '"allowEval": false' in html
    assert '"includeIndicatorStyles": false' in html


def test_messages_are_shown_in_a_live_region(login, observer, settings):
    html = login(observer).get(PAGE).content.decode()
    assert '<div id="messages" class="messages" role="status" aria-live="polite"' in html


@pytest.mark.django_db
def test_login_page_has_labelled_fields_and_no_navigation(client):
    html = client.get("/accounts/login/").content.decode()
    assert '<label for="id_username">' in html
    assert '<label for="id_password">' in html
    assert '<nav class="site-nav"' not in html


@pytest.mark.django_db
def test_wrong_password_and_unknown_user_get_the_same_message(client, observer):
    wrong = client.post("/accounts/login/", {"username": "observer", "password": "nope"})
    unknown = client.post("/accounts/login/", {"username": "nobody", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 200
    message = re.search(r'<div class="error-summary".*?</div>', wrong.content.decode(), re.S)
    assert message.group(0) in unknown.content.decode()


def test_static_assets_are_local(login, observer):
    html = login(observer).get(PAGE).content.decode()
    for url in re.findall(r'(?:src|href)="([^"]+\.(?:css|js|svg))"', html):
        assert url.startswith("/static/"), url


@pytest.mark.django_db
def test_empty_log_in_fields_are_explained_next_to_them_and_the_name_kept(client):
    response = client.post("/accounts/login/", {"username": "someone", "password": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_password-error"' in html
    assert 'aria-describedby="id_password-error"' in html
    assert 'value="someone"' in html
