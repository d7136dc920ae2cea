"""Adding and editing an organisation: who may, bad input beside the field, conflicts."""

from __future__ import annotations

import pytest

from tests.accounts.scenarios import database_snapshot
from tracker.core.models import Organisation

HTMX = {"HTTP_HX_REQUEST": "true"}
NEW = "/organisations/new/"


def new_data(**overrides) -> dict:
    return {
        "name": "Critical Minerals Office",
        "name_uk": "Офіс критичних мінералів",
        "kind": "agency",
        "affiliation": "US",
        "reason": "Joined the working group.",
        **overrides,
    }


def edit_url(organisation) -> str:
    return f"/organisations/{organisation.pk}/edit/"


def edit_data(organisation, **overrides) -> dict:
    return {
        "version": organisation.version,
        "name": organisation.name,
        "name_uk": organisation.name_uk,
        "kind": organisation.kind,
        "affiliation": organisation.affiliation,
        "reason": "Renamed by decree.",
        **overrides,
    }


# --- adding ---------------------------------------------------------------------------------


def test_form_page_puts_both_names_side_by_side(login, chair_us):
    response = login(chair_us).get(NEW)

    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" in page
    pair = page.split('class="field-pair"')[1].split('name="kind"')[0]
    assert 'name="name"' in pair and 'name="name_uk"' in pair
    assert 'lang="uk"' in pair


def test_co_chair_is_offered_their_party_and_independent_only(login, chair_us):
    page = login(chair_us).get(NEW).content.decode()

    assert '<option value="US">United States</option>' in page
    assert '<option value="IND">Independent</option>' in page
    assert '<option value="UA">' not in page


def test_staff_admin_is_offered_every_party(login, staff_admin):
    page = login(staff_admin).get(NEW).content.decode()

    for code in ("US", "UA", "IND"):
        assert f'<option value="{code}">' in page


def test_htmx_get_of_the_form_gets_the_form_alone(login, chair_us):
    body = login(chair_us).get(NEW, **HTMX).content.decode()

    assert "<html" not in body
    assert body.lstrip().startswith('<div id="organisation-form"')


def test_co_chair_adds_an_organisation_and_lands_on_its_page(login, chair_us):
    client = login(chair_us)
    response = client.post(NEW, new_data())

    organisation = Organisation.objects.get(name="Critical Minerals Office")
    assert response.status_code == 302
    assert response["Location"] == f"/organisations/{organisation.pk}/"
    assert organisation.history.get().history_change_reason == "Joined the working group."
    page = client.get(response["Location"]).content.decode()
    assert "Organisation added to the directory." in page


def test_htmx_add_redirects_the_browser(login, staff_admin):
    response = login(staff_admin).post(NEW, new_data(affiliation="UA"), **HTMX)

    organisation = Organisation.objects.get(name="Critical Minerals Office")
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"/organisations/{organisation.pk}/"


def test_duplicate_name_is_explained_beside_the_field_and_input_kept(login, chair_ua, organisation):
    client = login(chair_ua)
    before = database_snapshot()

    response = client.post(
        NEW, new_data(name="state geological  SERVICE", name_uk="Нова назва", affiliation="UA")
    )

    assert response.status_code == 400
    page = response.content.decode()
    name_field = page.split('<label for="id_name">')[1].split("</div>")[0]
    assert "Another organisation already has this name: State Geological Service" in name_field
    assert 'value="state geological  SERVICE"' in page
    assert 'value="Нова назва"' in page
    assert database_snapshot() == before


def test_duplicate_ukrainian_name_is_explained_beside_its_field(login, staff_admin, directory):
    response = login(staff_admin).post(
        NEW, new_data(name="Economy Ministry", name_uk="МІНІСТЕРСТВО економіки")
    )

    assert response.status_code == 400
    field = response.content.decode().split('<label for="id_name_uk">')[1].split("</div>")[0]
    assert "Another organisation already has this name: Ministry of Economy" in field
    assert Organisation.objects.count() == 4


def test_missing_fields_are_each_explained_and_nothing_saved(login, chair_us):
    response = login(chair_us).post(NEW, new_data(name="", kind="", affiliation=""))

    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter the organisation&#x27;s name in English." in page
    assert "Choose the kind of organisation." in page
    assert "Choose a party, or Independent." in page
    assert 'class="error-summary"' in page
    assert not Organisation.objects.exists()


def test_htmx_bad_input_gets_the_form_alone_with_its_errors(login, chair_us):
    response = login(chair_us).post(NEW, new_data(kind=""), **HTMX)

    assert response.status_code == 400
    body = response.content.decode()
    assert "<html" not in body
    assert body.lstrip().startswith('<div id="organisation-form"')
    assert "Choose the kind of organisation." in body
    assert 'value="Critical Minerals Office"' in body


def test_co_chair_may_not_add_an_organisation_of_the_other_party(login, chair_us):
    client = login(chair_us)
    before = database_snapshot()

    response = client.post(NEW, new_data(affiliation="UA"))

    assert response.status_code == 403
    assert database_snapshot() == before


@pytest.mark.parametrize("person", ["member_us", "monitor", "observer"])
def test_roles_that_may_not_add_are_refused_the_form_and_the_post(request, login, person):
    client = login(request.getfixturevalue(person))

    assert client.get(NEW).status_code == 403
    assert client.post(NEW, new_data(affiliation="IND")).status_code == 403
    assert not Organisation.objects.exists()


def test_user_without_a_role_is_refused(login, outsider):
    assert login(outsider).get(NEW).status_code == 403


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_form_answers_other_methods_with_405(login, chair_us, organisation, method):
    client = login(chair_us)

    assert getattr(client, method)(NEW).status_code == 405
    assert getattr(client, method)(edit_url(organisation)).status_code == 405


# --- editing --------------------------------------------------------------------------------


def test_edit_form_is_filled_in_with_the_current_values(login, chair_ua, organisation):
    response = login(chair_ua).get(edit_url(organisation))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="State Geological Service"' in page
    assert '<input type="hidden" name="version" value="1"' in page
    assert '<option value="agency" selected>' in page
    assert "Reason for the change" in page


def test_co_chair_edits_their_partys_organisation(login, chair_ua, organisation):
    response = login(chair_ua).post(
        edit_url(organisation), edit_data(organisation, name="State Geological Survey")
    )

    assert response.status_code == 302
    assert response["Location"] == f"/organisations/{organisation.pk}/"
    organisation.refresh_from_db()
    assert (organisation.name, organisation.version) == ("State Geological Survey", 2)
    assert organisation.history.first().history_change_reason == "Renamed by decree."


def test_htmx_edit_redirects_the_browser(login, chair_ua, organisation):
    response = login(chair_ua).post(
        edit_url(organisation), edit_data(organisation, kind="international"), **HTMX
    )

    assert response["HX-Redirect"] == f"/organisations/{organisation.pk}/"


def test_an_edit_without_a_reason_is_explained_and_saves_nothing(login, chair_ua, organisation):
    client = login(chair_ua)
    before = database_snapshot()

    response = client.post(
        edit_url(organisation), edit_data(organisation, name="State Survey", reason="")
    )

    assert response.status_code == 400
    page = response.content.decode()
    field = page.split('<label for="id_reason">')[1].split("</div>")[0]
    assert "Say why the organisation changes" in field
    assert 'value="State Survey"' in page
    assert database_snapshot() == before


def test_an_edit_that_changes_nothing_says_so(login, chair_ua, organisation):
    response = login(chair_ua).post(edit_url(organisation), edit_data(organisation))

    assert response.status_code == 400
    assert "Nothing to save: no field was changed." in response.content.decode()
    assert organisation.history.count() == 1


def test_an_edit_may_not_take_another_organisations_name(
    login, staff_admin, organisation, directory
):
    response = login(staff_admin).post(
        edit_url(organisation), edit_data(organisation, name_uk="міністерство ЕКОНОМІКИ")
    )

    assert response.status_code == 400
    assert "Another organisation already has this name: Ministry of Economy" in (
        response.content.decode()
    )
    organisation.refresh_from_db()
    assert organisation.name_uk == ""


def test_an_edit_from_a_stale_form_shows_the_current_values_and_keeps_the_input(
    login, chair_ua, staff_admin, organisation
):
    stale = edit_data(organisation, name="Geology Service", reason="Shorter name.")
    login(staff_admin).post(
        edit_url(organisation), edit_data(organisation, name="State Geological Survey")
    )

    response = login(chair_ua).post(edit_url(organisation), stale)

    assert response.status_code == 409
    page = response.content.decode()
    assert "Not saved: someone else changed this organisation in the meantime" in page
    assert "Last saved by Admin" in page
    assert "It now reads: State Geological Survey" in page
    assert 'value="Geology Service"' in page  # the input, kept
    assert '<input type="hidden" name="version" value="2"' in page
    organisation.refresh_from_db()
    assert organisation.name == "State Geological Survey"

    # Saving again from the refreshed form is a deliberate choice and goes through.
    again = login(chair_ua).post(edit_url(organisation), {**stale, "version": 2})
    assert again.status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == "Geology Service"


def test_htmx_conflict_gets_the_form_alone(login, chair_ua, staff_admin, organisation):
    stale = edit_data(organisation, name="Geology Service")
    login(staff_admin).post(edit_url(organisation), edit_data(organisation, kind="company"))

    response = login(chair_ua).post(edit_url(organisation), stale, **HTMX)

    assert response.status_code == 409
    body = response.content.decode()
    assert "<html" not in body
    assert "someone else changed this organisation" in body


def test_co_chair_may_not_edit_the_other_partys_organisation(login, chair_us, organisation):
    client = login(chair_us)
    before = database_snapshot()

    assert client.get(edit_url(organisation)).status_code == 403
    response = client.post(edit_url(organisation), edit_data(organisation, name="Renamed"))

    assert response.status_code == 403
    assert database_snapshot() == before


def test_co_chair_may_not_move_an_organisation_to_the_other_party(login, chair_us, directory):
    ngo = directory["ngo"]
    client = login(chair_us)
    before = database_snapshot()

    response = client.post(edit_url(ngo), edit_data(ngo, affiliation="UA"))

    assert response.status_code == 403
    assert database_snapshot() == before


@pytest.mark.parametrize("person", ["member_ua", "monitor", "observer"])
def test_roles_that_may_not_edit_are_refused(request, login, organisation, person):
    client = login(request.getfixturevalue(person))

    assert client.get(edit_url(organisation)).status_code == 403
    response = client.post(edit_url(organisation), edit_data(organisation, name="Renamed"))
    assert response.status_code == 403
    organisation.refresh_from_db()
    assert organisation.name == "State Geological Service"


def test_editing_an_unknown_organisation_is_404(login, staff_admin):
    assert login(staff_admin).get("/organisations/999999/edit/").status_code == 404
