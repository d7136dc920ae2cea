"""Content in both languages: pages show the active language's text, falling back to the other.

Agreements, provisions, milestones, checks' criteria, minerals and organisations carry an
English and a Ukrainian field; pages show `display_*` and admin forms accept both.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.conf import settings
from django.urls import reverse

from tests.conftest import make_milestone
from tracker.core.models import Agreement, Category, Mineral, Organisation, Provision
from tracker.milestones.models import ProgressUpdate
from tracker.monitoring.models import MonitoringCheck, Result

ENGLISH = {
    "provision": "Joint geological surveys",
    "milestone": "Publish the survey tender",
    "criterion": "Tender published openly",
}
UKRAINIAN = {
    "provision": "Спільні геологічні дослідження",
    "milestone": "Оприлюднити тендер на дослідження",
    "criterion": "Тендер оприлюднено відкрито",
}


@pytest.fixture
def content(provision, monitor, member_ua):
    milestone = make_milestone(
        provision,
        "UA",
        title=ENGLISH["milestone"],
        title_uk=UKRAINIAN["milestone"],
        due_date=datetime.date.today() + datetime.timedelta(days=5),
    )
    check = MonitoringCheck.objects.create(
        provision=provision,
        milestone=milestone,
        criterion=ENGLISH["criterion"],
        criterion_uk=UKRAINIAN["criterion"],
        monitor=monitor,
        result=Result.NON_COMPLIANT,
        severity="major",
        finding="Tender notice missing",
    )
    ProgressUpdate.objects.create(
        milestone=milestone,
        author=member_ua,
        old_status="not_started",
        new_status="in_progress",
        percent=10,
    )
    return {"provision": provision, "milestone": milestone, "check": check}


PAGES = {
    "dashboard": (lambda c: reverse("dashboard"), ["provision"]),
    "provision list": (lambda c: reverse("provision_list"), ["provision"]),
    "provision detail": (
        lambda c: reverse("provision_detail", args=[c["provision"].pk]),
        ["provision", "milestone", "criterion"],
    ),
    "milestone list": (lambda c: reverse("milestones:list"), ["milestone"]),
    "milestone detail": (
        lambda c: reverse("milestones:detail", args=[c["milestone"].pk]),
        ["milestone"],
    ),
    "activity": (lambda c: reverse("milestones:activity"), ["milestone"]),
    "check list": (lambda c: reverse("monitoring:list"), ["criterion"]),
    # The check page lists the criterion in both languages on purpose (monitors keep both);
    # its heading follows the active language.
    "check detail": (
        lambda c: reverse("monitoring:detail", args=[c["check"].pk]),
        ["heading:criterion"],
    ),
    "compliance report": (lambda c: reverse("reports:compliance"), ["provision"]),
}


def page(client, url: str, language: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def assert_shows(html: str, kind: str, wanted: dict, other: dict, where: str) -> None:
    if kind.startswith("heading:"):
        kind = kind.removeprefix("heading:")
        heading = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
        assert heading is not None, f"{where}: no heading"
        html = heading.group(1)
    assert wanted[kind] in html, f"{where}: {kind} not shown"
    assert other[kind] not in html, f"{where}: {kind} shown in the other language"


@pytest.mark.parametrize("name", PAGES)
def test_page_shows_ukrainian_content_in_ukrainian(name, content, login, monitor):
    url_of, shown = PAGES[name]

    html = page(login(monitor), url_of(content), "uk")

    for kind in shown:
        assert_shows(html, kind, UKRAINIAN, ENGLISH, f"{name}, in Ukrainian")


@pytest.mark.parametrize("name", PAGES)
def test_page_shows_english_content_in_english(name, content, login, monitor):
    url_of, shown = PAGES[name]

    html = page(login(monitor), url_of(content), "en")

    for kind in shown:
        assert_shows(html, kind, ENGLISH, UKRAINIAN, f"{name}, in English")


def test_text_without_a_translation_falls_back_to_the_other_language(provision, login, monitor):
    untranslated = make_milestone(provision, "UA", title="Only in English", title_uk="")
    only_ukrainian = make_milestone(provision, "US", title="", title_uk="Лише українською")
    client = login(monitor)

    ukrainian = page(client, reverse("provision_detail", args=[provision.pk]), "uk")
    english = page(client, reverse("provision_detail", args=[provision.pk]), "en")

    assert untranslated.title in ukrainian
    assert only_ukrainian.title_uk in english


BILINGUAL_ADMIN_FIELDS = {
    Agreement: ["title", "title_uk", "place", "place_uk", "summary", "summary_uk"],
    Provision: ["title", "title_uk", "text", "text_uk"],
    # Milestones are planned on the planning pages and checks recorded by monitors in the
    # tracker (their forms have both languages); the admin only shows them.
    Mineral: ["name", "name_uk"],
    Organisation: ["name", "name_uk"],
}


@pytest.mark.parametrize("model", BILINGUAL_ADMIN_FIELDS, ids=lambda model: model.__name__)
def test_admin_form_has_both_languages(model, login, staff_admin):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")

    html = login(staff_admin).get(url).content.decode()

    for field in BILINGUAL_ADMIN_FIELDS[model]:
        assert f'name="{field}"' in html, f"{model.__name__} admin lacks {field}"


def test_admin_saves_a_provision_in_both_languages(login, staff_admin, agreement):
    response = login(staff_admin).post(
        reverse("admin:core_provision_add"),
        {
            "agreement": agreement.pk,
            "reference": "P-09",
            "title": "Critical-minerals data room",
            "title_uk": "Кімната даних щодо критичних корисних копалин",
            "text": "The parties open a shared data room.",
            "text_uk": "Сторони відкривають спільну кімнату даних.",
            "category": Category.GEOLOGICAL_SURVEY,
            "responsible_party": "JOINT",
            # Stages are checkboxes (none ticked); the provision's milestones are an inline.
            "milestones-TOTAL_FORMS": "0",
            "milestones-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    provision = Provision.objects.get(reference="P-09")
    assert provision.title_uk == "Кімната даних щодо критичних корисних копалин"
    assert provision.text_uk == "Сторони відкривають спільну кімнату даних."


def test_check_form_accepts_the_criterion_in_both_languages(login, monitor, provision):
    html = login(monitor).get(reverse("monitoring:create")).content.decode()

    assert 'name="criterion"' in html
    assert 'name="criterion_uk"' in html
