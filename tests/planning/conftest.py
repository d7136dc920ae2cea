"""Shared helpers of the planning page tests."""

from __future__ import annotations

import pytest

from tracker.core.models import Mineral

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def lithium(db) -> Mineral:
    return Mineral.objects.create(name="Lithium", name_uk="Літій")


def body(response) -> str:
    return response.content.decode()
