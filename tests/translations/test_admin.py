"""The admin lists translations and their history, and changes none of them."""

from __future__ import annotations

from tracker.core.models import Translation
from tracker.translations.services import save_translation


def test_staff_read_translations_in_the_admin_and_cannot_change_them(
    login, staff_admin, member_ua, note
):
    translation = save_translation(member_ua, note, "note", language="en", text="Drafted.")
    client = login(staff_admin)

    listing = client.get("/admin/core/translation/")
    assert listing.status_code == 200
    assert "Drafted." not in listing.content.decode()  # the list names the record only
    assert client.get(f"/admin/core/translation/{translation.pk}/history/").status_code == 200
    assert client.get("/admin/core/translation/add/").status_code == 403
    response = client.post(
        f"/admin/core/translation/{translation.pk}/change/", {"text": "Changed."}
    )
    assert response.status_code == 403
    assert Translation.objects.get().text == "Drafted."
