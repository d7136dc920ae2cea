"""The import's template: a workbook the import reads as it is, written with XlsxWriter.

Sheets Provisions and Milestones carry the column names in English (what the import reads),
one example row and data-validation lists (categories, parties, statuses) or ranges (dates,
percentages) whose prompts and messages are in the reader's language; a third sheet, in the
reader's language, says what each column holds and lists every code with its label. The
example rows repeat the agreement's first provision and milestone as they are, so importing
the untouched template changes nothing; an agreement without any shows an invented example.

Text is written as text (``strings_to_formulas`` off): a title that begins with "=" reads as
that title in the spreadsheet and is never run, and the example round-trips unchanged, which
a neutralising apostrophe (as the report's exports add) would break.
"""

from __future__ import annotations

import datetime
import io

import xlsxwriter
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from xlsxwriter.worksheet import Worksheet

from tracker.core.models import (
    Agreement,
    Category,
    Mineral,
    Organisation,
    Provision,
    ResponsibleParty,
    ValueChainStage,
)
from tracker.milestones.models import Milestone, Status
from tracker.planning.reading import COLUMNS, MAX_ROWS, MILESTONES, PROVISIONS

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WIDTHS = {"title": 40, "title_uk": 40, "text": 50, "text_uk": 50, "lead_organisation": 32}


def _example_provision(agreement: Agreement) -> list:
    provision = (
        Provision.objects.filter(agreement=agreement)
        .prefetch_related("minerals")
        .order_by("reference")
        .first()
    )
    if provision is None:
        minerals = Mineral.objects.order_by("name").values_list("name", flat=True)[:2]
        return [
            "P-01",
            "Joint geological surveys",
            "Спільні геологічні дослідження",
            "The Parties survey the mineral deposits together and share the data.",
            "Сторони спільно досліджують родовища корисних копалин і обмінюються даними.",
            Category.GEOLOGICAL_SURVEY.value,
            ResponsibleParty.JOINT.value,
            ", ".join(minerals),
            ValueChainStage.EXPLORATION.value,
        ]
    return [
        provision.reference,
        provision.title,
        provision.title_uk,
        provision.text,
        provision.text_uk,
        provision.category,
        provision.responsible_party,
        ", ".join(mineral.name for mineral in provision.minerals.all()),
        ", ".join(provision.value_chain_stages),
    ]


def _example_milestone(agreement: Agreement) -> list:
    milestone = (
        Milestone.objects.filter(provision__agreement=agreement)
        .select_related("provision", "lead_organisation")
        .order_by("provision__reference", "due_date", "id")
        .first()
    )
    if milestone is None:
        organisation = Organisation.objects.order_by("name").first()
        return [
            "P-01",
            "Agree the survey data-sharing protocol",
            "Узгодити протокол обміну даними досліджень",
            ResponsibleParty.JOINT.value,
            organisation.name if organisation else "",
            timezone.localdate() + datetime.timedelta(days=90),
            Status.NOT_STARTED.value,
            0,
        ]
    return [
        milestone.provision.reference,
        milestone.title,
        milestone.title_uk,
        milestone.responsible_party,
        milestone.lead_organisation.name if milestone.lead_organisation else "",
        milestone.due_date,
        milestone.status,
        milestone.percent_complete,
    ]


def _list_rule(values: list[str], title: str, prompt: str) -> dict:
    return {
        "validate": "list",
        "source": values,
        "input_title": title[:32],
        "input_message": prompt[:255],
        "error_title": title[:32],
        "error_message": (_("Choose one of: %(values)s.") % {"values": ", ".join(values)})[:255],
    }


def _sheet(workbook: xlsxwriter.Workbook, name: str, example: list, bold, date) -> Worksheet:
    sheet = workbook.add_worksheet(name)
    columns = [column.name for column in COLUMNS[name]]
    sheet.freeze_panes(1, 0)
    sheet.write_row(0, 0, columns, bold)
    for index, column in enumerate(columns):
        sheet.set_column(
            index, index, WIDTHS.get(column, 18), date if column == "due_date" else None
        )
    sheet.write_row(1, 0, example)
    return sheet


def _validate(sheet: Worksheet, name: str, column: str, rule: dict) -> None:
    index = [c.name for c in COLUMNS[name]].index(column)
    sheet.data_validation(1, index, MAX_ROWS, index, rule)


def template_bytes(agreement: Agreement) -> bytes:
    output = io.BytesIO()
    options = {
        "in_memory": True,
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
        "default_date_format": "yyyy-mm-dd",
    }
    with xlsxwriter.Workbook(output, options) as workbook:
        workbook.set_properties(
            {"title": _("Plan of %(agreement)s") % {"agreement": agreement.display_title}}
        )
        bold = workbook.add_format({"bold": True})
        date = workbook.add_format({"num_format": "yyyy-mm-dd"})
        parties = list(ResponsibleParty.values)
        party_rule = _list_rule(parties, _("Responsible party"), _("US, UA or JOINT."))

        provisions = _sheet(workbook, PROVISIONS, _example_provision(agreement), bold, date)
        _validate(
            provisions,
            PROVISIONS,
            "category",
            _list_rule(
                list(Category.values),
                _("Category"),
                _("A category code; the help sheet lists them with their names."),
            ),
        )
        _validate(provisions, PROVISIONS, "responsible_party", party_rule)

        milestones = _sheet(workbook, MILESTONES, _example_milestone(agreement), bold, date)
        _validate(milestones, MILESTONES, "responsible_party", party_rule)
        _validate(
            milestones,
            MILESTONES,
            "status",
            _list_rule(
                list(Status.values),
                _("Status"),
                _(
                    "A new milestone starts not_started, in_progress or on_hold; empty means "
                    "not started, or unchanged for an existing one."
                ),
            ),
        )
        _validate(
            milestones,
            MILESTONES,
            "due_date",
            {
                "validate": "date",
                "criteria": "between",
                "minimum": datetime.date(2000, 1, 1),
                "maximum": datetime.date(2100, 12, 31),
                "input_title": _("Due date")[:32],
                "input_message": _("A date, e.g. 2026-06-30.")[:255],
                "error_message": _("Enter a date, e.g. 2026-06-30.")[:255],
            },
        )
        _validate(
            milestones,
            MILESTONES,
            "percent_complete",
            {
                "validate": "integer",
                "criteria": "between",
                "minimum": 0,
                "maximum": 100,
                "input_title": _("Percent complete")[:32],
                "input_message": _("A whole number from 0 to 100.")[:255],
                "error_message": _("Enter a whole number from 0 to 100.")[:255],
            },
        )
        _help_sheet(workbook, bold)
    return output.getvalue()


def _help_sheet(workbook: xlsxwriter.Workbook, bold) -> None:
    sheet = workbook.add_worksheet(_("Help")[:31])
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, 24)
    sheet.set_column(2, 2, 12)
    sheet.set_column(3, 3, 80)
    lines: list[list] = [
        [
            _(
                "Fill in the sheets Provisions and Milestones, one row each; replace the "
                "example rows."
            )
        ],
        [
            _(
                "Rows match existing ones by reference (provisions) and by provision reference and "
                "title (milestones): importing the same file twice changes nothing."
            )
        ],
        [],
    ]
    sheet.write_row(0, 0, [_("Sheet"), _("Column"), _("Required"), _("What it holds")], bold)
    row = 1
    yes, no = _("yes"), _("no")
    for name, columns in COLUMNS.items():
        for column in columns:
            sheet.write_row(
                row,
                0,
                [name, column.name, yes if column.required else no, str(column.meaning)],
            )
            row += 1
    row += 1
    for line in lines:
        sheet.write_row(row, 0, line)
        row += 1
    lists = (
        ("category", Category.choices),
        ("responsible_party", ResponsibleParty.choices),
        ("status", Status.choices),
        ("stages", ValueChainStage.choices),
    )
    for column, choices in lists:
        sheet.write_row(row, 0, [column, _("Code"), "", _("Meaning")], bold)
        row += 1
        for code, label in choices:
            sheet.write_row(row, 0, ["", code, "", str(label)])
            row += 1
        row += 1
    sheet.write_row(row, 0, ["minerals", _("Name"), "", _("Name in Ukrainian")], bold)
    row += 1
    for name, name_uk in Mineral.objects.order_by("name").values_list("name", "name_uk"):
        sheet.write_row(row, 0, ["", name, "", name_uk])
        row += 1


def template_response(agreement: Agreement) -> HttpResponse:
    response = HttpResponse(template_bytes(agreement), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="plan-template-{agreement.short_name}.xlsx"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
