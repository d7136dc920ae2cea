"""Two agreements with rows of every kind, for the workspace tests (tests/agreements.py)."""

from __future__ import annotations

import pytest

from tests.agreements import AgreementRows, build_agreement


@pytest.fixture
def alpha(member_ua, monitor, member_us) -> AgreementRows:
    return build_agreement("alpha", author=member_ua, monitor=monitor, raiser=member_us)


@pytest.fixture
def bravo(alpha, member_ua, monitor, member_us) -> AgreementRows:
    """The second agreement, signed after alpha: without a choice, the default one."""
    return build_agreement("bravo", author=member_ua, monitor=monitor, raiser=member_us)
