"""The dashboard's key figures take the plural form of their count: "1 open dispute",
"2 open disputes"; in Ukrainian "1 відкритий спір", "2 відкриті спори", "5 відкритих спорів",
"21 відкритий спір"."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from tests.conftest import make_milestone
from tests.reports.conftest import make_dispute

URL = reverse("dashboard")

WORDS = {
    "en": {
        1: ("milestone", "overdue", "open dispute"),
        2: ("milestones", "overdue", "open disputes"),
    },
    "uk": {
        1: ("етап", "прострочений", "відкритий спір"),
        2: ("етапи", "прострочені", "відкриті спори"),
        5: ("етапів", "прострочених", "відкритих спорів"),
        21: ("етап", "прострочений", "відкритий спір"),
    },
}
CASES = [(language, n) for language, counts in WORDS.items() for n in counts]


@pytest.mark.parametrize(("language", "n"), CASES)
def test_key_figures_take_the_plural_form_of_their_count(
    login, monitor, member_us, provision, language, n
):
    past = datetime.date(2026, 1, 15)
    for i in range(n):
        make_milestone(provision, "UA", title=f"Overdue {i}", due_date=past)
    for i in range(n):
        make_dispute(provision.agreement, member_us, [provision], title=f"Dispute {i}")
    client = login(monitor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    html = client.get(URL).content.decode()

    milestones, overdue, disputes = WORDS[language][n]
    assert f'<span class="figure">{n}</span> {milestones}</a>' in html
    assert f'<span class="figure">{n}</span> {overdue}</a>' in html
    assert f'<span class="figure">{n}</span> {disputes}</a>' in html


@pytest.mark.parametrize(
    ("language", "n", "word"),
    [
        ("en", 1, "unread"),
        ("en", 2, "unread"),
        ("uk", 1, "непрочитане"),
        ("uk", 2, "непрочитані"),
        ("uk", 5, "непрочитаних"),
        ("uk", 21, "непрочитане"),
    ],
)
def test_the_unread_count_takes_the_plural_form(member_us, language, n, word):
    with translation.override(language):
        html = render_to_string(
            "notifications/unread_count.html", {"user": member_us, "unread_notifications": n}
        )

    assert (
        f'<span class="unread-number">{n}</span><span class="visually-hidden"> {word}</span>'
        in html
    )
