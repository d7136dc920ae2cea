from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tracker.core.models import (
    Agreement,
    Evidence,
    Mineral,
    Organisation,
    Provision,
    ProvisionAssessment,
)


class VersionedAdmin(SimpleHistoryAdmin):
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


@admin.register(Provision)
class ProvisionAdmin(VersionedAdmin):
    list_display = ("reference", "title", "category", "responsible_party", "agreement")
    list_filter = ("agreement", "category", "responsible_party", "minerals")
    search_fields = ("reference", "title", "title_uk", "text")
    filter_horizontal = ("minerals",)


@admin.register(ProvisionAssessment)
class ProvisionAssessmentAdmin(SimpleHistoryAdmin):
    list_display = ("provision", "level", "party", "assessed_by", "assessed_at")
    list_filter = ("level", "party")
    search_fields = ("provision__reference", "note")
    list_select_related = ("provision", "assessed_by")


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "affiliation")
    list_filter = ("kind", "affiliation")
    search_fields = ("name", "name_uk")


@admin.register(Mineral)
class MineralAdmin(admin.ModelAdmin):
    list_display = ("name", "name_uk")
    search_fields = ("name", "name_uk")


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ("original_name", "content_type", "size", "uploaded_by", "uploaded_at")
    list_filter = ("content_type",)
    search_fields = ("original_name", "sha256")
    readonly_fields = ("file", "original_name", "size", "content_type", "sha256", "uploaded_by")
