"""The sample agreement carries every bilingual text in both languages."""

from __future__ import annotations

import pytest

from tracker.core.models import Agreement, Mineral, Organisation, Provision
from tracker.milestones.models import Milestone
from tracker.monitoring.models import MonitoringCheck

BILINGUAL_FIELDS = [
    (Agreement, ["title", "place", "summary"]),
    (Provision, ["title", "text"]),
    (Milestone, ["title", "description"]),
    (MonitoringCheck, ["criterion"]),
    (Mineral, ["name"]),
    (Organisation, ["name"]),
]


@pytest.mark.parametrize(
    ("model", "fields"), BILINGUAL_FIELDS, ids=[model.__name__ for model, _ in BILINGUAL_FIELDS]
)
def test_sample_data_has_english_and_ukrainian_text(sample_data, model, fields):
    rows = list(model.objects.all())
    assert rows, f"the sample holds no {model.__name__}"

    missing = [
        f"{row.pk}.{field}{suffix}"
        for row in rows
        for field in fields
        for suffix in ("", "_uk")
        # A field the sample leaves empty in both languages is simply not used.
        if getattr(row, field) + getattr(row, f"{field}_uk") and not getattr(row, field + suffix)
    ]
    assert not missing, f"{model.__name__}: text missing in one language: {missing}"
