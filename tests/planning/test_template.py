"""The import's template workbook, in the reader's language, and that it imports as it is."""

from __future__ import annotations

import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.planning.conftest import body
from tests.planning.test_import import MILESTONE_HEADER, PROVISION_HEADER
from tracker.core.models import Agreement

TEMPLATE = reverse("planning:import_template", args=["test-agreement"])


def download(client) -> openpyxl.Workbook:
    response = client.get(TEMPLATE)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert 'filename="plan-template-test-agreement.xlsx"' in response["Content-Disposition"]
    return openpyxl.load_workbook(io.BytesIO(response.content))


def validations(sheet) -> dict[str, object]:
    """Each validated column's first cell (e.g. "F2") → its rule."""
    return {str(rule.sqref).split(":")[0]: rule for rule in sheet.data_validations.dataValidation}


def test_the_template_has_the_headers_an_example_and_validation_lists(login, chair_us, agreement):
    workbook = download(login(chair_us))

    assert workbook.sheetnames == ["Provisions", "Milestones", "Help"]
    provisions, milestones = workbook["Provisions"], workbook["Milestones"]
    assert [cell.value for cell in provisions[1]] == PROVISION_HEADER
    assert [cell.value for cell in milestones[1]] == MILESTONE_HEADER
    assert provisions["A2"].value == "P-01"
    assert milestones["A2"].value == "P-01"
    assert provisions.freeze_panes == "A2"
    rules = validations(provisions)
    assert rules["F2"].type == "list"
    assert "geological_survey" in rules["F2"].formula1
    assert rules["G2"].formula1 == '"US,UA,JOINT"'
    rules = validations(milestones)
    assert (rules["F2"].type, rules["H2"].type) == ("date", "whole")
    assert "in_progress" in rules["G2"].formula1
    assert rules["G2"].promptTitle == "Status"


def test_the_template_speaks_the_readers_language(login, chair_ua, agreement):
    chair_ua.language = "uk"
    chair_ua.save()
    client = login(chair_ua)
    client.cookies["django_language"] = "uk"

    workbook = download(client)

    assert workbook.sheetnames == ["Provisions", "Milestones", "Довідка"]
    assert validations(workbook["Milestones"])["G2"].promptTitle == "Статус"
    help_text = " ".join(
        str(cell.value) for row in workbook["Довідка"].iter_rows() for cell in row if cell.value
    )
    assert "Назва англійською." in help_text
    # The column names stay English: they are what the import reads.
    assert [cell.value for cell in workbook["Milestones"][1]] == MILESTONE_HEADER


def test_the_untouched_template_of_a_planned_agreement_changes_nothing(
    login, staff_admin, agreement, provision, milestone_ua, organisation
):
    milestone_ua.lead_organisation = organisation
    milestone_ua.save()
    client = login(staff_admin)
    content = client.get(TEMPLATE).content

    response = client.post(
        reverse("planning:import", args=["test-agreement"]),
        {"workbook": SimpleUploadedFile("template.xlsx", content)},
    )

    assert "0 new · 0 changed · 2 unchanged · 0 with errors" in body(response)


def test_the_example_of_an_empty_agreement_imports(login, staff_admin, organisation):
    Agreement.objects.create(
        title="Empty", short_name="test-agreement", signed_on="2025-04-30", place="Kyiv"
    )
    client = login(staff_admin)
    content = client.get(TEMPLATE).content

    response = client.post(
        reverse("planning:import", args=["test-agreement"]),
        {"workbook": SimpleUploadedFile("template.xlsx", content)},
    )

    assert response.status_code == 200
    assert "2 new · 0 changed" in body(response)
