"""The plan import at /agreements/<agreement>/import/: upload, dry run, confirmation."""

from __future__ import annotations

import datetime
import io
import re
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import make_milestone
from tests.planning.conftest import HTMX, body
from tracker.core.models import Category, Organisation, Provision
from tracker.milestones.models import Milestone, ProgressUpdate, Status
from tracker.planning.models import PendingImport
from tracker.planning.reading import MAX_ROWS

PROVISION_HEADER = [
    "reference",
    "title",
    "title_uk",
    "text",
    "text_uk",
    "category",
    "responsible_party",
    "minerals",
    "stages",
]
MILESTONE_HEADER = [
    "provision_reference",
    "title",
    "title_uk",
    "responsible_party",
    "lead_organisation",
    "due_date",
    "status",
    "percent_complete",
]
P_02 = [
    "P-02",
    "Investment incentives",
    "Інвестиційні стимули",
    "The US offers incentives.",
    "",
    "investment_infrastructure",
    "US",
    "Lithium",
    "extraction, processing",
]
P_03 = ["P-03", "Technology sharing", "", "", "", "Technology sharing", "JOINT", "", "exploration"]
M_1 = [
    "P-02",
    "Open the investment window",
    "Відкрити інвестиційне вікно",
    "US",
    "US Development Finance Office",
    datetime.date(2026, 9, 30),
    "in_progress",
    20,
]
M_2 = ["P-03", "Exchange the first datasets", "", "JOINT", "", "2027-01-31", "", ""]
M_3 = ["P-01", "Publish survey tender", "", "UA", "", "2026-06-30", "", ""]


def url(name: str = "import") -> str:
    return reverse(f"planning:{name}", args=["test-agreement"])


def xlsx(provisions=None, milestones=None, *, macro=False, link=False, extra=None) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, header, rows in (
        ("Provisions", PROVISION_HEADER, provisions),
        ("Milestones", MILESTONE_HEADER, milestones),
    ):
        if rows is None:
            continue
        sheet = workbook.create_sheet(title)
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        if extra:
            extra(title, sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    if macro or link:
        # Repack the container with the part a macro-enabled or linked workbook carries.
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
            for item in source.infolist():
                target.writestr(item, source.read(item))
            if macro:
                target.writestr("xl/vbaProject.bin", b"\x00macro")
            if link:
                target.writestr("xl/externalLinks/externalLink1.xml", b"<externalLink/>")
        data = out.getvalue()
    return data


def upload(client, data: bytes, name: str = "plan.xlsx", field: str = "workbook", **headers):
    return client.post(url(), {field: SimpleUploadedFile(name, data)}, **headers)


def token_of(response) -> str:
    found = re.search(r'name="token" value="([0-9a-f-]{36})"', body(response))
    assert found, "the dry run offered no confirmation"
    return found.group(1)


@pytest.fixture
def lithium(db):
    from tracker.core.models import Mineral

    return Mineral.objects.create(name="Lithium", name_uk="Літій")


@pytest.fixture
def plan_file(lithium) -> bytes:
    return xlsx([P_02, P_03], [M_1, M_2])


def counts() -> tuple[int, int, int, int]:
    return (
        Provision.objects.count(),
        Milestone.objects.count(),
        Organisation.objects.count(),
        ProgressUpdate.objects.count(),
    )


# --- The page --------------------------------------------------------------------------------


def test_the_import_page_explains_the_columns_and_offers_the_template(
    login, staff_admin, agreement
):
    response = login(staff_admin).get(url())

    page = body(response)
    assert response.status_code == 200
    assert "<code>provision_reference</code>" in page
    assert url("import_template") in page
    assert 'type="file" name="workbook"' in page


@pytest.mark.parametrize("person", ["member_ua", "monitor", "observer", "outsider"])
def test_only_co_chairs_and_staff_admins_import(request, login, person, agreement, plan_file):
    client = login(request.getfixturevalue(person))
    before = counts()
    assert client.get(url()).status_code == 403
    assert upload(client, plan_file).status_code == 403
    assert client.get(url("import_template")).status_code == 403
    assert client.post(url("import_confirm"), {"token": "x"}).status_code == 403
    assert counts() == before
    assert not PendingImport.objects.exists()


def test_the_import_pages_answer_only_their_methods(login, staff_admin, agreement):
    client = login(staff_admin)
    assert client.put(url()).status_code == 405
    assert client.get(url("import_confirm")).status_code == 405
    assert client.post(url("import_template")).status_code == 405


# --- Dry run and confirmation ----------------------------------------------------------------


def test_the_dry_run_shows_every_row_and_saves_nothing(
    login, staff_admin, agreement, provision, plan_file
):
    before = counts()

    response = upload(login(staff_admin), plan_file)

    page = body(response)
    assert response.status_code == 200
    assert "4 new · 0 changed · 0 unchanged · 0 with errors" in page
    assert "P-02 · Open the investment window" in page
    assert "US Development Finance Office" in page  # listed as a new organisation
    assert counts() == before
    pending = PendingImport.objects.get()
    assert (pending.user, pending.part, pending.file_name) == (staff_admin, "workbook", "plan.xlsx")
    assert pending.intact


def test_confirming_saves_every_row_through_the_services(
    login, staff_admin, agreement, plan_file, lithium
):
    client = login(staff_admin)
    token = token_of(upload(client, plan_file))

    response = client.post(url("import_confirm"), {"token": token})

    assert response.status_code == 302
    assert response["Location"] == "/agreements/test-agreement/"
    p02 = Provision.objects.get(reference="P-02")
    assert (p02.category, p02.value_chain_stages, list(p02.minerals.all())) == (
        Category.INVESTMENT,
        ["extraction", "processing"],
        [lithium],
    )
    assert Provision.objects.get(reference="P-03").category == Category.TECHNOLOGY
    window = Milestone.objects.get(title="Open the investment window")
    assert (window.status, window.percent_complete, window.baseline_due) == (
        Status.IN_PROGRESS,
        20,
        datetime.date(2026, 9, 30),
    )
    office = window.lead_organisation
    assert (office.name, office.kind, office.affiliation) == (
        "US Development Finance Office",
        "agency",
        "US",
    )
    reason = "Imported from plan.xlsx"
    assert p02.history.first().history_change_reason == reason
    assert window.history.get().history_change_reason == reason
    assert office.history.get().history_change_reason == reason
    entry = window.updates.get()
    assert (entry.kind, entry.note, entry.author) == (
        ProgressUpdate.Kind.PLANNED,
        reason,
        staff_admin,
    )
    assert not PendingImport.objects.exists()


def test_the_same_file_twice_changes_nothing(login, staff_admin, agreement, plan_file):
    client = login(staff_admin)
    client.post(url("import_confirm"), {"token": token_of(upload(client, plan_file))})
    before = counts()
    histories = Milestone.history.model.objects.count()

    second = upload(client, plan_file)
    assert "0 new · 0 changed · 4 unchanged · 0 with errors" in body(second)
    client.post(url("import_confirm"), {"token": token_of(second)})

    assert counts() == before
    assert Milestone.history.model.objects.count() == histories


def test_changed_rows_show_their_changes_and_go_through_the_services(
    login, chair_ua, agreement, provision, milestone_ua
):
    row = ["P-01", "Publish survey tender", "Оголосити тендер", "UA", "", "2026-08-31", "", ""]
    client = login(chair_ua)

    dry_run = upload(client, xlsx(milestones=[row]))

    page = body(dry_run)
    assert "0 new · 1 changed" in page
    assert "title_uk: — → Оголосити тендер" in page
    assert "due_date: 2026-06-30 → 2026-08-31" in page

    client.post(url("import_confirm"), {"token": token_of(dry_run)})

    milestone_ua.refresh_from_db()
    assert (milestone_ua.title_uk, milestone_ua.due_date, milestone_ua.baseline_due) == (
        "Оголосити тендер",
        datetime.date(2026, 8, 31),
        datetime.date(2026, 6, 30),
    )
    kinds = list(milestone_ua.updates.order_by("id").values_list("kind", flat=True))
    assert kinds == [ProgressUpdate.Kind.EDITED, ProgressUpdate.Kind.REPLANNED]
    assert milestone_ua.updates.get(kind="replanned").note == "Imported from plan.xlsx"


def test_a_bad_row_is_reported_by_row_and_column_and_nothing_is_saved(
    login, staff_admin, agreement, provision, lithium
):
    bad = ["P-02", "Another milestone", "", "EU", "", "31.12.2026", "", "150"]
    before = counts()

    response = upload(login(staff_admin), xlsx([P_02], [M_1, bad]))

    page = body(response)
    assert response.status_code == 400
    assert "Some rows have errors" in page
    assert "Milestones, row 3, column responsible_party: Use one of: US, UA, JOINT." in page
    assert "Milestones, row 3, column due_date: Enter the date as YYYY-MM-DD" in page
    assert "Milestones, row 3, column percent_complete: Enter a whole number from 0 to 100." in page
    assert "Nothing was saved" in page
    assert 'name="token"' not in page
    assert counts() == before
    assert not PendingImport.objects.exists()


def test_rows_of_one_file_repeating_a_key_are_errors(login, staff_admin, agreement):
    response = upload(login(staff_admin), xlsx([P_03, P_03], [M_2, M_2]))
    page = body(response)
    assert "The same reference is on row 2." in page
    assert "The same provision and title are on row 2." in page
    assert response.status_code == 400


def test_a_milestone_of_an_unknown_provision_is_an_error(login, staff_admin, agreement):
    row = ["P-77", "Stray", "", "US", "", "2026-09-30", "", ""]
    page = body(upload(login(staff_admin), xlsx(milestones=[row])))
    assert "No provision P-77 in this agreement or in the Provisions sheet." in page


def test_a_co_chairs_file_may_plan_milestones_but_not_change_provisions(
    login, chair_us, agreement, provision, lithium
):
    us_only = ["P-02", "US only", "", "US", "", "2026-09-30", "", ""]
    response = upload(login(chair_us), xlsx([P_02], [us_only, M_3]))

    page = body(response)
    assert response.status_code == 400
    assert "Provisions, row 2, column reference: Only a staff admin may set up agreements" in page
    # Its milestone cannot be planned on a provision that was not imported.
    assert "Provision P-02 is not imported: row 2 of Provisions has an error." in page
    assert Provision.objects.count() == 1

    # Milestones alone, of a joint provision: the co-chair's to plan.
    ok = upload(login(chair_us), xlsx(milestones=[M_3]))
    assert ok.status_code == 200
    assert "1 new" in body(ok)


def test_progress_in_the_file_is_the_delegations_to_change(
    login, staff_admin, chair_ua, agreement, provision, milestone_ua
):
    row = ["P-01", "Publish survey tender", "", "UA", "", "2026-06-30", "in_progress", "30"]

    refused = upload(login(staff_admin), xlsx(milestones=[row]))
    assert "column status: Only the responsible party" in body(refused)

    accepted = upload(login(chair_ua), xlsx(milestones=[row]))
    assert "status: Not started → In progress" in body(accepted)
    login(chair_ua).post(url("import_confirm"), {"token": token_of(accepted)})
    milestone_ua.refresh_from_db()
    assert (milestone_ua.status, milestone_ua.percent_complete) == (Status.IN_PROGRESS, 30)
    assert milestone_ua.updates.get(kind="update").note == "Imported from plan.xlsx"


def test_completed_is_not_a_starting_status(login, staff_admin, agreement, provision):
    row = ["P-01", "Already done", "", "UA", "", "2026-06-30", "completed", "100"]
    page = body(upload(login(staff_admin), xlsx(milestones=[row])))
    assert "column status: A new milestone is not started, in progress or on hold" in page


# --- What is read, and how -------------------------------------------------------------------


def test_formulas_are_read_as_their_text(login, staff_admin, agreement, provision):
    row = ["P-01", '=HYPERLINK("http://example.org")', "", "UA", "", "2026-06-30", "", ""]
    client = login(staff_admin)
    client.post(url("import_confirm"), {"token": token_of(upload(client, xlsx(milestones=[row])))})
    assert Milestone.objects.get().title == '=HYPERLINK("http://example.org")'


def test_excel_dates_numbers_and_percentage_cells_are_read(
    login, staff_admin, agreement, provision
):
    def percent_format(title, sheet):
        if title == "Milestones":
            sheet["H2"].number_format = "0%"

    rows = [["P-01", "Serial date", "", "UA", "", 46203, "in_progress", 0.4]]
    client = login(staff_admin)
    client.post(
        url("import_confirm"),
        {"token": token_of(upload(client, xlsx(milestones=rows, extra=percent_format)))},
    )
    milestone = Milestone.objects.get()
    assert (milestone.due_date, milestone.percent_complete) == (datetime.date(2026, 6, 30), 40)


def test_choices_may_be_written_as_labels_in_either_language(login, staff_admin, agreement):
    row = [
        "P-05",
        "ESG",
        "",
        "",
        "",
        "Екологічні та соціальні питання (ESG)",
        "Спільно",
        "",
        "Вторинна переробка, Exploration",
    ]
    response = upload(login(staff_admin), xlsx([row]))
    page = body(response)
    assert response.status_code == 200, page[page.find("error-summary") :][:600]


def test_csv_files_one_per_sheet_with_semicolons_and_a_byte_order_mark(
    login, staff_admin, agreement, lithium
):
    provisions = "\ufeff" + ";".join(PROVISION_HEADER) + "\n" + ";".join(P_03) + "\n"
    milestones = ",".join(MILESTONE_HEADER) + "\n" + ",".join(M_2) + "\n"
    client = login(staff_admin)

    response = client.post(
        url(),
        {
            "provisions_csv": SimpleUploadedFile("provisions.csv", provisions.encode()),
            "milestones_csv": SimpleUploadedFile("milestones.csv", milestones.encode()),
        },
    )

    assert "2 new" in body(response)
    assert PendingImport.objects.count() == 2
    client.post(url("import_confirm"), {"token": token_of(response)})
    milestone = Milestone.objects.get()
    assert (milestone.provision.reference, milestone.due_date) == (
        "P-03",
        datetime.date(2027, 1, 31),
    )
    assert milestone.history.get().history_change_reason == (
        "Imported from provisions.csv, milestones.csv"
    )


@pytest.mark.parametrize(
    ("data", "name", "field", "message"),
    [
        (b"not a zip at all", "plan.xlsx", "workbook", "is not an XLSX workbook"),
        (b"PK\x03\x04broken", "plan.xlsx", "workbook", "is not an XLSX workbook"),
        (b"title\xff\xfe", "milestones.csv", "milestones_csv", "is not UTF-8 text"),
        (b"", "milestones.csv", "milestones_csv", "The submitted file is empty."),
        (b"a,b\n", "plan.xlsm", "workbook", "Only .xlsx workbooks are read"),
        (b"a,b\n", "plan.txt", "milestones_csv", "Choose a CSV file."),
    ],
)
def test_a_malformed_file_gets_a_clear_message(
    login, staff_admin, agreement, data, name, field, message
):
    response = upload(login(staff_admin), data, name, field)
    assert response.status_code == 400
    assert message in body(response)
    assert not PendingImport.objects.exists()


def test_macros_and_external_links_are_refused(login, staff_admin, agreement):
    client = login(staff_admin)
    macro = upload(client, xlsx(milestones=[M_3], macro=True))
    linked = upload(client, xlsx(milestones=[M_3], link=True))
    assert "contains macros, which are refused" in body(macro)
    assert "links to other workbooks, which is refused" in body(linked)
    assert not PendingImport.objects.exists()


def test_an_entity_expansion_bomb_is_refused(login, staff_admin, agreement):
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(xlsx(milestones=[M_3]))) as source,
        zipfile.ZipFile(out, "w") as target,
    ):
        for item in source.infolist():
            sheet = item.filename == "xl/worksheets/sheet1.xml"
            target.writestr(item, bomb if sheet else source.read(item))

    response = upload(login(staff_admin), out.getvalue())

    assert response.status_code == 400
    assert "could not be read as an XLSX workbook" in body(response)


def test_unknown_and_missing_columns_are_named(login, staff_admin, agreement):
    header = [name for name in MILESTONE_HEADER if name != "due_date"] + ["titel"]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Milestones"
    sheet.append(header)
    buffer = io.BytesIO()
    workbook.save(buffer)

    page = body(upload(login(staff_admin), buffer.getvalue()))

    assert "unknown column(s) “titel”" in page
    assert "the column(s) due_date are missing" in page


def test_a_workbook_without_the_sheets_is_refused(login, staff_admin, agreement):
    workbook = openpyxl.Workbook()
    workbook.active.title = "Data"
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert "has no sheet named Provisions or Milestones" in body(
        upload(login(staff_admin), buffer.getvalue())
    )


def test_more_rows_than_the_limit_are_refused(login, staff_admin, agreement):
    header = ",".join(MILESTONE_HEADER)
    lines = "\n".join(f"P-01,Milestone {n},,UA,,2026-06-30,," for n in range(MAX_ROWS + 1))
    data = f"{header}\n{lines}\n".encode()
    response = upload(login(staff_admin), data, "milestones.csv", "milestones_csv")
    assert "more than 10,000 rows" in body(response)
    assert not Milestone.objects.exists()


def test_a_file_over_five_megabytes_is_refused_before_it_is_read(login, staff_admin, agreement):
    data = b"x" * (5 * 1024 * 1024 + 1)
    response = upload(login(staff_admin), data, "milestones.csv", "milestones_csv")
    assert response.status_code == 400
    assert "the limit is 5.0" in body(response)


def test_a_workbook_and_csv_files_together_are_refused(login, staff_admin, agreement, plan_file):
    response = login(staff_admin).post(
        url(),
        {
            "workbook": SimpleUploadedFile("plan.xlsx", plan_file),
            "milestones_csv": SimpleUploadedFile("m.csv", b"a\n"),
        },
    )
    assert "Upload either a workbook or CSV files, not both." in body(response)


# --- The confirmation, safely ----------------------------------------------------------------


def test_with_htmx_the_dry_run_and_the_confirmation_swap_the_import_region(
    login, staff_admin, agreement, plan_file
):
    client = login(staff_admin)
    dry_run = upload(client, plan_file, **HTMX)
    page = body(dry_run)
    assert "<html" not in page
    assert page.lstrip().startswith('<div id="import-region"')

    confirmed = client.post(url("import_confirm"), {"token": token_of(dry_run)}, **HTMX)

    assert confirmed["HX-Redirect"] == "/agreements/test-agreement/"
    assert Milestone.objects.count() == 2


def test_another_persons_upload_cannot_be_confirmed(
    login, staff_admin, chair_us, agreement, plan_file
):
    token = token_of(upload(login(staff_admin), plan_file))
    before = counts()

    response = login(chair_us).post(url("import_confirm"), {"token": token})

    assert response.status_code == 409
    assert "no longer waiting for confirmation" in body(response)
    assert counts() == before


def test_a_change_since_the_dry_run_stops_the_confirmation(
    login, staff_admin, chair_ua, agreement, provision, milestone_ua
):
    row = ["P-01", "Publish survey tender", "", "UA", "", "2026-08-31", "", ""]
    client = login(staff_admin)
    token = token_of(upload(client, xlsx(milestones=[row])))
    # Meanwhile a co-chair moves the date to what the file says.
    from tracker.milestones import services

    services.replan_milestone(
        milestone_ua, chair_ua, version=1, due_date=datetime.date(2026, 8, 31), reason="Agreed"
    )
    before = counts()

    response = client.post(url("import_confirm"), {"token": token})

    page = body(response)
    assert response.status_code == 409
    assert "the data changed since the dry run" in page
    assert "0 new · 0 changed · 1 unchanged" in page
    assert counts() == before
    # Still valid: it may be confirmed as it now stands, or started again.
    assert 'name="token"' in page
    assert f'<a href="{url()}">Start again</a>' in page


def test_a_damaged_kept_upload_is_not_read(login, staff_admin, agreement, plan_file):
    client = login(staff_admin)
    token = token_of(upload(client, plan_file))
    PendingImport.objects.update(content=xlsx(milestones=[M_2]))

    response = client.post(url("import_confirm"), {"token": token})

    assert response.status_code == 409
    assert "The kept upload is damaged" in body(response)
    assert not Milestone.objects.exists()
    assert not PendingImport.objects.exists()


def test_a_new_upload_replaces_the_one_waiting(login, staff_admin, agreement, plan_file):
    client = login(staff_admin)
    first = token_of(upload(client, plan_file))
    upload(client, plan_file)
    assert PendingImport.objects.count() == 1
    assert client.post(url("import_confirm"), {"token": first}).status_code == 409


def test_an_upload_left_waiting_a_day_is_removed(
    login, staff_admin, chair_us, agreement, plan_file
):
    upload(login(chair_us), plan_file)
    PendingImport.objects.update(created_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    upload(login(staff_admin), plan_file)
    assert list(PendingImport.objects.values_list("user", flat=True)) == [staff_admin.pk]


def test_an_import_appears_in_activity(login, staff_admin, monitor, agreement, plan_file):
    client = login(staff_admin)
    client.post(url("import_confirm"), {"token": token_of(upload(client, plan_file))})

    page = body(login(monitor).get("/activity/", {"kind": "planned"}))

    assert "Open the investment window" in page
    assert "Imported from plan.xlsx" in page


def test_existing_milestone_rows_match_by_provision_and_title(
    login, staff_admin, agreement, provision
):
    make_milestone(
        provision, "UA", title="Publish survey tender", due_date=datetime.date(2026, 6, 30)
    )
    page = body(upload(login(staff_admin), xlsx(milestones=[M_3])))
    assert "0 new · 0 changed · 1 unchanged" in page


def with_sheet_xml(data: bytes, edit) -> bytes:
    """The workbook with its first sheet's XML passed through `edit`."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = edit(content)
            target.writestr(item, content)
    return out.getvalue()


def test_a_sheet_claiming_a_huge_size_is_read_as_it_is(login, staff_admin, agreement, provision):
    data = with_sheet_xml(
        xlsx(milestones=[M_3]),
        lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', xml),
    )

    response = upload(login(staff_admin), data)

    assert response.status_code == 200
    assert "1 new" in body(response)


def test_a_sheet_reaching_past_the_row_limit_is_refused(login, staff_admin, agreement):
    far = MAX_ROWS + 2
    data = with_sheet_xml(
        xlsx(milestones=[M_3]),
        lambda xml: xml.replace(
            b"</sheetData>",
            f'<row r="{far}"><c r="A{far}" t="inlineStr"><is><t>P-01</t></is></c></row>'
            "</sheetData>".encode(),
        ),
    )

    response = upload(login(staff_admin), data)

    assert response.status_code == 400
    assert "more than 10,000 rows" in body(response)


def test_an_upload_the_data_no_longer_allows_is_dropped_at_confirmation(
    login, staff_admin, chair_ua, agreement, provision
):
    row = ["P-01", "Publish survey tender", "", "UA", "", "2026-08-31", "", ""]
    client = login(staff_admin)
    token = token_of(upload(client, xlsx(milestones=[row])))
    # Meanwhile the same title is planned by hand: the row would now be a change, and
    # a second one of that title cannot be added.
    make_milestone(
        provision, "UA", title="Publish survey tender", due_date=datetime.date(2026, 6, 1)
    )
    make_milestone(
        provision, "UA", title="Publish survey tender", due_date=datetime.date(2026, 7, 1)
    )

    response = client.post(url("import_confirm"), {"token": token})

    assert response.status_code == 409
    assert "several milestones of this title" in body(response)
    assert 'name="token"' not in body(response)
    assert not PendingImport.objects.exists()
    assert Milestone.objects.count() == 2


def test_a_cell_longer_than_its_column_is_the_rows_error(login, staff_admin, agreement, lithium):
    from tracker.core.limits import LEGAL_TEXT

    long_text = ["P-02", "Investment incentives", "", "t" * (LEGAL_TEXT + 1), "", *P_02[5:]]
    long_title = ["P-02", "m" * 301, "", "US", "", "2026-09-30", "", ""]
    before = counts()

    response = upload(login(staff_admin), xlsx([long_text], [long_title]))

    page = body(response)
    assert response.status_code == 400
    assert (
        "Provisions, row 2, column text: Keep it to 20000 characters; this cell has 20001." in page
    )
    assert "Milestones, row 2, column title: Keep it to 300 characters; this cell has 301." in page
    assert counts() == before
