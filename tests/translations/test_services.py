"""save_translation: the one write path of translations (add, replace with a reason)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tracker.audit.chain import verify_chain
from tracker.audit.models import AuditEntry
from tracker.core.models import Translation
from tracker.translations.services import StaleTranslation, save_translation

AT = timezone.make_aware(datetime.datetime(2026, 2, 3, 10, 0))


def test_a_delegate_adds_the_translation_of_a_progress_note(note, member_ua):
    translation = save_translation(
        member_ua, note, "note", language="en", text="  Tender documents drafted. ", at=AT
    )

    assert translation.text == "Tender documents drafted."
    assert (translation.language, translation.field, translation.version) == ("en", "note", 1)
    assert translation.added_by == member_ua and translation.added_at == AT
    assert list(note.translations.values_list("text", flat=True)) == ["Tender documents drafted."]


def test_the_translation_joins_the_audit_chain_with_who_and_why(note, member_ua, member_us):
    first = save_translation(member_ua, note, "note", language="en", text="Drafted.")
    save_translation(
        member_ua,
        note,
        "note",
        language="en",
        text="Tender documents drafted.",
        reason="Fuller wording",
        version=first.version,
    )

    entries = AuditEntry.objects.filter(model="core.translation").order_by("seq")
    assert [(e.change_type, e.actor_id, e.reason) for e in entries] == [
        ("+", member_ua.pk, ""),
        ("~", member_ua.pk, "Fuller wording"),
    ]
    assert '"text":["Drafted.","Tender documents drafted."]' in entries[1].changes
    assert verify_chain().ok


def test_replacing_needs_a_reason_and_changes_nothing_without_one(note, member_ua):
    first = save_translation(member_ua, note, "note", language="en", text="Drafted.")

    with pytest.raises(ValidationError) as refused:
        save_translation(member_ua, note, "note", language="en", text="Other.", version=1)

    assert "reason" in refused.value.message_dict
    first.refresh_from_db()
    assert (first.text, first.version) == ("Drafted.", 1)


def test_a_form_rendered_from_an_older_translation_is_refused(note, member_ua, chair_ua):
    save_translation(member_ua, note, "note", language="en", text="Drafted.")
    save_translation(
        chair_ua, note, "note", language="en", text="Prepared.", reason="Term", version=1
    )

    with pytest.raises(StaleTranslation) as stale:
        save_translation(
            member_ua, note, "note", language="en", text="Mine.", reason="Mine", version=1
        )

    assert stale.value.current.text == "Prepared."
    assert Translation.objects.get().text == "Prepared."


def test_adding_where_someone_else_added_meanwhile_is_refused(note, member_ua, chair_ua):
    save_translation(chair_ua, note, "note", language="en", text="Prepared.")

    with pytest.raises(StaleTranslation):
        save_translation(member_ua, note, "note", language="en", text="Mine.", version=0)

    assert Translation.objects.get().text == "Prepared."


def test_both_languages_may_be_translated_side_by_side(check, monitor):
    save_translation(monitor, check, "finding", language="uk", text="Лише англійською.")
    save_translation(monitor, check, "finding", language="en", text="In English only.")

    assert sorted(check.translations.values_list("language", flat=True)) == ["en", "uk"]


@pytest.mark.parametrize(
    ("text", "message"),
    [("   ", "Write the translation."), ("x" * 5001, "Keep the translation to 5000 characters.")],
)
def test_bad_text_is_refused_beside_the_field(note, member_ua, text, message):
    with pytest.raises(ValidationError) as refused:
        save_translation(member_ua, note, "note", language="en", text=text)

    assert refused.value.message_dict == {"text": [message]}
    assert not Translation.objects.exists()


def test_a_dispute_title_is_held_to_the_titles_limit(dispute, member_us):
    with pytest.raises(ValidationError) as refused:
        save_translation(member_us, dispute, "title", language="uk", text="т" * 301)

    assert refused.value.message_dict == {"text": ["Keep the translation to 300 characters."]}


def test_an_empty_text_has_nothing_to_translate(dispute, member_ua):
    assert dispute.responding_position == ""
    with pytest.raises(ValidationError):
        save_translation(member_ua, dispute, "responding_position", language="en", text="No.")
    assert not Translation.objects.exists()


@pytest.mark.parametrize("who", ["member_us", "chair_us", "monitor", "observer", "staff_admin"])
def test_only_whoever_may_edit_the_record_translates_it(request, note, who):
    # Ukraine's milestone: Ukraine's delegation writes its notes.
    with pytest.raises(PermissionDenied):
        save_translation(request.getfixturevalue(who), note, "note", language="en", text="X")
    assert not Translation.objects.exists()


def test_each_kind_of_record_asks_its_own_rule(
    check, action, dispute, comment, monitor, member_us, member_ua, chair_ua
):
    save_translation(monitor, check, "finding", language="uk", text="Лише англійською.")
    save_translation(monitor, action, "description", language="uk", text="Опублікувати.")
    save_translation(member_us, dispute, "title", language="uk", text="Затримка даних")
    save_translation(member_us, dispute, "raising_position", language="uk", text="Два тижні.")
    save_translation(monitor, comment, "text", language="en", text="By the month's end.")
    with pytest.raises(PermissionDenied):  # the responding party does not retitle a dispute
        save_translation(chair_ua, dispute, "title", language="en", text="Other")
    with pytest.raises(PermissionDenied):  # members do not translate findings
        save_translation(member_ua, check, "finding", language="en", text="Other")

    assert Translation.objects.count() == 5
