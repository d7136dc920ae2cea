"""The provision's admin page: its text, minerals and stages, with its milestones below.

Registered here rather than in core because the milestones inline comes from the milestones
app, which core may not import; this app already combines the two.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin

from tracker.core.admin import VersionedAdmin
from tracker.core.forms import ValueChainStagesField
from tracker.core.models import Provision
from tracker.milestones.admin import MilestoneInline


class ProvisionAdminForm(forms.ModelForm):
    value_chain_stages = ValueChainStagesField()

    class Meta:
        model = Provision
        fields = (
            "agreement",
            "reference",
            "title",
            "title_uk",
            "text",
            "text_uk",
            "category",
            "responsible_party",
            "minerals",
            "value_chain_stages",
        )
        # A short fixed list: every mineral in sight, one tick each.
        widgets = {"minerals": forms.CheckboxSelectMultiple}


@admin.register(Provision)
class ProvisionAdmin(VersionedAdmin):
    form = ProvisionAdminForm
    list_display = ("reference", "title", "category", "responsible_party", "agreement")
    list_filter = ("agreement", "category", "responsible_party", "minerals")
    list_select_related = ("agreement",)
    # The agreement's short name narrows a reference that several agreements use ("P-01").
    search_fields = ("reference", "title", "title_uk", "text", "agreement__short_name")
    autocomplete_fields = ("agreement",)
    inlines = [MilestoneInline]
