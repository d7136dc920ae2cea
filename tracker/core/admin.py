"""Admin of agreements, organisations, minerals, assessments and evidence.

Built for staff entering data by hand: an agreement's provisions are edited on the
agreement's page, related rows are picked by typing (autocomplete) rather than by id, and a
list of codes (value-chain stages) is a row of checkboxes. The provision's own page, with its
milestones, is registered by tracker.provisions (it needs the milestones app, which core may
not import).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tracker.core.admin_history import HistoryAdmin, WorkflowRecordAdmin
from tracker.core.models import (
    Agreement,
    Evidence,
    Mineral,
    Organisation,
    Provision,
    ProvisionAssessment,
    Translation,
)
from tracker.core.organisations import clean_name, organisation_errors


class ProvisionInline(admin.TabularInline):
    """An agreement's provisions, one row each; the change link opens the provision with its
    milestones, minerals and stages."""

    model = Provision
    extra = 0
    fields = ("reference", "title", "title_uk", "category", "responsible_party")
    show_change_link = True


class VersionedAdmin(HistoryAdmin):
    """Agreements and provisions carry a version (tracker/core/services.py): an admin save
    raises it too, so a planning form rendered before it is refused instead of overwriting
    it."""

    readonly_fields = ("version",)

    def save_model(self, request, obj, form, change) -> None:
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)


@admin.register(Agreement)
class AgreementAdmin(VersionedAdmin):
    list_display = ("short_name", "title", "signed_on", "place")
    search_fields = ("title", "title_uk", "short_name")
    list_filter = ("signed_on",)
    inlines = [ProvisionInline]

    def save_formset(self, request, form, formset, change) -> None:
        # A provision edited in the inline is a change like any other: its version rises.
        for provision in formset.save(commit=False):
            if provision.pk:
                provision.version += 1
            provision.save()
        for provision in formset.deleted_objects:
            provision.delete()
        formset.save_m2m()


@admin.register(ProvisionAssessment)
class ProvisionAssessmentAdmin(HistoryAdmin):
    list_display = ("provision", "level", "party", "assessed_by", "assessed_at")
    list_filter = ("level", "party")
    search_fields = ("provision__reference", "note")
    list_select_related = ("provision", "assessed_by")
    autocomplete_fields = ("provision", "assessed_by")


class OrganisationAdminForm(forms.ModelForm):
    """The directory's rules here too: no name another organisation uses, in either language
    or case, and a reason for every change, which the history keeps."""

    reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=100,
        required=False,
        help_text=_("Kept in the organisation's history. Needed when changing an organisation."),
    )
    # The version the form was rendered from: a save over someone else's later edit (here
    # or in the directory) is refused instead of overwriting it.
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Organisation
        fields = ("name", "name_uk", "kind", "affiliation")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["seen_version"].initial = self.instance.version

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.instance.pk:
            current = Organisation.objects.filter(pk=self.instance.pk).values("version").get()
            if cleaned.get("seen_version") != current["version"]:
                raise forms.ValidationError(
                    _(
                        "Someone else changed this organisation after you opened it. Open it "
                        "again to see the current values, then make your change."
                    ),
                    code="stale",
                )
        for name in ("name", "name_uk"):
            if name in cleaned:
                cleaned[name] = clean_name(cleaned[name])
        for field, message in organisation_errors(cleaned, instance=self.instance).items():
            if field not in self.errors:
                self.add_error(field, message)
        if self.instance.pk and not cleaned.get("reason", "").strip():
            self.add_error(
                "reason", _("Say why the organisation changes: the history keeps the reason.")
            )
        return cleaned


@admin.register(Organisation)
class OrganisationAdmin(HistoryAdmin):
    form = OrganisationAdminForm
    list_display = ("name", "kind", "affiliation")
    list_filter = ("kind", "affiliation")
    search_fields = ("name", "name_uk")
    readonly_fields = ("version",)

    def save_model(self, request, obj: Organisation, form, change: bool) -> None:
        obj._change_reason = form.cleaned_data.get("reason", "").strip()
        if change:
            # An edit form of the directory rendered before this save must not overwrite it.
            obj.version += 1
        super().save_model(request, obj, form, change)


@admin.register(Mineral)
class MineralAdmin(admin.ModelAdmin):
    list_display = ("name", "name_uk")
    search_fields = ("name", "name_uk")


@admin.register(Evidence)
class EvidenceAdmin(WorkflowRecordAdmin):
    """Files are never deleted or replaced; one recorded in error is withdrawn in the tracker,
    with the reason (tracker.core.evidence.withdraw_evidence)."""

    list_display = (
        "original_name",
        "content_type",
        "size",
        "uploaded_by",
        "uploaded_at",
        "withdrawn_at",
    )
    list_filter = ("content_type",)
    search_fields = ("original_name", "sha256")
    readonly_fields = ("file", "original_name", "size", "content_type", "sha256", "uploaded_by")


@admin.register(Translation)
class TranslationAdmin(WorkflowRecordAdmin):
    """Translations are added and replaced on the records' pages, with a reason
    (tracker.translations); the admin lists them and their history."""

    list_display = ("content_type", "object_id", "field", "language", "added_by", "added_at")
    list_filter = ("language", "content_type")
    search_fields = ("text",)
