"""The permission matrix, cell by cell, from the one table in tracker/accounts/matrix.py.

Each cell is one person of the cast × one action × one ownership of the object (the US's, the
UA's, joint) × plain or htmx POST. For each cell the test asks the predicate in
permissions.py and the real endpoint of the URL contracts, and holds both to the table:
an allowed cell answers 2xx/3xx and changes the database; a refused one answers 403 or 404
and changes nothing (every tracker row, history row and stored file compared); an anonymous
visitor is sent to the log-in page.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.accounts.scenarios import (
    CAST,
    CELLS,
    POST_ACTIONS,
    Cell,
    EndpointMissing,
    database_snapshot,
    prepare,
)
from tracker.accounts import permissions
from tracker.accounts.matrix import ACTIONS


def test_every_action_of_the_table_has_a_predicate_and_a_scenario():
    for action in ACTIONS:
        assert callable(getattr(permissions, action.predicate))
    assert {action.key for action in ACTIONS} >= POST_ACTIONS
    assert len(CELLS) == len({str(cell) for cell in CELLS})
    assert set(CAST) >= {"co_chair_US", "member_UA", "monitor", "no_role", "anonymous"}


@pytest.mark.django_db
@pytest.mark.parametrize("cell", CELLS, ids=str)
def test_matrix(cell: Cell):
    prepared = prepare(cell.action.key, cell.owner)
    actor = cell.make_actor()
    prepared.prepare_actor(actor)

    # The predicate agrees with the table (a user without a role, and anonymous, may nothing).
    predicate = getattr(permissions, cell.action.predicate)
    assert predicate(actor, *prepared.predicate_args) is cell.expected_allowed, (
        f"{cell.action.predicate} disagrees with the table"
    )

    try:
        url = prepared.url
    except EndpointMissing as missing:
        pytest.fail(f"endpoint {missing} of the URL contracts does not resolve")

    client = Client()
    if cell.role != "anonymous":
        client.force_login(actor)
    headers = {"HX-Request": "true"} if cell.htmx else {}
    before = database_snapshot()
    if prepared.method == "get":
        response = client.get(url, headers=headers)
    else:
        response = client.post(url, prepared.data, headers=headers)
    after = database_snapshot()
    if response.streaming:  # an evidence download: read to the end, which closes the file
        assert b"".join(response.streaming_content)

    if cell.role == "anonymous":
        assert response.status_code == 302, response.status_code
        assert response["Location"].startswith(reverse("login"))
        assert after == before
    elif cell.expected_allowed:
        assert 200 <= response.status_code < 400, (
            f"allowed, but answered {response.status_code}: {response.content[:600]!r}"
        )
        if prepared.method == "post" and prepared.records:
            assert after != before, "allowed and answered, but nothing was recorded"
    else:
        assert response.status_code in (403, 404), (
            f"refused by the table, but answered {response.status_code}"
        )
        assert after == before, "a refused request changed the database"
