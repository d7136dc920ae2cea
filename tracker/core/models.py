"""Agreements, provisions, organisations, minerals and the evidence files shared by all apps."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import PurePath
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce, Lower, NullIf
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tracker.core.limits import COMMENT, LEGAL_TEXT, LONG_TEXT, NOTE, max_length_constraints


class Party(models.TextChoices):
    """The two signatories."""

    US = "US", _("United States")
    UA = "UA", _("Ukraine")


class ResponsibleParty(models.TextChoices):
    """Who carries a commitment: one party or both together."""

    US = "US", _("United States")
    UA = "UA", _("Ukraine")
    JOINT = "JOINT", _("Joint")


class Visibility(models.TextChoices):
    """Who may read a record: the task force only (the default), or also observers."""

    TASK_FORCE = "task_force", _("Task force only")
    PUBLIC = "public", _("Public")


def visibility_field() -> models.CharField:
    return models.CharField(
        _("visibility"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.TASK_FORCE,
        help_text=_("Observers (NGOs, companies, international organisations) see public records."),
    )


def visibility_constraint(prefix: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(visibility__in=Visibility.values), name=f"{prefix}_visibility_valid"
    )


class VisibleQuerySet(models.QuerySet):
    """Rows by who may read them: ``.visible_to(user)`` is the one filter every selector uses.

    Whether a person reads task-force records is decided by one predicate,
    ``tracker.accounts.permissions.can_see_restricted``, which the user model exposes as
    ``sees_restricted`` (core imports no app above it). A row is public when every field of
    ``visibility_lookups`` is: a corrective action only with its check, a dispute's timeline
    with its dispute."""

    visibility_lookups: tuple[str, ...] = ("visibility",)

    def public(self) -> VisibleQuerySet:
        return self.filter(**dict.fromkeys(self.visibility_lookups, Visibility.PUBLIC))

    def visible_to(self, user) -> VisibleQuerySet:
        return self if getattr(user, "sees_restricted", False) else self.public()


class Affiliation(models.TextChoices):
    """Where a person or organisation stands: with one party or independent."""

    US = "US", _("United States")
    UA = "UA", _("Ukraine")
    INDEPENDENT = "IND", _("Independent")


class Category(models.TextChoices):
    GEOLOGICAL_SURVEY = "geological_survey", _("Geological survey")
    INVESTMENT = "investment_infrastructure", _("Investment & infrastructure")
    TECHNOLOGY = "technology_sharing", _("Technology sharing")
    GOVERNANCE = "governance_anti_corruption", _("Governance & anti-corruption")
    ESG = "environmental_social", _("Environmental & social (ESG)")
    CAPACITY = "capacity_building", _("Capacity building")
    MONITORING = "monitoring_compliance", _("Monitoring & compliance")
    OVERSIGHT = "oversight_disputes", _("Oversight & dispute resolution")


class ValueChainStage(models.TextChoices):
    EXPLORATION = "exploration", _("Exploration")
    EXTRACTION = "extraction", _("Extraction")
    PROCESSING = "processing", _("Processing")
    RECYCLING = "recycling", _("Recycling")


class ImplementationLevel(models.IntegerChoices):
    """Peace Accords Matrix scale, derived from a provision's milestones.

    Read off the average progress of the milestones that are not cancelled: nothing started
    is 0, everything completed is 3, half way or more is 2, anything less is 1. `of()` says
    it of a figure computed in Python, `expression()` of one computed in SQL; both read
    LEVEL_THRESHOLDS.
    """

    NOT_INITIATED = 0, _("Not initiated")
    MINIMAL = 1, _("Minimal")
    INTERMEDIATE = 2, _("Intermediate")
    FULL = 3, _("Full")

    @classmethod
    def of(cls, percent: float) -> ImplementationLevel:
        """The level of an average progress in percent."""
        if percent <= 0:
            return cls.NOT_INITIATED
        for level, lowest in LEVEL_THRESHOLDS:
            if percent >= lowest:
                return level
        return cls.MINIMAL

    @classmethod
    def expression(cls, percent_field: str) -> models.Case:
        """of() in SQL, for a queryset whose `percent_field` holds the average progress."""
        return models.Case(
            models.When(**{f"{percent_field}__lte": 0}, then=models.Value(int(cls.NOT_INITIATED))),
            *(
                models.When(**{f"{percent_field}__gte": lowest}, then=models.Value(int(level)))
                for level, lowest in LEVEL_THRESHOLDS
            ),
            default=models.Value(int(cls.MINIMAL)),
            output_field=models.IntegerField(),
        )


# The lowest average progress of each level above "minimal", highest level first. Anything
# above 0 % is at least minimal.
LEVEL_THRESHOLDS = (
    (ImplementationLevel.FULL, 100),
    (ImplementationLevel.INTERMEDIATE, 50),
)


def in_ukrainian() -> bool:
    """Whether the active language is Ukrainian (otherwise the English text comes first)."""
    return (get_language() or "en").startswith("uk")


def localized(obj: object, field: str) -> str:
    """The Ukrainian or English text of a bilingual field, falling back to the other one."""
    english = getattr(obj, field) or ""
    ukrainian = getattr(obj, f"{field}_uk") or ""
    if in_ukrainian():
        return ukrainian or english
    return english or ukrainian


class LanguageVersion(NamedTuple):
    code: str  # the value of the HTML lang attribute
    label: str
    text: str


def both_languages(obj: object, field: str) -> list[LanguageVersion]:
    """The English and the Ukrainian text of a bilingual field, each as it is stored (no
    fallback: a missing translation shows as missing), the reader's language first."""
    versions = [
        LanguageVersion("en", gettext("English"), getattr(obj, field) or ""),
        LanguageVersion("uk", gettext("Ukrainian"), getattr(obj, f"{field}_uk") or ""),
    ]
    return versions[::-1] if in_ukrainian() else versions


def localized_sql(field: str) -> Coalesce:
    """localized() in SQL, for querysets read as values: the text of `field` and
    `field`_uk in the active language, falling back to the other, or "" when both are empty
    (or missing, across an outer join). One string per row comes back instead of two."""
    english, ukrainian = models.F(field), models.F(f"{field}_uk")
    first, second = (ukrainian, english) if in_ukrainian() else (english, ukrainian)
    return Coalesce(NullIf(first, models.Value("")), second, models.Value(""))


class Mineral(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    name_uk = models.CharField(_("name (Ukrainian)"), max_length=80, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("mineral")
        verbose_name_plural = _("minerals")

    def __str__(self) -> str:
        return localized(self, "name")


class Organisation(models.Model):
    class Kind(models.TextChoices):
        AGENCY = "agency", _("Government agency")
        COMPANY = "company", _("Company")
        NGO = "ngo", _("NGO")
        INTERNATIONAL = "international", _("International organisation")

    name = models.CharField(_("name"), max_length=200, unique=True)
    name_uk = models.CharField(_("name (Ukrainian)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    affiliation = models.CharField(_("party"), max_length=3, choices=Affiliation.choices)
    # Raised by one on every edit through tracker.accounts.organisations; an edit form carries
    # the value it was rendered with, so an edit based on stale data is refused.
    version = models.PositiveIntegerField(_("version"), default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            # The directory refuses a name that differs from another only in case (in either
            # language, tracker.accounts.organisations); these catch what slips past that
            # check in a race. SQLite's lower() folds only ASCII letters; PostgreSQL's folds all.
            models.UniqueConstraint(Lower("name"), name="organisation_name_ci_unique"),
            models.UniqueConstraint(
                Lower("name_uk"),
                condition=~models.Q(name_uk=""),
                name="organisation_name_uk_ci_unique",
            ),
        ]

    def __str__(self) -> str:
        return localized(self, "name")


# The workspace parameter's value for every agreement at once (tracker.core.workspace), so
# no agreement may take it as its short name.
ALL_AGREEMENTS = "all"


def not_reserved(short_name: str) -> None:
    if short_name == ALL_AGREEMENTS:
        raise ValidationError(
            _("“%(name)s” stands for every agreement at once; choose another short name."),
            code="reserved",
            params={"name": short_name},
        )


class Agreement(models.Model):
    title = models.CharField(_("title"), max_length=300)
    title_uk = models.CharField(_("title (Ukrainian)"), max_length=300, blank=True)
    short_name = models.SlugField(
        _("short name"), max_length=60, unique=True, validators=[not_reserved]
    )
    signed_on = models.DateField(_("signed on"))
    place = models.CharField(_("place"), max_length=200)
    place_uk = models.CharField(_("place (Ukrainian)"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True, max_length=LEGAL_TEXT)
    summary_uk = models.TextField(_("summary (Ukrainian)"), blank=True, max_length=LEGAL_TEXT)
    source = models.CharField(_("source"), max_length=300, blank=True)
    # Raised by one on every save through tracker/core/services.py, so an edit based on a
    # stale form is refused instead of overwriting someone else's.
    version = models.PositiveIntegerField(_("version"), default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-signed_on"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = max_length_constraints("agreement", summary=LEGAL_TEXT, summary_uk=LEGAL_TEXT)

    def __str__(self) -> str:
        return localized(self, "title")

    @property
    def display_title(self) -> str:
        return localized(self, "title")


class Provision(models.Model):
    # The text the check list finds a provision's checks by, and the text the provision list
    # searches (tracker.core.search).
    search_documents = {
        "search_document": ("reference", "title", "title_uk"),
        "search_document_full": ("reference", "title", "title_uk", "text", "text_uk"),
    }

    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, related_name="provisions", verbose_name=_("agreement")
    )
    reference = models.CharField(_("reference"), max_length=20)
    title = models.CharField(_("title"), max_length=300)
    title_uk = models.CharField(_("title (Ukrainian)"), max_length=300, blank=True)
    text = models.TextField(_("text"), blank=True, max_length=LEGAL_TEXT)
    text_uk = models.TextField(_("text (Ukrainian)"), blank=True, max_length=LEGAL_TEXT)
    category = models.CharField(_("category"), max_length=40, choices=Category.choices)
    responsible_party = models.CharField(
        _("responsible party"), max_length=5, choices=ResponsibleParty.choices
    )
    minerals = models.ManyToManyField(
        Mineral, blank=True, related_name="provisions", verbose_name=_("minerals")
    )
    # A short fixed vocabulary (ValueChainStage); a list of codes keeps it one column.
    value_chain_stages = models.JSONField(_("value-chain stages"), default=list, blank=True)
    # As Agreement.version: an edit based on a stale form is refused.
    version = models.PositiveIntegerField(_("version"), default=1)
    history = HistoricalRecords(m2m_fields=[minerals])

    # The path to the agreement, for tracker.core.workspace.within().
    agreement_lookup = "agreement"

    class Meta:
        ordering = ["agreement", "reference"]
        verbose_name = _("provision")
        verbose_name_plural = _("provisions")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "reference"], name="provision_reference_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(category__in=Category.values), name="provision_category_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(responsible_party__in=ResponsibleParty.values),
                name="provision_party_valid",
            ),
            *max_length_constraints("provision", text=LEGAL_TEXT, text_uk=LEGAL_TEXT),
        ]
        indexes = [
            models.Index(fields=["category"]),
            models.Index(fields=["responsible_party"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.display_title}"

    @property
    def display_title(self) -> str:
        return localized(self, "title")

    @property
    def display_text(self) -> str:
        return localized(self, "text")

    @property
    def text_versions(self) -> list[LanguageVersion]:
        """Both texts, for reading them side by side (legal comparison)."""
        return both_languages(self, "text")

    def get_value_chain_stages_display(self) -> list[str]:
        labels = dict(ValueChainStage.choices)
        return [str(labels.get(code, code)) for code in self.value_chain_stages]


class ProvisionAssessment(models.Model):
    """A co-chair's recorded judgement of how far a provision is implemented."""

    provision = models.ForeignKey(
        Provision,
        on_delete=models.CASCADE,
        related_name="assessments",
        verbose_name=_("provision"),
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("assessed by"),
    )
    party = models.CharField(_("party"), max_length=3, choices=Party.choices)
    assessed_at = models.DateTimeField(_("assessed at"), auto_now_add=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=ImplementationLevel.choices)
    note = models.TextField(_("note"), max_length=COMMENT)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-assessed_at"]
        verbose_name = _("provision assessment")
        verbose_name_plural = _("provision assessments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__gte=0, level__lte=3), name="assessment_level_range"
            ),
            *max_length_constraints("assessment", note=COMMENT),
        ]

    def __str__(self) -> str:
        return f"{self.provision_id}: {self.level}"


def evidence_path(instance: Evidence, filename: str) -> str:
    # The stored name is random; the name the person gave is kept only as data, never as a path.
    return f"evidence/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}"


class Evidence(models.Model):
    """An uploaded file. Progress updates, checks and disputes point at it."""

    file = models.FileField(_("file"), upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    content_type = models.CharField(_("content type"), max_length=100)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    visibility = visibility_field()
    # Evidence is never deleted: a file recorded in error is withdrawn, with the reason
    # (tracker.core.evidence.withdraw_evidence); it stays stored and downloadable, marked.
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True, max_length=NOTE)
    history = HistoricalRecords()

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = [
            visibility_constraint("evidence"),
            # Withdrawn means: when, by whom and why, all three.
            models.CheckConstraint(
                condition=(
                    models.Q(
                        withdrawn_at__isnull=True,
                        withdrawn_by__isnull=True,
                        withdrawal_reason="",
                    )
                    | (
                        models.Q(withdrawn_at__isnull=False, withdrawn_by__isnull=False)
                        & ~models.Q(withdrawal_reason="")
                    )
                ),
                name="evidence_withdrawal_complete",
            ),
            *max_length_constraints("evidence", withdrawal_reason=NOTE),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def display_name(self) -> str:
        return PurePath(self.original_name).name

    @staticmethod
    def digest(chunks) -> str:
        sha = hashlib.sha256()
        for chunk in chunks:
            sha.update(chunk)
        return sha.hexdigest()


class Translation(models.Model):
    """The text of one free-text field of a record in one language, added after the record.

    Records carry no language of their own: whoever writes a progress note, a finding or a
    dispute's position writes it in the language they work in, and the tracker does not guess
    which. A translation is "the text of this field in language X", added later by someone
    allowed to edit the record (tracker.translations). Pages show it beside the original,
    marked as a translation with who added it and when; the compliance report reads the
    translation in the reader's language where there is one, and the original otherwise
    (`translated_sql`). One row per record, field and language: a better translation replaces
    the text (with a reason, kept in the history and so in the audit chain).

    Generic (a content type and an object id) so that the domain apps share one table without
    importing each other; each translatable model has a GenericRelation ``translations`` for
    prefetching. A translation is read only together with its record, so it has no visibility
    of its own: whoever may not read the record never reaches its translations.
    """

    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(_("record"))
    field = models.CharField(_("field"), max_length=40)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    text = models.TextField(_("translation"), max_length=LONG_TEXT)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("added by"),
    )
    added_at = models.DateTimeField(_("added at"))
    # Raised by one on every replacement: a form rendered from an older text is refused.
    version = models.PositiveIntegerField(_("version"), default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["language"]
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "field", "language"],
                name="translation_one_per_language",
            ),
            models.CheckConstraint(
                condition=models.Q(language__in=[code for code, _name in settings.LANGUAGES]),
                name="translation_language_valid",
            ),
            models.CheckConstraint(condition=~models.Q(text=""), name="translation_not_empty"),
            *max_length_constraints("translation", text=LONG_TEXT),
        ]

    def __str__(self) -> str:
        # The audit log shows this for every record, task-force ones included: no text here.
        return f"{self.content_type.model} {self.object_id} · {self.field} ({self.language})"


def active_language() -> str:
    """The code of the active language as settings.LANGUAGES spells it ("en" or "uk")."""
    return "uk" if in_ukrainian() else "en"


def translated_sql(model: type[models.Model], field: str, *, before=None, outer: str = "id"):
    """A record's `field` in the reader's language, in SQL, for querysets read as values:
    the translation into the active language where there is one, otherwise the text as
    written. One correlated subquery on the translations' unique index, so a report reading
    thousands of rows still reads them in one query.

    ``model`` is the record's live model (a history queryset passes its live model, and
    `outer` names the column holding the record's id). ``before``: a past moment, for a
    report as of a date — the translation as it stood then, read from its history.
    """
    opts = model._meta.concrete_model._meta
    where = {
        "content_type__app_label": opts.app_label,
        "content_type__model": opts.model_name,
        "object_id": models.OuterRef(outer),
        "field": field,
        "language": active_language(),
    }
    if before is None:
        texts = Translation.objects.filter(**where).values("text")[:1]
    else:
        texts = (
            Translation.history.filter(**where, history_date__lt=before)
            .order_by("-history_date", "-history_id")
            .values("text")[:1]
        )
    return Coalesce(models.Subquery(texts), models.F(field), output_field=models.TextField())


def with_translations() -> models.Prefetch:
    """Prefetch a record's translations with who added them: one query per model of a page,
    whatever the number of records (each translatable model has ``translations``)."""
    return models.Prefetch("translations", queryset=Translation.objects.select_related("added_by"))
