"""Demo data in one command: the sample agreement and one account per role and party.

Only with DEBUG on: the accounts share one password that is printed on the terminal.

Each account has the address <username>@example.org, so the notifications `make run` sends
land in var/mail/ addressed to it.

Running it again keeps every existing row. Missing demo accounts are created. Existing demo
accounts keep their names, roles and parties; their password is reset only when one is given
(`--password` or DEMO_PASSWORD), so the printed table is always true. Without a given
password, new accounts get a random one and existing accounts keep theirs. Failed log-in
attempts of the demo accounts are cleared either way, so a lock-out never outlives a restart.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from typing import Any

from axes.utils import reset as reset_login_failures
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from tracker.accounts.models import Role, User
from tracker.core.models import Affiliation, Agreement, Organisation


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    party: str
    first_name: str
    last_name: str
    organisation: str | None
    kind: str = Organisation.Kind.AGENCY
    is_admin: bool = False


# Invented people; the organisations are those of the sample agreement.
DEMO_ACCOUNTS = (
    DemoAccount(
        "chair-us", Role.CO_CHAIR, Affiliation.US, "Dana", "Whitfield",
        "US Interagency Critical Minerals Office",
    ),
    DemoAccount(
        "chair-ua", Role.CO_CHAIR, Affiliation.UA, "Oksana", "Hrytsenko",
        "Ministry of Economy of Ukraine",
    ),
    DemoAccount(
        "member-us", Role.MEMBER, Affiliation.US, "Marcus", "Reed",
        "US Geological Cooperation Office",
    ),
    DemoAccount(
        "member-ua", Role.MEMBER, Affiliation.UA, "Taras", "Melnyk",
        "State Service of Geology and Subsoil of Ukraine",
    ),
    DemoAccount(
        "monitor", Role.MONITOR, Affiliation.INDEPENDENT, "Ingrid", "Solberg",
        "International Mining Standards Initiative", Organisation.Kind.INTERNATIONAL,
    ),
    DemoAccount(
        "observer", Role.OBSERVER, Affiliation.INDEPENDENT, "Priya", "Natarajan",
        "Extractives Transparency Watch", Organisation.Kind.NGO,
    ),
    DemoAccount(
        "admin", Role.STAFF_ADMIN, Affiliation.INDEPENDENT, "System", "Administrator",
        None, is_admin=True,
    ),
)  # fmt: skip


def demo_email(account: DemoAccount) -> str:
    """Where the demo account's notifications go: `make run` writes them to var/mail/."""
    return f"{account.username}@example.org"


def organisation_for(account: DemoAccount) -> Organisation | None:
    if account.organisation is None:
        return None
    organisation, _ = Organisation.objects.get_or_create(
        name=account.organisation,
        defaults={"kind": account.kind, "affiliation": account.party},
    )
    return organisation


class Command(BaseCommand):
    help = "Load the sample agreement when there is none and create the demo accounts (DEBUG only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password",
            help="Password of every demo account (default: $DEMO_PASSWORD, else a random one).",
        )

    def handle(self, *args: Any, password: str | None = None, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "load_demo creates accounts whose password is printed on the terminal, so it "
                "runs only in development: set DEBUG=1."
            )
        password = password or os.environ.get("DEMO_PASSWORD") or None
        given = password is not None
        if given:
            try:
                validate_password(password)
            except ValidationError as error:
                raise CommandError("Demo password refused: " + " ".join(error.messages)) from error
        else:
            password = secrets.token_urlsafe(12)

        if not Agreement.objects.exists():
            call_command(
                "load_sample_agreement",
                verbosity=options["verbosity"],
                stdout=self.stdout,
                stderr=self.stderr,
            )

        with transaction.atomic():
            rows = [self.ensure(account, password, given) for account in DEMO_ACCOUNTS]
        if options["verbosity"] >= 1:
            self.print_table(rows)

    def ensure(self, account: DemoAccount, password: str, given: bool) -> list[str]:
        user = User.objects.filter(username=account.username).first()
        if user is None:
            user = User(
                username=account.username,
                email=demo_email(account),
                first_name=account.first_name,
                last_name=account.last_name,
                role=account.role,
                party=account.party,
                organisation=organisation_for(account),
                is_staff=account.is_admin,
                is_superuser=account.is_admin,
            )
            user.set_password(password)
            user.save()
            shown = password
        elif given:
            user.set_password(password)
            user.save(update_fields=["password"])
            shown = password
        else:
            shown = "(unchanged)"
        if not user.email:
            # Accounts made before the demo had addresses get theirs.
            user.email = demo_email(account)
            user.save(update_fields=["email"])
        reset_login_failures(username=account.username)
        return [
            account.username,
            shown,
            user.get_role_display() or "—",
            user.get_party_display(),
            user.get_full_name(),
        ]

    def print_table(self, rows: list[list[str]]) -> None:
        header = ["username", "password", "role", "party", "name"]
        widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
        line = "  ".join(f"{{:<{width}}}" for width in widths)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo log-ins (development only):"))
        for row in [header, ["-" * width for width in widths], *rows]:
            self.stdout.write(line.format(*row).rstrip())
        self.stdout.write("")
