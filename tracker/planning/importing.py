"""Import of an agreement's provisions and milestones from an XLSX workbook or CSV files.

The file: a workbook with the sheets ``Provisions`` and ``Milestones`` (either may be left
out; other sheets, such as the template's help, are ignored), or one CSV file per sheet.
The first row names the columns, in English (COLUMNS); every column of a sheet must be
there. Rows match existing ones by reference (provisions of this agreement) and by
provision reference + title (milestones), so importing the same file twice changes nothing.

What a row does:
- A new provision is added; an existing one gets the file's values (an empty cell empties
  an optional text; minerals and stages are set to the listed ones).
- A new milestone is planned with its due date as the baseline, starting in the file's
  status (not started, in progress or on hold) and percentage. An existing one gets its
  Ukrainian title, responsible party and lead organisation edited, its due date re-planned
  (the baseline stays) and, when the file gives a status or percentage that differs, a
  progress update; an empty status or percentage leaves it as it is.
- A lead organisation the directory does not know (by English or Ukrainian name) is added,
  as a government agency of the milestone's party (independent for a joint milestone), and
  listed in the dry run; its kind and party can be corrected in the directory.
- Choices are read as their codes (``geological_survey``, ``US``, ``in_progress``) or as
  their English or Ukrainian labels. Dates are ISO dates (2026-06-30), Excel dates or Excel
  date numbers. A percentage is a whole number, 40, "40 %" or an Excel percentage cell.

Every row goes through the services a form uses (tracker/planning/services.py,
tracker/milestones/services.py), with the reason "Imported from <file>", so the rules, the
permission of each row (a co-chair's file may plan the milestones of their party's and
joint provisions, not change provisions), the history and Activity are the same as for a
person at a form. The dry run performs every row inside a transaction that is then rolled
back: what it reports is what the services answered, row by row. The confirmation runs the
kept upload again and commits only if every row is valid and the outcome is the one the
person saw (its digest); otherwise nothing is saved.

Reading the file, its limits and the refusals: tracker/planning/reading.py.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Choices, Model
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.utils.datetime import from_excel

from tracker.accounts.models import User
from tracker.core import services as core_services
from tracker.core.models import (
    Agreement,
    Category,
    Mineral,
    Organisation,
    Provision,
    ResponsibleParty,
    ValueChainStage,
)
from tracker.milestones import services as milestone_services
from tracker.milestones.models import Milestone, Status
from tracker.planning import services
from tracker.planning.models import PendingImport
from tracker.planning.reading import (
    COLUMNS,
    MILESTONES,
    PROVISIONS,
    FileProblem,
    Table,
    Upload,
    is_blank,
    read_uploads,
)

# An upload left waiting for its confirmation longer than this is removed.
PENDING_HOURS = 24
NEW, CHANGED, UNCHANGED, ERROR = "new", "changed", "unchanged", "error"
OUTCOME_LABELS = {
    NEW: gettext_lazy("New"),
    CHANGED: gettext_lazy("Changed"),
    UNCHANGED: gettext_lazy("Unchanged"),
    ERROR: gettext_lazy("Error"),
}
# What a milestone row is compared with; the services read the rest themselves.
COMPARED_FIELDS = (
    "provision_id",
    "title",
    "title_uk",
    "responsible_party",
    "lead_organisation_id",
    "due_date",
    "status",
    "percent_complete",
)
# A service's message about a field goes beside the column it came from.
FIELD_COLUMNS = {
    "value_chain_stages": "stages",
    "note": "status",
    "percent": "percent_complete",
    NON_FIELD_ERRORS: "",
}


# --- Cell values -----------------------------------------------------------------------------


class CellError(Exception):
    pass


def _check_lengths(row: RowResult, model: type[Model], values: dict[str, Any]) -> None:
    """A cell longer than its column allows is the row's error, not the database's."""
    for column, value in values.items():
        limit = model._meta.get_field(column).max_length if isinstance(value, str) else None
        if limit and len(value) > limit:
            row.fail(
                column,
                _("Keep it to %(limit)d characters; this cell has %(count)d.")
                % {"limit": limit, "count": len(value)},
            )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime) and value.time() == datetime.time.min:
        return value.date().isoformat()
    return str(value).strip()


def _date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    # An Excel date number, e.g. 46203 for 2026-06-30.
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 2958466:
        return from_excel(value).date()
    text = _text(value)
    for parse in (datetime.date.fromisoformat, datetime.datetime.fromisoformat):
        try:
            parsed = parse(text)
        except ValueError:
            continue
        return parsed.date() if isinstance(parsed, datetime.datetime) else parsed
    raise CellError(_("Enter the date as YYYY-MM-DD, e.g. 2026-06-30."))


def _percent(value: Any) -> int | None:
    if is_blank(value):
        return None
    number: float
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = value
    else:
        text = _text(value).removesuffix("%").strip().replace(",", ".")
        try:
            number = float(text)
        except ValueError as error:
            raise CellError(_("Enter a whole number from 0 to 100.")) from error
    if not float(number).is_integer() or not 0 <= number <= 100:
        raise CellError(_("Enter a whole number from 0 to 100."))
    return int(number)


class ChoiceReader:
    """A choice by its code or its label in English or Ukrainian, ignoring case."""

    def __init__(self, choices: type[Choices]) -> None:
        self.codes = list(choices.values)
        self.known: dict[str, str] = {}
        for code in choices.values:
            self.known[str(code).casefold()] = code
        for language in ("en", "uk"):
            with translation.override(language):
                for code, label in choices.choices:
                    self.known.setdefault(str(label).casefold(), code)

    def __call__(self, value: Any) -> str:
        code = self.known.get(_text(value).casefold())
        if code is None:
            raise CellError(_("Use one of: %(codes)s.") % {"codes": ", ".join(self.codes)})
        return code


def _names(value: Any) -> list[str]:
    return [part.strip() for part in _text(value).replace(";", ",").split(",") if part.strip()]


# --- The outcome -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    column: str
    old: str
    new: str


@dataclass(frozen=True)
class RowError:
    column: str
    message: str


@dataclass
class RowResult:
    sheet: str
    number: int
    label: str
    outcome: str = UNCHANGED
    changes: list[Change] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def outcome_label(self) -> str:
        return str(OUTCOME_LABELS[self.outcome])

    def fail(self, column: str, message: str) -> None:
        self.errors.append(RowError(column, message))
        self.outcome = ERROR


@dataclass
class ImportResult:
    source: str
    file_errors: list[str] = field(default_factory=list)
    provisions: list[RowResult] = field(default_factory=list)
    milestones: list[RowResult] = field(default_factory=list)
    new_organisations: list[str] = field(default_factory=list)
    has_provisions: bool = False
    has_milestones: bool = False

    @property
    def rows(self) -> list[RowResult]:
        return [*self.provisions, *self.milestones]

    @property
    def valid(self) -> bool:
        rows = self.rows
        return not self.file_errors and bool(rows) and all(row.outcome != ERROR for row in rows)

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys((NEW, CHANGED, UNCHANGED, ERROR), 0)
        for row in self.rows:
            counts[row.outcome] += 1
        return counts

    def errors(self) -> list[RowResult]:
        return [row for row in self.rows if row.outcome == ERROR]

    def digest(self) -> str:
        """What the dry run showed, row by row: a confirmation must meet the same."""
        shown = [
            (row.sheet, row.number, row.outcome, [(c.column, c.old, c.new) for c in row.changes])
            for row in self.rows
        ]
        payload = json.dumps([shown, self.new_organisations], ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()

    def sections(self) -> list[dict[str, Any]]:
        """Per sheet: the rows to look at (errors, new, changed) and the unchanged ones."""
        sections = []
        for sheet, rows, present in (
            (PROVISIONS, self.provisions, self.has_provisions),
            (MILESTONES, self.milestones, self.has_milestones),
        ):
            if not present:
                continue
            sections.append(
                {
                    "sheet": sheet,
                    "rows": [row for row in rows if row.outcome != UNCHANGED],
                    "unchanged": [row for row in rows if row.outcome == UNCHANGED],
                    "columns": [column.name for column in COLUMNS[sheet]],
                }
            )
        return sections


# --- Performing the rows ---------------------------------------------------------------------


def _display_list(values: Iterable[Any]) -> str:
    return ", ".join(str(value) for value in values)


class Importer:
    """Performs the rows of one upload through the services, recording each row's outcome.

    Runs inside the caller's transaction; each row in a savepoint of its own, so a refused
    row leaves nothing behind and the next rows still run (and report).
    """

    def __init__(self, agreement: Agreement, user: User, reason: str, result: ImportResult):
        self.agreement = agreement
        self.user = user
        self.reason = reason
        self.result = result
        self.at = timezone.now()
        self.category = ChoiceReader(Category)
        self.party = ChoiceReader(ResponsibleParty)
        self.status = ChoiceReader(Status)
        self.stage = ChoiceReader(ValueChainStage)
        self.provisions = {
            provision.reference: provision
            for provision in Provision.objects.filter(agreement=agreement).prefetch_related(
                "minerals"
            )
        }
        self.failed_provisions: dict[str, int] = {}
        self.minerals: dict[str, Mineral] = {}
        for mineral in Mineral.objects.all():
            for name in (mineral.name, mineral.name_uk):
                if name:
                    self.minerals.setdefault(name.casefold(), mineral)
        self.organisations: dict[str, Organisation] = {}
        self.organisations_by_pk = Organisation.objects.in_bulk()
        for organisation in self.organisations_by_pk.values():
            for name in (organisation.name, organisation.name_uk):
                if name:
                    self.organisations.setdefault(name.casefold(), organisation)
        self.new_organisations: dict[str, str] = {}
        self.milestones: dict[tuple[int, str], list[Milestone]] = {}
        existing = Milestone.objects.filter(provision__agreement=agreement).only(*COMPARED_FIELDS)
        for milestone in existing:
            self.milestones.setdefault((milestone.provision_id, milestone.title), []).append(
                milestone
            )

    # One row, in a savepoint: the services' refusals become the row's errors.
    def _perform(self, row: RowResult, column: str, action: Callable[[], Any]) -> Any:
        try:
            with transaction.atomic():
                return action()
        except PermissionDenied as refusal:
            row.fail(column, str(refusal) or _("Refused."))
        except (core_services.StaleVersion, milestone_services.StaleVersion):
            row.fail(
                column, _("Someone changed this row's object meanwhile. Run the import again.")
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, messages in error.message_dict.items():
                    for message in messages:
                        row.fail(FIELD_COLUMNS.get(name, name), message)
            else:
                for message in error.messages:
                    row.fail(column, message)
        return None

    def run(self, tables: list[Table]) -> None:
        for table in tables:
            if table.sheet == PROVISIONS:
                self.result.has_provisions = True
        for table in tables:
            if table.sheet == MILESTONES:
                self.result.has_milestones = True
        seen: dict[str, int] = {}
        for table in (t for t in tables if t.sheet == PROVISIONS):
            for number, values in table.rows:
                self.provision_row(number, values, seen)
        seen_milestones: dict[tuple[str, str], int] = {}
        for table in (t for t in tables if t.sheet == MILESTONES):
            for number, values in table.rows:
                self.milestone_row(number, values, seen_milestones)
        self.result.new_organisations = list(self.new_organisations.values())

    # --- Provisions ---

    def provision_row(self, number: int, values: dict[str, Any], seen: dict[str, int]) -> None:
        reference = _text(values["reference"])
        row = RowResult(PROVISIONS, number, reference)
        self.result.provisions.append(row)
        if not reference:
            row.fail("reference", _("Enter the reference."))
        elif reference in seen:
            row.fail(
                "reference", _("The same reference is on row %(row)d.") % {"row": seen[reference]}
            )
        else:
            seen[reference] = number
        data: dict[str, Any] = {
            "reference": reference,
            "title": _text(values["title"]),
            "title_uk": _text(values["title_uk"]),
            "text": _text(values["text"]),
            "text_uk": _text(values["text_uk"]),
        }
        if not data["title"]:
            row.fail("title", _("Enter the title."))
        _check_lengths(row, Provision, data)
        for column, read in (("category", self.category), ("responsible_party", self.party)):
            try:
                data[column] = read(values[column])
            except CellError as error:
                row.fail(column, str(error))
        minerals = []
        unknown = []
        for name in _names(values["minerals"]):
            mineral = self.minerals.get(name.casefold())
            if mineral is None:
                unknown.append(name)
            elif mineral not in minerals:
                minerals.append(mineral)
        if unknown:
            row.fail(
                "minerals",
                _("Unknown mineral(s): %(unknown)s. Known: %(known)s.")
                % {
                    "unknown": ", ".join(unknown),
                    "known": ", ".join(sorted({m.name for m in self.minerals.values()})),
                },
            )
        stages = []
        for name in _names(values["stages"]):
            try:
                stage = self.stage(name)
            except CellError as error:
                row.fail("stages", str(error))
                break
            if stage not in stages:
                stages.append(stage)
        data["value_chain_stages"] = [code for code in ValueChainStage.values if code in stages]
        if row.outcome == ERROR:
            if reference:
                self.failed_provisions.setdefault(reference, number)
            return
        existing = self.provisions.get(reference)
        if existing is None:
            row.outcome = NEW
            provision = self._perform(
                row,
                "reference",
                lambda: services.create_provision(
                    self.agreement,
                    self.user,
                    data,
                    minerals=minerals,
                    reason=self.reason,
                    at=self.at,
                ),
            )
            if provision is not None:
                self.provisions[reference] = provision
            else:
                self.failed_provisions.setdefault(reference, number)
            return
        row.changes = self._provision_changes(existing, data, minerals)
        if not row.changes:
            return
        row.outcome = CHANGED
        self._perform(
            row,
            "reference",
            lambda: services.update_provision(
                existing,
                self.user,
                data,
                version=existing.version,
                minerals=minerals,
                reason=self.reason,
                at=self.at,
            ),
        )
        if row.outcome == ERROR:
            self.failed_provisions.setdefault(reference, number)

    def _provision_changes(
        self, provision: Provision, data: dict[str, Any], minerals: list[Mineral]
    ) -> list[Change]:
        changes = []
        for column in ("title", "title_uk", "text", "text_uk"):
            if (getattr(provision, column) or "").strip() != data[column]:
                changes.append(Change(column, getattr(provision, column), data[column]))
        for column, choices in (("category", Category), ("responsible_party", ResponsibleParty)):
            if getattr(provision, column) != data[column]:
                shown = dict(choices.choices)
                changes.append(
                    Change(column, str(shown[getattr(provision, column)]), str(shown[data[column]]))
                )
        current = list(provision.minerals.all())
        if {m.pk for m in current} != {m.pk for m in minerals}:
            changes.append(
                Change(
                    "minerals",
                    _display_list(sorted(m.name for m in current)),
                    _display_list(sorted(m.name for m in minerals)),
                )
            )
        if list(provision.value_chain_stages) != data["value_chain_stages"]:
            labels = dict(ValueChainStage.choices)
            changes.append(
                Change(
                    "stages",
                    _display_list(labels.get(c, c) for c in provision.value_chain_stages),
                    _display_list(labels[c] for c in data["value_chain_stages"]),
                )
            )
        return changes

    # --- Milestones ---

    def _organisation(self, row: RowResult, name: str, party: str) -> Organisation | None:
        known = self.organisations.get(name.casefold())
        if known is not None:
            return known
        affiliation = party if party in ("US", "UA") else "IND"
        organisation = self._perform(
            row,
            "lead_organisation",
            lambda: services.create_organisation(
                self.user,
                {"name": name, "kind": Organisation.Kind.AGENCY, "affiliation": affiliation},
                reason=self.reason,
                at=self.at,
            ),
        )
        if organisation is not None:
            self.organisations[name.casefold()] = organisation
            self.new_organisations[name.casefold()] = name
        return organisation

    def milestone_row(
        self, number: int, values: dict[str, Any], seen: dict[tuple[str, str], int]
    ) -> None:
        reference = _text(values["provision_reference"])
        title = _text(values["title"])
        row = RowResult(MILESTONES, number, f"{reference} · {title}")
        self.result.milestones.append(row)
        if not reference:
            row.fail("provision_reference", _("Enter the provision's reference."))
        if not title:
            row.fail("title", _("Enter the title."))
        if reference and title:
            if (reference, title) in seen:
                row.fail(
                    "title",
                    _("The same provision and title are on row %(row)d.")
                    % {"row": seen[(reference, title)]},
                )
            else:
                seen[(reference, title)] = number
        provision = self.provisions.get(reference) if reference else None
        if reference in self.failed_provisions:
            row.fail(
                "provision_reference",
                _(
                    "Provision %(reference)s is not imported: row %(row)d of Provisions has "
                    "an error."
                )
                % {"reference": reference, "row": self.failed_provisions[reference]},
            )
        elif reference and provision is None:
            row.fail(
                "provision_reference",
                _("No provision %(reference)s in this agreement or in the Provisions sheet.")
                % {"reference": reference},
            )
        fields: dict[str, Any] = {"title": title, "title_uk": _text(values["title_uk"])}
        _check_lengths(row, Milestone, fields)
        try:
            fields["responsible_party"] = self.party(values["responsible_party"])
        except CellError as error:
            row.fail("responsible_party", str(error))
        due_date = None
        if is_blank(values["due_date"]):
            row.fail("due_date", _("Enter the due date."))
        else:
            try:
                due_date = _date(values["due_date"])
            except CellError as error:
                row.fail("due_date", str(error))
        status = percent = None
        if not is_blank(values["status"]):
            try:
                status = self.status(values["status"])
            except CellError as error:
                row.fail("status", str(error))
        try:
            percent = _percent(values["percent_complete"])
        except CellError as error:
            row.fail("percent_complete", str(error))
        lead_name = _text(values["lead_organisation"])
        if row.outcome == ERROR:
            return
        existing = self.milestones.get((provision.pk, title), [])
        if len(existing) > 1:
            row.fail(
                "title",
                _("%(reference)s has several milestones of this title; rename them first.")
                % {"reference": reference},
            )
            return
        if existing:
            self._change_milestone(row, existing[0], fields, lead_name, due_date, status, percent)
            return
        row.outcome = NEW
        fields["lead_organisation"] = (
            self._organisation(row, lead_name, fields["responsible_party"]) if lead_name else None
        )
        if row.outcome == ERROR:
            return
        milestone = self._perform(
            row,
            "provision_reference",
            lambda: milestone_services.create_milestone(
                provision,
                self.user,
                fields=fields,
                due_date=due_date,
                status=status or Status.NOT_STARTED,
                percent=percent if percent is not None else 0,
                reason=self.reason,
                at=self.at,
            ),
        )
        if milestone is not None:
            self.milestones[(provision.pk, title)] = [milestone]

    def _change_milestone(
        self,
        row: RowResult,
        milestone: Milestone,
        fields: dict[str, Any],
        lead_name: str,
        due_date: datetime.date,
        status: str | None,
        percent: int | None,
    ) -> None:
        parties, statuses = dict(ResponsibleParty.choices), dict(Status.choices)
        lead = self.organisations_by_pk.get(milestone.lead_organisation_id)
        lead_known = self.organisations.get(lead_name.casefold()) if lead_name else None
        details: dict[str, Any] = {}
        if (milestone.title_uk or "").strip() != fields["title_uk"]:
            details["title_uk"] = fields["title_uk"]
            row.changes.append(Change("title_uk", milestone.title_uk, fields["title_uk"]))
        if milestone.responsible_party != fields["responsible_party"]:
            details["responsible_party"] = fields["responsible_party"]
            row.changes.append(
                Change(
                    "responsible_party",
                    str(parties[milestone.responsible_party]),
                    str(parties[fields["responsible_party"]]),
                )
            )
        # A name the directory does not know yet is a change to a new organisation.
        lead_changed = (lead_known is None or lead_known != lead) if lead_name else bool(lead)
        if lead_changed:
            details["lead_organisation"] = None
            row.changes.append(Change("lead_organisation", str(lead or ""), lead_name))
        moved = due_date != milestone.due_date
        if moved:
            row.changes.append(
                Change("due_date", milestone.due_date.isoformat(), due_date.isoformat())
            )
        new_status = status or milestone.status
        new_percent = percent if percent is not None else milestone.percent_complete
        if new_status == Status.COMPLETED:
            new_percent = 100
        if new_status != milestone.status:
            row.changes.append(
                Change("status", str(statuses[milestone.status]), str(statuses[new_status]))
            )
        if new_percent != milestone.percent_complete:
            row.changes.append(
                Change("percent_complete", str(milestone.percent_complete), str(new_percent))
            )
        if not row.changes:
            return
        row.outcome = CHANGED
        if "lead_organisation" in details and lead_name:
            details["lead_organisation"] = self._organisation(
                row, lead_name, fields["responsible_party"]
            )
            if row.outcome == ERROR:
                return

        def current() -> Milestone:
            return Milestone.objects.get(pk=milestone.pk)

        def apply() -> None:
            if details:
                milestone_services.edit_milestone(
                    milestone,
                    self.user,
                    version=current().version,
                    fields=details,
                    reason=self.reason,
                    at=self.at,
                )
            if moved:
                milestone_services.replan_milestone(
                    milestone,
                    self.user,
                    version=current().version,
                    due_date=due_date,
                    reason=self.reason,
                    at=self.at,
                )
            if new_status != milestone.status or new_percent != milestone.percent_complete:
                try:
                    milestone_services.update_progress(
                        milestone,
                        self.user,
                        version=current().version,
                        status=new_status,
                        percent=new_percent,
                        note=self.reason,
                        at=self.at,
                    )
                except PermissionDenied as refusal:
                    # Progress is the delegation's to report; say which columns asked for it.
                    raise ValidationError({"status": [str(refusal)]}) from refusal

        self._perform(row, "provision_reference", apply)


# --- Running, keeping and confirming ---------------------------------------------------------


def reason_for(uploads: list[Upload]) -> str:
    return _("Imported from %(file)s") % {
        "file": ", ".join(upload.shown_name for upload in uploads)
    }


def _run(
    agreement: Agreement, user: User, uploads: list[Upload], *, commit_if: str | None
) -> ImportResult:
    """Reads and performs the upload; commits only when `commit_if` is the digest of the
    outcome and every row is valid, and rolls everything back otherwise."""
    result = ImportResult(source=", ".join(upload.shown_name for upload in uploads))
    try:
        tables = read_uploads(uploads)
    except FileProblem as problem:
        result.file_errors.extend(problem.messages)
        return result
    with transaction.atomic():
        Importer(agreement, user, reason_for(uploads), result).run(tables)
        if not (commit_if and result.valid and result.digest() == commit_if):
            transaction.set_rollback(True)
    if not result.rows and not result.file_errors:
        result.file_errors.append(_("The file has no rows to import."))
    return result


def dry_run(agreement: Agreement, user: User, uploads: list[Upload]) -> ImportResult:
    """Every row performed and rolled back: the outcome, nothing saved."""
    return _run(agreement, user, uploads, commit_if=None)


def keep(
    agreement: Agreement, user: User, uploads: list[Upload], result: ImportResult
) -> list[PendingImport]:
    """Keeps a valid upload for its confirmation: one per person and agreement at a time."""
    PendingImport.objects.filter(user=user, agreement=agreement).delete()
    cutoff = timezone.now() - datetime.timedelta(hours=PENDING_HOURS)
    PendingImport.objects.filter(created_at__lt=cutoff).delete()
    token = uuid.uuid4()
    return [
        PendingImport.objects.create(
            token=token,
            user=user,
            agreement=agreement,
            part=upload.part,
            file_name=upload.shown_name,
            content=upload.content,
            sha256=PendingImport.digest(upload.content),
            plan_digest=result.digest(),
        )
        for upload in uploads
    ]


def pending_for(agreement: Agreement, user: User, token: str) -> list[PendingImport]:
    try:
        token_value = uuid.UUID(token)
    except (ValueError, AttributeError):
        return []
    return list(PendingImport.objects.filter(token=token_value, user=user, agreement=agreement))


@dataclass
class Confirmation:
    saved: bool
    result: ImportResult
    reason: str = ""


def confirm(agreement: Agreement, user: User, pending: list[PendingImport]) -> Confirmation:
    """Runs the kept upload again and commits it only as the dry run showed it."""
    uploads = [Upload(item.part, item.file_name, bytes(item.content)) for item in pending]
    if not all(item.intact for item in pending):
        PendingImport.objects.filter(pk__in=[item.pk for item in pending]).delete()
        return Confirmation(
            False,
            ImportResult(source=", ".join(u.shown_name for u in uploads)),
            _("The kept upload is damaged. Upload the file again."),
        )
    expected = pending[0].plan_digest
    result = _run(agreement, user, uploads, commit_if=expected)
    if result.valid and result.digest() == expected:
        PendingImport.objects.filter(pk__in=[item.pk for item in pending]).delete()
        return Confirmation(True, result)
    if result.valid:
        # Valid still, but not what was shown: show it and wait for a new confirmation.
        for item in pending:
            item.plan_digest = result.digest()
            item.save(update_fields=["plan_digest"])
    else:
        # No longer valid: it can never be confirmed, so it is not kept.
        PendingImport.objects.filter(pk__in=[item.pk for item in pending]).delete()
    return Confirmation(
        False,
        result,
        _("Nothing was imported: the data changed since the dry run. Check the rows below."),
    )
