"""The admin, for staff entering data by hand: provisions on their agreement, milestones on
their provision, checkboxes for stages and minerals, organisation names checked as in the
directory, and no related row picked by a bare id."""

from __future__ import annotations

import datetime

from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.test import RequestFactory

from tracker.core.models import Mineral, Organisation, Provision
from tracker.milestones.models import Milestone


def provision_url(provision: Provision) -> str:
    return f"/admin/core/provision/{provision.pk}/change/"


def inline_management(prefix: str, total: int, initial: int) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def provision_data(provision: Provision, **fields) -> dict:
    return {
        "agreement": provision.agreement_id,
        "reference": provision.reference,
        "title": provision.title,
        "title_uk": provision.title_uk,
        "text": provision.text,
        "text_uk": provision.text_uk,
        "category": provision.category,
        "responsible_party": provision.responsible_party,
        **inline_management("milestones", 0, 0),
        "_save": "Save",
        **fields,
    }


def milestone_row(index: int, milestone: Milestone, **fields) -> dict:
    values = {
        "id": milestone.pk,
        "provision": milestone.provision_id,
        "title": milestone.title,
        "title_uk": milestone.title_uk,
        "responsible_party": milestone.responsible_party,
        "lead_organisation": milestone.lead_organisation_id or "",
        "due_date": milestone.due_date.isoformat(),
        **fields,
    }
    return {f"milestones-{index}-{name}": value for name, value in values.items()}


# --- agreements and provisions --------------------------------------------------------------


def test_agreement_page_lists_its_provisions_inline(login, staff_admin, provision):
    response = login(staff_admin).get(f"/admin/core/agreement/{provision.agreement_id}/change/")

    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="provisions-0-reference" value="P-01"' in page
    assert f'href="/admin/core/provision/{provision.pk}/change/"' in page  # its own page


def test_staff_adds_a_provision_on_the_agreement_page(login, staff_admin, agreement):
    data = {
        "title": agreement.title,
        "title_uk": agreement.title_uk,
        "short_name": agreement.short_name,
        "signed_on": agreement.signed_on.isoformat(),
        "place": agreement.place,
        **inline_management("provisions", 1, 0),
        "provisions-0-reference": "P-09",
        "provisions-0-title": "Critical minerals stockpile",
        "provisions-0-title_uk": "Запас критичних мінералів",
        "provisions-0-category": "investment_infrastructure",
        "provisions-0-responsible_party": "JOINT",
        "_save": "Save",
    }

    response = login(staff_admin).post(f"/admin/core/agreement/{agreement.pk}/change/", data)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert agreement.provisions.get().reference == "P-09"


def test_provision_page_offers_stages_and_minerals_as_checkboxes(login, staff_admin, provision):
    Mineral.objects.create(name="Lithium", name_uk="Літій")
    provision.value_chain_stages = ["extraction"]
    provision.save()

    page = login(staff_admin).get(provision_url(provision)).content.decode()

    assert 'type="checkbox" name="value_chain_stages" value="exploration"' in page
    assert 'type="checkbox" name="value_chain_stages" value="extraction" id=' in page
    assert 'value="extraction" id="id_value_chain_stages_1" checked' in page
    assert 'type="checkbox" name="minerals"' in page
    assert "value_chain_stages</textarea>" not in page
    assert 'name="value_chain_stages" cols=' not in page  # no JSON text box


def test_provision_stages_are_saved_as_a_list_in_the_stage_order(login, staff_admin, provision):
    lithium = Mineral.objects.create(name="Lithium")
    data = provision_data(
        provision, value_chain_stages=["recycling", "exploration"], minerals=[lithium.pk]
    )

    response = login(staff_admin).post(provision_url(provision), data)

    assert response.status_code == 302
    provision.refresh_from_db()
    assert provision.value_chain_stages == ["exploration", "recycling"]
    assert list(provision.minerals.all()) == [lithium]


def test_an_unknown_stage_is_refused_beside_the_field(login, staff_admin, provision):
    response = login(staff_admin).post(
        provision_url(provision), provision_data(provision, value_chain_stages=["smelting"])
    )

    assert response.status_code == 200
    assert "Select a valid choice. smelting is not one of the available choices." in (
        response.content.decode()
    )
    provision.refresh_from_db()
    assert provision.value_chain_stages == []


def test_provision_page_shows_its_milestones_read_only(login, staff_admin, provision, milestone_ua):
    page = login(staff_admin).get(provision_url(provision)).content.decode()

    assert "Publish survey tender" in page
    assert 'name="milestones-0-title"' not in page
    assert 'name="milestones-0-status"' not in page
    assert 'name="milestones-0-due_date"' not in page
    assert 'name="milestones-0-DELETE"' not in page


def test_the_milestone_inline_changes_no_existing_milestone(
    login, staff_admin, provision, milestone_ua, organisation
):
    data = provision_data(
        provision,
        **inline_management("milestones", 1, 1),
        **milestone_row(
            0,
            milestone_ua,
            title="Publish the survey tender",
            lead_organisation=organisation.pk,
            due_date="2030-01-01",
        ),
        **{"milestones-0-DELETE": "on"},
    )

    login(staff_admin).post(provision_url(provision), data)

    milestone_ua.refresh_from_db()
    assert milestone_ua.title == "Publish survey tender"
    assert milestone_ua.lead_organisation is None
    assert milestone_ua.due_date == datetime.date(2026, 6, 30)
    assert milestone_ua.history.count() == 1


def test_the_provision_page_adds_no_milestone(login, staff_admin, provision):
    """Milestones are added on the planning pages, which check the rules and keep a baseline."""
    data = provision_data(
        provision,
        **inline_management("milestones", 1, 0),
        **{
            "milestones-0-provision": provision.pk,
            "milestones-0-title": "Publish the survey results",
            "milestones-0-title_uk": "",
            "milestones-0-responsible_party": "JOINT",
            "milestones-0-lead_organisation": "",
            "milestones-0-due_date": "2027-03-31",
        },
    )

    login(staff_admin).post(provision_url(provision), data)

    assert not provision.milestones.exists()


# --- organisations --------------------------------------------------------------------------


def organisation_url(organisation: Organisation) -> str:
    return f"/admin/core/organisation/{organisation.pk}/change/"


def organisation_data(organisation: Organisation, **fields) -> dict:
    return {
        "name": organisation.name,
        "name_uk": organisation.name_uk,
        "kind": organisation.kind,
        "affiliation": organisation.affiliation,
        "reason": "Official name.",
        "seen_version": organisation.version,
        "_save": "Save",
        **fields,
    }


def test_admin_refuses_an_organisation_name_taken_in_another_case_or_language(
    login, staff_admin, organisation
):
    Organisation.objects.create(
        name="Ministry of Economy",
        name_uk="Міністерство економіки",
        kind="agency",
        affiliation="UA",
    )

    response = login(staff_admin).post(
        organisation_url(organisation),
        organisation_data(organisation, name_uk="МІНІСТЕРСТВО економіки"),
    )

    assert response.status_code == 200
    assert "Another organisation already has this name: Ministry of Economy" in (
        response.content.decode()
    )
    organisation.refresh_from_db()
    assert organisation.name_uk == ""


def test_admin_asks_why_an_organisation_changes(login, staff_admin, organisation):
    response = login(staff_admin).post(
        organisation_url(organisation), organisation_data(organisation, name="Geology", reason="")
    )

    assert response.status_code == 200
    assert "Say why the organisation changes" in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.name == "State Geological Service"


def test_admin_edit_raises_the_version_and_keeps_the_reason(login, staff_admin, organisation):
    response = login(staff_admin).post(
        organisation_url(organisation), organisation_data(organisation, name="Geology Service")
    )

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert (organisation.name, organisation.version) == ("Geology Service", 2)
    assert organisation.history.first().history_change_reason == "Official name."


def test_admin_edit_over_a_later_change_is_refused(login, staff_admin, organisation):
    stale = organisation_data(organisation, name="Geology Service")
    Organisation.objects.filter(pk=organisation.pk).update(name="Changed meanwhile", version=2)

    response = login(staff_admin).post(organisation_url(organisation), stale)

    assert response.status_code == 200
    assert "Someone else changed this organisation after you opened it" in (
        response.content.decode()
    )
    organisation.refresh_from_db()
    assert organisation.name == "Changed meanwhile"


def test_admin_adds_an_organisation_without_a_reason(login, staff_admin):
    response = login(staff_admin).post(
        "/admin/core/organisation/add/",
        {
            "name": "Open Subsoil",
            "name_uk": "",
            "kind": "ngo",
            "affiliation": "IND",
            "_save": "Save",
        },
    )

    assert response.status_code == 302
    assert Organisation.objects.get().version == 1


# --- no bare ids ----------------------------------------------------------------------------

# Relations that stay as Django offers them: short lists shown as checkboxes, and Django's
# own groups and permissions (on the user and group pages).
NOT_AUTOCOMPLETE = {
    ("core.provision", "minerals"),
    ("accounts.user", "groups"),
    ("accounts.user", "user_permissions"),
    ("auth.group", "permissions"),
}


def _editable(model_admin, request) -> bool:
    return model_admin.has_add_permission(request) or model_admin.has_change_permission(request)


def admin_forms(request):
    """(model, form class, field to skip) of every admin page and inline where staff may add
    or change a row (the read-only ones, such as the progress log, show no form). An inline
    skips its link to the page it sits on, which the formset fills in itself."""
    for model in apps.get_models():
        if not admin.site.is_registered(model):
            continue
        model_admin = admin.site.get_model_admin(model)
        if _editable(model_admin, request):
            yield model, model_admin.get_form(request), None
        for inline in model_admin.get_inline_instances(request):
            if inline.has_add_permission(request, None) or inline.has_change_permission(request):
                formset = inline.get_formset(request)
                yield inline.model, formset.form, formset.fk.name


def test_no_admin_form_asks_for_a_bare_id_or_a_select_of_every_row(staff_admin):
    request = RequestFactory().get("/admin/")
    request.user = staff_admin
    autocompletes = set()
    for model, form, parent_link in admin_forms(request):
        for name, field in form.base_fields.items():
            if name == parent_link or not isinstance(field, forms.ModelChoiceField):
                continue
            key = (model._meta.label_lower, name)
            if key in NOT_AUTOCOMPLETE:
                continue
            # The admin wraps a relation's widget to add its "+" and edit links.
            widget = getattr(field.widget, "widget", field.widget)
            assert isinstance(widget, AutocompleteSelect | AutocompleteSelectMultiple), key
            autocompletes.add(key)

    assert {
        ("accounts.user", "organisation"),
        ("core.provision", "agreement"),
    } <= autocompletes
