"""What a staff admin types about a person (names, email) and what a reason says is shown
escaped on the people pages, in their history and in the header."""

import pytest
from django.urls import reverse

from tests.security.test_xss import PAYLOADS, RAW_MARKERS
from tracker.accounts.models import Role, User
from tracker.core.models import Organisation


@pytest.mark.parametrize("payload", PAYLOADS)
def test_people_pages_show_typed_text_escaped(login, staff_admin, payload):
    organisation = Organisation.objects.create(
        name=f"Agency {payload}", kind=Organisation.Kind.AGENCY, affiliation="UA"
    )
    person = User.objects.create(
        username="typed",
        first_name=f"Oksana {payload}",
        last_name=payload,
        email="typed@example.org",
        role=Role.MEMBER,
        party="UA",
        organisation=organisation,
    )
    person._change_reason = f"Reason {payload}"[:100]
    person.role = Role.CO_CHAIR
    person.save()
    client = login(staff_admin)

    for url in (reverse("people:list"), reverse("people:detail", args=[person.pk])):
        for headers in ({}, {"HX-Request": "true"}):
            body = client.get(url, headers=headers).content.decode()
            assert "Oksana" in body
            for marker in RAW_MARKERS:
                assert marker not in body, (url, headers)
