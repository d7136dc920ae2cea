"""The translation page and its htmx fragments, and the translations on the records' pages."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.urls import reverse

from tests.translations.conftest import progress
from tracker.core.models import Translation
from tracker.translations.services import save_translation


def url(kind: str, record, field: str) -> str:
    return reverse("translations:edit", args=[kind, record.pk, field])


def milestone_page(note) -> str:
    return reverse("milestones:detail", args=[note.milestone_id])


def test_the_page_shows_the_original_and_the_form(login, member_ua, note):
    response = login(member_ua).get(url("progress", note, "note"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" in page
    assert "Тендерну документацію підготовлено." in page
    assert 'name="text"' in page and 'name="version" value="0"' in page
    # The reader works in English, so the note is most likely to need Ukrainian... unless
    # the reader asks for a language.
    assert '<option value="uk" selected>' in page


def test_the_page_opens_on_a_chosen_languages_translation(login, member_ua, note):
    save_translation(member_ua, note, "note", language="en", text="Tender documents drafted.")

    page = login(member_ua).get(url("progress", note, "note") + "?language=en").content.decode()

    assert "Tender documents drafted.</textarea>" in page
    assert 'name="version" value="1"' in page


def test_the_htmx_fragment_is_the_editor_in_place(login, member_ua, note):
    response = login(member_ua).get(url("progress", note, "note"), headers={"HX-Request": "true"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    assert f'id="translation-progress-{note.pk}-note"' in page
    assert 'hx-post="' in page and "<textarea" in page


def test_cancel_puts_the_translations_back_without_the_form(login, member_ua, note):
    response = login(member_ua).get(
        url("progress", note, "note") + "?cancel=1", headers={"HX-Request": "true"}
    )

    page = response.content.decode()
    assert "<html" not in page and "<textarea" not in page
    assert "Add a translation" in page


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_are_not_allowed(login, member_ua, note, method):
    response = getattr(login(member_ua), method)(url("progress", note, "note"))
    assert response.status_code == 405


def test_a_plain_post_saves_and_returns_to_the_record(login, member_ua, note):
    response = login(member_ua).post(
        url("progress", note, "note"),
        {"language": "en", "text": "Tender documents drafted.", "reason": "", "version": 0},
    )

    assert response.status_code == 302
    assert response["Location"] == f"{milestone_page(note)}#update-{note.pk}"
    translation = Translation.objects.get()
    assert (translation.text, translation.language, translation.added_by) == (
        "Tender documents drafted.",
        "en",
        member_ua,
    )


def test_an_htmx_post_answers_the_translation_in_place(login, member_ua, note):
    response = login(member_ua).post(
        url("progress", note, "note"),
        {"language": "en", "text": "Tender documents drafted.", "reason": "", "version": 0},
        headers={"HX-Request": "true"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page and "<textarea" not in page
    assert "Tender documents drafted." in page
    assert "Translation into English, added by" in page


def test_bad_input_is_refused_beside_the_field_and_kept(login, member_ua, note):
    response = login(member_ua).post(
        url("progress", note, "note"),
        {"language": "en", "text": "   ", "reason": "My reason", "version": 0},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "Write the translation." in page
    assert 'value="My reason"' in page
    assert not Translation.objects.exists()


def test_a_replacement_without_a_reason_is_refused(login, member_ua, note):
    save_translation(member_ua, note, "note", language="en", text="Drafted.")

    response = login(member_ua).post(
        url("progress", note, "note"),
        {"language": "en", "text": "Tender documents drafted.", "reason": "", "version": 1},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 400
    assert "Say why the translation is replaced." in response.content.decode()
    assert Translation.objects.get().text == "Drafted."


def test_a_stale_edit_answers_409_with_the_current_text_and_keeps_the_input(
    login, member_ua, chair_ua, note
):
    save_translation(member_ua, note, "note", language="en", text="Drafted.")
    save_translation(
        chair_ua, note, "note", language="en", text="Prepared.", reason="Term", version=1
    )

    response = login(member_ua).post(
        url("progress", note, "note"),
        {"language": "en", "text": "Mine.", "reason": "Better", "version": 1},
    )

    page = response.content.decode()
    assert response.status_code == 409
    assert "someone else saved this translation in the meantime" in page
    assert "Prepared." in page  # the current text
    assert "Mine.</textarea>" in page  # the input kept
    assert 'name="version" value="2"' in page  # saving again is deliberate
    assert Translation.objects.get().text == "Prepared."


def test_a_person_who_may_not_edit_the_record_is_refused(login, member_us, note):
    response = login(member_us).post(
        url("progress", note, "note"),
        {"language": "en", "text": "X", "reason": "", "version": 0},
    )

    assert response.status_code == 403
    assert login(member_us).get(url("progress", note, "note")).status_code == 403
    assert not Translation.objects.exists()


def test_a_user_without_a_role_is_refused(login, outsider, note):
    assert login(outsider).get(url("progress", note, "note")).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, note):
    response = client.get(url("progress", note, "note"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_an_observer_never_reaches_a_task_force_record_or_its_translation(
    login, observer, note, dispute, member_ua, member_us
):
    save_translation(member_ua, note, "note", language="en", text="Tender documents drafted.")
    save_translation(member_us, dispute, "title", language="uk", text="Затримка даних")
    client = login(observer)

    assert client.get(url("progress", note, "note")).status_code == 404
    assert client.get(url("dispute", dispute, "title")).status_code == 404
    assert "Tender documents drafted." not in client.get(milestone_page(note)).content.decode()


def test_an_observer_reads_the_translation_of_a_public_note(
    login, observer, milestone_ua, member_ua
):
    public = progress(milestone_ua, member_ua, "Тендер оголошено.", visibility="public")
    save_translation(member_ua, public, "note", language="en", text="Tender announced.")

    page = login(observer).get(milestone_page(public)).content.decode()

    assert "Tender announced." in page
    assert "Add a translation" not in page and "?language=en" not in page
    assert login(observer).get(url("progress", public, "note")).status_code == 403


@pytest.mark.parametrize(
    "path",
    ["/translations/milestone/1/title/", "/translations/progress/1/author/"],
)
def test_a_kind_or_field_that_is_not_translatable_is_404(login, member_ua, note, path):
    assert login(member_ua).get(path).status_code == 404


def test_the_milestone_page_shows_the_translation_beside_the_note(login, member_ua, note):
    member_ua.first_name, member_ua.last_name = "Olena", "Koval"
    member_ua.save(update_fields=["first_name", "last_name"])
    save_translation(member_ua, note, "note", language="en", text="Tender documents drafted.")

    page = login(member_ua).get(milestone_page(note)).content.decode()

    assert 'lang="en"' in page
    assert "Translation into English, added by Olena Koval" in page
    assert "Tender documents drafted." in page
    # Replacing the English one, or adding the one language still missing.
    assert f'href="{url("progress", note, "note")}?language=en"' in page
    assert "Add a translation" in page


def test_with_both_languages_translated_only_replacing_is_offered(login, member_ua, note):
    save_translation(member_ua, note, "note", language="en", text="Drafted.")
    save_translation(member_ua, note, "note", language="uk", text="Підготовлено.")

    page = login(member_ua).get(milestone_page(note)).content.decode()

    assert "Add a translation" not in page
    assert page.count(f'href="{url("progress", note, "note")}?language=') == 2


def test_the_record_pages_offer_the_translation_to_whoever_may_edit(
    login, monitor, member_us, member_ua, check, action, dispute, comment
):
    check_page = login(monitor).get(reverse("monitoring:detail", args=[check.pk]))
    assert url("check", check, "finding") in check_page.content.decode()
    assert url("action", action, "description") in check_page.content.decode()
    dispute_page = reverse("disputes:detail", args=[dispute.pk])
    raising = login(member_us).get(dispute_page).content.decode()
    assert url("dispute", dispute, "title") in raising
    assert url("dispute", dispute, "raising_position") in raising
    assert url("comment", comment, "text") in raising
    responding = login(member_ua).get(dispute_page).content.decode()
    assert url("dispute", dispute, "title") not in responding


def test_the_ukrainian_page_marks_the_translation_in_ukrainian(login, member_ua, note):
    save_translation(member_ua, note, "note", language="en", text="Tender documents drafted.")
    client = login(member_ua)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "uk"

    page = client.get(milestone_page(note)).content.decode()

    assert "Переклад (мова: Англійська)" in page


def _add_notes(milestone, author, count: int) -> None:
    for index in range(count):
        update = progress(milestone, author, f"Крок {index}")
        save_translation(author, update, "note", language="en", text=f"Step {index}")
        milestone.refresh_from_db()


@pytest.mark.parametrize("notes", [1, 12])
def test_the_milestone_page_reads_translations_in_one_query(
    login, member_ua, milestone_ua, notes, django_assert_num_queries
):
    _add_notes(milestone_ua, member_ua, notes)
    client = login(member_ua)

    # Session, user, milestone, the agreements, log entries, their evidence, their
    # translations, the history, the header's unread count: the same for 1 and 12 notes.
    with django_assert_num_queries(9):
        response = client.get(reverse("milestones:detail", args=[milestone_ua.pk]))

    assert response.content.decode().count("Translation into English") == notes


def test_the_dispute_page_reads_translations_in_one_query_per_model(
    login, member_us, member_ua, dispute, django_assert_max_num_queries
):
    from tracker.disputes.services import add_comment

    def comment(index: int) -> None:
        event = add_comment(member_ua, dispute, f"Коментар {index}")
        save_translation(member_ua, event, "text", language="en", text=f"Comment {index}")

    save_translation(member_us, dispute, "title", language="uk", text="Затримка даних")
    comment(0)
    client = login(member_us)
    page = reverse("disputes:detail", args=[dispute.pk])
    with django_assert_max_num_queries(30) as few:
        assert client.get(page).content.decode().count("Translation into") == 2
    for index in range(1, 9):
        comment(index)

    with django_assert_max_num_queries(30) as many:
        assert client.get(page).content.decode().count("Translation into") == 10

    assert len(many) == len(few)


def test_an_empty_text_offers_no_translation_and_its_page_is_404(login, member_ua, dispute):
    client = login(member_ua)  # the responding party, whose position is not recorded yet

    page = client.get(reverse("disputes:detail", args=[dispute.pk])).content.decode()

    assert url("dispute", dispute, "responding_position") not in page
    assert client.get(url("dispute", dispute, "responding_position")).status_code == 404


def test_the_check_page_reads_the_translations_of_its_actions_in_one_query(
    login, monitor, check, django_assert_max_num_queries
):
    from tracker.monitoring.models import CorrectiveAction

    def add_actions(start: int, count: int) -> None:
        for index in range(start, start + count):
            action = CorrectiveAction.objects.create(
                check_record=check,
                description=f"Action {index}",
                owner_party="UA",
                due_date=datetime.date(2099, 1, 1),
            )
            save_translation(monitor, action, "description", language="uk", text=f"Захід {index}")

    save_translation(monitor, check, "finding", language="uk", text="Лише англійською.")
    add_actions(0, 1)
    client = login(monitor)
    page = reverse("monitoring:detail", args=[check.pk])
    with django_assert_max_num_queries(40) as few:
        assert client.get(page).content.decode().count("Translation into Ukrainian") == 2
    add_actions(1, 9)

    with django_assert_max_num_queries(40) as many:
        assert client.get(page).content.decode().count("Translation into Ukrainian") == 11

    assert len(many) == len(few)


@pytest.mark.parametrize("kind", ["progress", "check", "action", "dispute", "comment"])
def test_an_id_beyond_64_bits_is_404_not_500(login, monitor, kind):
    field = {
        "progress": "note",
        "check": "finding",
        "action": "description",
        "dispute": "title",
        "comment": "text",
    }[kind]
    path = f"/translations/{kind}/99999999999999999999999/{field}/"
    assert login(monitor).get(path).status_code == 404


@pytest.mark.parametrize("language", ["xx", "%C2%B2", "", "uk-x"])
def test_a_crafted_language_opens_the_form_on_a_language_it_offers(
    login, member_ua, note, language
):
    response = login(member_ua).get(url("progress", note, "note") + f"?language={language}")
    assert response.status_code == 200
    assert '<option value="uk" selected>' in response.content.decode()


@pytest.mark.parametrize("version", ["²", "-1", "99999999999999999999999", "x"])
def test_a_crafted_version_is_refused_as_bad_input(login, member_ua, note, version):
    response = login(member_ua).post(
        url("progress", note, "note"),
        {"language": "en", "text": "Drafted.", "reason": "", "version": version},
    )
    assert response.status_code in (400, 409)
    assert not Translation.objects.exists()
