"""The permission matrix: one table saying, for every action, who may do it to what.

This table is the specification. The matrix test (tests/accounts/test_matrix.py) walks every
cell — each person of the cast × action × object ownership — against both the predicate in
``permissions.py`` and the real endpoint, and ``manage.py permissions_matrix`` prints it as
``docs/permissions.md``. Change a rule here first; the test then shows what must follow.

Ownership is relative to the person acting: ``own`` is an object of their own party,
``other`` one of the other party, ``joint`` one both parties carry. Independent people
(monitors, observers, staff admins) belong to no party, so every party's object is ``other``
to them and ``own`` does not apply. Organisations are never joint: one that belongs to
neither party is ``independent``, whoever acts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tracker.accounts.models import Role

OWN, OTHER, JOINT = "own", "other", "joint"
#: An organisation of neither party (affiliation IND).
INDEPENDENT = "independent"
#: The single column of actions that are not about one party's object.
ANY = "any"

PARTY_OWNED = (OWN, OTHER, JOINT)
BETWEEN_PARTIES = (OWN, OTHER)  # disputes are always raised by one party against the other
AFFILIATED = (OWN, OTHER, INDEPENDENT)  # organisations: a party's, or independent

#: The columns of the printed matrix; the cast of the test has one or two people per column.
ROLE_COLUMNS: tuple[tuple[str, str], ...] = (
    (Role.CO_CHAIR, "Co-chair"),
    (Role.MEMBER, "Member"),
    (Role.MONITOR, "Monitor"),
    (Role.OBSERVER, "Observer"),
    (Role.STAFF_ADMIN, "Staff admin"),
    ("", "No role"),
    ("anonymous", "Anonymous"),
)


@dataclass(frozen=True)
class Action:
    key: str
    label: str
    predicate: str
    #: What "own/other/joint" refers to for this action.
    owner: str
    ownerships: tuple[str, ...]
    #: role -> the ownerships for which that role is allowed; a role not listed may not.
    allowed: dict[str, frozenset[str]] = field(default_factory=dict)
    #: For dispute moves: the status the dispute is moved to.
    to_status: str = ""

    def allows(self, role: str, ownership: str) -> bool:
        return ownership in self.allowed.get(role, frozenset())


def _roles(*roles: str, to: tuple[str, ...]) -> dict[str, frozenset[str]]:
    return {role: frozenset(to) for role in roles}


READERS = (Role.CO_CHAIR, Role.MEMBER, Role.MONITOR, Role.OBSERVER, Role.STAFF_ADMIN)
DELEGATES = (Role.CO_CHAIR, Role.MEMBER)
#: Who reads task-force records: everyone but observers.
TASK_FORCE_READERS = (Role.CO_CHAIR, Role.MEMBER, Role.MONITOR, Role.STAFF_ADMIN)

ACTIONS: tuple[Action, ...] = (
    Action(
        "view",
        "Read every page (e.g. a milestone)",
        "can_view",
        "the milestone's responsible party",
        PARTY_OWNED,
        _roles(*READERS, to=PARTY_OWNED),
    ),
    Action(
        "update_milestone",
        "Update a milestone's status and progress, with evidence",
        "can_update_milestone",
        "the milestone's responsible party",
        PARTY_OWNED,
        _roles(*DELEGATES, to=(OWN, JOINT)),
    ),
    Action(
        "verify_milestone",
        "Verify a completed milestone",
        "can_verify_milestone",
        "the milestone's responsible party",
        PARTY_OWNED,
        {Role.CO_CHAIR: frozenset({OTHER}), Role.MONITOR: frozenset({OTHER, JOINT})},
    ),
    Action(
        "return_milestone",
        "Return a completed milestone (back to in progress, with a reason)",
        "can_verify_milestone",
        "the milestone's responsible party",
        PARTY_OWNED,
        {Role.CO_CHAIR: frozenset({OTHER}), Role.MONITOR: frozenset({OTHER, JOINT})},
    ),
    Action(
        "download_evidence",
        "Download a task-force evidence file (a public one: every role)",
        "can_download_evidence",
        "the milestone the file documents",
        PARTY_OWNED,
        _roles(*TASK_FORCE_READERS, to=PARTY_OWNED),
    ),
    Action(
        "record_check",
        "Record a monitoring check",
        "can_record_check",
        "the checked provision's responsible party",
        PARTY_OWNED,
        _roles(Role.MONITOR, to=PARTY_OWNED),
    ),
    Action(
        "update_check",
        "Update a monitoring check",
        "can_update_check",
        "the checked provision's responsible party",
        PARTY_OWNED,
        _roles(Role.MONITOR, to=PARTY_OWNED),
    ),
    Action(
        "add_corrective_action",
        "Add a corrective action to a check",
        "can_update_check",
        "the checked provision's responsible party",
        PARTY_OWNED,
        _roles(Role.MONITOR, to=PARTY_OWNED),
    ),
    Action(
        "close_corrective_action",
        "Close a corrective action",
        "can_close_corrective_action",
        "the party that owns the corrective action",
        PARTY_OWNED,
        _roles(Role.MONITOR, to=PARTY_OWNED),
    ),
    Action(
        "raise_dispute",
        "Raise a dispute on behalf of a party",
        "can_raise_dispute",
        "the party the dispute is raised for",
        BETWEEN_PARTIES,
        _roles(*DELEGATES, to=(OWN,)),
    ),
    Action(
        "acknowledge_dispute",
        "Acknowledge a dispute",
        "can_move_dispute",
        "the party that raised the dispute (other: the person's party responds)",
        BETWEEN_PARTIES,
        _roles(Role.CO_CHAIR, to=(OTHER,)),
        to_status="acknowledged",
    ),
    Action(
        "consult_dispute",
        "Move a dispute to consultation",
        "can_move_dispute",
        "the party that raised the dispute (other: the person's party responds)",
        BETWEEN_PARTIES,
        _roles(Role.CO_CHAIR, to=BETWEEN_PARTIES),
        to_status="under_consultation",
    ),
    Action(
        "escalate_dispute",
        "Escalate a dispute",
        "can_move_dispute",
        "the party that raised the dispute (other: the person's party responds)",
        BETWEEN_PARTIES,
        _roles(Role.CO_CHAIR, to=BETWEEN_PARTIES),
        to_status="escalated",
    ),
    Action(
        "resolve_dispute",
        "Propose resolving a dispute (with the resolution; it takes effect when the other "
        "party concurs)",
        "can_propose_decision",
        "the party that raised the dispute (other: the person's party responds)",
        BETWEEN_PARTIES,
        _roles(Role.CO_CHAIR, to=BETWEEN_PARTIES),
        to_status="resolved",
    ),
    Action(
        "withdraw_dispute",
        "Propose withdrawing a dispute (with the reason; it takes effect when the other "
        "party concurs)",
        "can_propose_decision",
        "the party that raised the dispute (other: the person's party responds)",
        BETWEEN_PARTIES,
        _roles(Role.CO_CHAIR, to=(OWN,)),
        to_status="withdrawn",
    ),
    Action(
        "concur_decision",
        "Concur with a proposal to resolve or withdraw a dispute (the second key)",
        "can_decide_proposal",
        "the party that made the proposal",
        BETWEEN_PARTIES,
        _roles(Role.CO_CHAIR, to=(OTHER,)),
    ),
    Action(
        "reject_decision",
        "Reject a proposal to resolve or withdraw a dispute (with the reason)",
        "can_decide_proposal",
        "the party that made the proposal",
        BETWEEN_PARTIES,
        _roles(Role.CO_CHAIR, to=(OTHER,)),
    ),
    Action(
        "record_position",
        "Record the responding party's position on a dispute",
        "can_record_position",
        "the party that raised the dispute (other: the person's party responds)",
        BETWEEN_PARTIES,
        _roles(*DELEGATES, to=(OTHER,)),
    ),
    Action(
        "comment",
        "Comment on a dispute",
        "can_comment",
        "the party that raised the dispute (other: the person's party responds)",
        BETWEEN_PARTIES,
        {**_roles(*DELEGATES, to=BETWEEN_PARTIES), Role.MONITOR: frozenset({OTHER})},
    ),
    Action(
        "assess_provision",
        "Record a provision assessment (implementation level and note)",
        "can_assess_provision",
        "the provision's responsible party",
        PARTY_OWNED,
        _roles(Role.CO_CHAIR, to=PARTY_OWNED),
    ),
    # Confidentiality: task-force records and public ones (issue 17).
    Action(
        "read_restricted",
        "Read a task-force record (e.g. a dispute); observers read public records only",
        "can_see_restricted",
        "the party that raised the dispute",
        BETWEEN_PARTIES,
        _roles(*TASK_FORCE_READERS, to=BETWEEN_PARTIES),
    ),
    Action(
        "export_restricted_report",
        "Export the restricted edition of the report (observers: the public edition)",
        "can_see_restricted",
        "—",
        (ANY,),
        _roles(*TASK_FORCE_READERS, to=(ANY,)),
    ),
    Action(
        "change_visibility",
        "Make a record public or task-force only (with the reason)",
        "can_change_visibility",
        "—",
        (ANY,),
        _roles(Role.CO_CHAIR, Role.MONITOR, to=(ANY,)),
    ),
    Action(
        "export_report",
        "Export the compliance report (CSV, XLSX, PDF)",
        "can_export_report",
        "—",
        (ANY,),
        _roles(*READERS, to=(ANY,)),
    ),
    Action(
        "read_notifications",
        "Read one's own notifications and mark them read",
        "can_read_notifications",
        "—",
        (ANY,),
        _roles(*READERS, to=(ANY,)),
    ),
    Action(
        "set_notification_preferences",
        "Choose how one hears of each kind of notification",
        "can_set_notification_preferences",
        "—",
        (ANY,),
        _roles(*READERS, to=(ANY,)),
    ),
    Action(
        "retry_email",
        "See the e-mail deliveries and send a failed e-mail again",
        "can_manage_email_deliveries",
        "—",
        (ANY,),
        _roles(Role.STAFF_ADMIN, to=(ANY,)),
    ),
    Action(
        "view_person",
        "See a person on the people page (co-chairs: their own party, read-only)",
        "can_view_person",
        "the person's party",
        BETWEEN_PARTIES,
        {Role.CO_CHAIR: frozenset({OWN}), Role.STAFF_ADMIN: frozenset({OTHER})},
    ),
    Action(
        "invite_person",
        "Invite a person (an account and an email with a link to choose a password)",
        "can_invite_people",
        "—",
        (ANY,),
        _roles(Role.STAFF_ADMIN, to=(ANY,)),
    ),
    Action(
        "change_role",
        "Change a person's role, party or organisation (with the reason)",
        "can_manage_person",
        "the person's party",
        BETWEEN_PARTIES,
        _roles(Role.STAFF_ADMIN, to=BETWEEN_PARTIES),
    ),
    Action(
        "deactivate_person",
        "Deactivate a person (with the reason; never deleted)",
        "can_manage_person",
        "the person's party",
        BETWEEN_PARTIES,
        _roles(Role.STAFF_ADMIN, to=BETWEEN_PARTIES),
    ),
    Action(
        "reactivate_person",
        "Reactivate a deactivated person (with the reason)",
        "can_manage_person",
        "the person's party",
        BETWEEN_PARTIES,
        _roles(Role.STAFF_ADMIN, to=BETWEEN_PARTIES),
    ),
    Action(
        "resend_invitation",
        "Send a new invitation link to someone who has not chosen a password yet",
        "can_manage_person",
        "the person's party",
        BETWEEN_PARTIES,
        _roles(Role.STAFF_ADMIN, to=BETWEEN_PARTIES),
    ),
    Action(
        "remove_two_factor",
        "Remove a person's authenticator app (a lost phone; with the reason)",
        "can_manage_person",
        "the person's party",
        BETWEEN_PARTIES,
        _roles(Role.STAFF_ADMIN, to=BETWEEN_PARTIES),
    ),
    Action(
        "change_own_password",
        "Change one's own password",
        "can_manage_own_account",
        "—",
        (ANY,),
        _roles(*READERS, "", to=(ANY,)),
    ),
    Action(
        "manage_own_two_factor",
        "Set up, renew or turn off one's own two-factor sign-in (with the password)",
        "can_manage_own_account",
        "—",
        (ANY,),
        _roles(*READERS, "", to=(ANY,)),
    ),
    Action(
        "create_organisation",
        "Add an organisation to the directory",
        "can_create_organisation",
        "the party of the new organisation",
        AFFILIATED,
        {Role.CO_CHAIR: frozenset({OWN, INDEPENDENT}), Role.STAFF_ADMIN: frozenset(AFFILIATED)},
    ),
    Action(
        "edit_organisation",
        "Edit an organisation of the directory (names, kind, party)",
        "can_edit_organisation",
        "the organisation's party",
        AFFILIATED,
        {Role.CO_CHAIR: frozenset({OWN, INDEPENDENT}), Role.STAFF_ADMIN: frozenset(AFFILIATED)},
    ),
    Action(
        "view_audit",
        "Read the audit log (every change, hash-chained)",
        "can_view_audit",
        "—",
        (ANY,),
        _roles(Role.CO_CHAIR, Role.MONITOR, Role.STAFF_ADMIN, to=(ANY,)),
    ),
    Action(
        "withdraw_evidence",
        "Withdraw an evidence file (with the reason; the file is kept, marked withdrawn)",
        "can_withdraw_evidence",
        "the party of the person who uploaded it (independent: a monitor)",
        AFFILIATED,
        {Role.CO_CHAIR: frozenset({OWN}), Role.MONITOR: frozenset({INDEPENDENT})},
    ),
    # Planning (tracker/planning): agreements and provisions by staff admins; milestones also
    # by a co-chair, for the provisions of their party and the joint ones.
    Action(
        "create_agreement",
        "Create an agreement",
        "can_plan_agreements",
        "—",
        (ANY,),
        _roles(Role.STAFF_ADMIN, to=(ANY,)),
    ),
    Action(
        "edit_agreement",
        "Edit an agreement",
        "can_plan_agreements",
        "—",
        (ANY,),
        _roles(Role.STAFF_ADMIN, to=(ANY,)),
    ),
    Action(
        "create_provision",
        "Add a provision to an agreement",
        "can_plan_agreements",
        "—",
        (ANY,),
        _roles(Role.STAFF_ADMIN, to=(ANY,)),
    ),
    Action(
        "edit_provision",
        "Edit a provision",
        "can_plan_agreements",
        "—",
        (ANY,),
        _roles(Role.STAFF_ADMIN, to=(ANY,)),
    ),
    Action(
        "create_milestone",
        "Add a milestone to a provision",
        "can_plan_milestones",
        "the provision's responsible party",
        PARTY_OWNED,
        {Role.CO_CHAIR: frozenset({OWN, JOINT}), Role.STAFF_ADMIN: frozenset(PARTY_OWNED)},
    ),
    Action(
        "edit_milestone",
        "Edit a milestone's title, description, party and lead organisation",
        "can_plan_milestones",
        "the responsible party of the milestone's provision",
        PARTY_OWNED,
        {Role.CO_CHAIR: frozenset({OWN, JOINT}), Role.STAFF_ADMIN: frozenset(PARTY_OWNED)},
    ),
    Action(
        "replan_milestone",
        "Re-plan a milestone (move its due date, with a reason)",
        "can_plan_milestones",
        "the responsible party of the milestone's provision",
        PARTY_OWNED,
        {Role.CO_CHAIR: frozenset({OWN, JOINT}), Role.STAFF_ADMIN: frozenset(PARTY_OWNED)},
    ),
    Action(
        "cancel_milestone",
        "Cancel a milestone (with a reason)",
        "can_plan_milestones",
        "the responsible party of the milestone's provision",
        PARTY_OWNED,
        {Role.CO_CHAIR: frozenset({OWN, JOINT}), Role.STAFF_ADMIN: frozenset(PARTY_OWNED)},
    ),
    Action(
        "import_plan",
        "Import provisions and milestones from an XLSX or CSV file (each row as its action)",
        "can_import_plan",
        "—",
        (ANY,),
        _roles(Role.CO_CHAIR, Role.STAFF_ADMIN, to=(ANY,)),
    ),
    # Issued reports (tracker/reports): frozen editions of the compliance report.
    Action(
        "issue_report",
        "Issue a report (the edition and as-of date frozen as PDF, XLSX and CSV)",
        "can_issue_report",
        "—",
        (ANY,),
        _roles(Role.CO_CHAIR, to=(ANY,)),
    ),
    Action(
        "download_issued_public",
        "Download a file of an issued report, public edition",
        "can_download_issued_report",
        "—",
        (ANY,),
        _roles(*READERS, to=(ANY,)),
    ),
    Action(
        "download_issued_restricted",
        "Download a file of an issued report, restricted edition",
        "can_download_issued_report",
        "—",
        (ANY,),
        _roles(Role.CO_CHAIR, Role.MEMBER, Role.MONITOR, Role.STAFF_ADMIN, to=(ANY,)),
    ),
    Action(
        "verify_issued_file",
        "Verify a file against the issued reports (observers: the public editions)",
        "can_read_issued_reports",
        "—",
        (ANY,),
        _roles(*READERS, to=(ANY,)),
    ),
    # Translations of free text (tracker.translations): whoever may write the record.
    Action(
        "translate_progress_note",
        "Add or replace the translation of a progress note",
        "can_translate_progress_note",
        "the milestone's responsible party",
        PARTY_OWNED,
        _roles(*DELEGATES, to=(OWN, JOINT)),
    ),
    Action(
        "translate_check",
        "Add or replace the translation of a finding or a corrective action",
        "can_translate_check",
        "the checked provision's responsible party",
        PARTY_OWNED,
        _roles(Role.MONITOR, to=PARTY_OWNED),
    ),
    Action(
        "translate_dispute",
        "Add or replace the translation of a dispute's title or raising position",
        "can_translate_dispute",
        "the party that raised the dispute",
        BETWEEN_PARTIES,
        _roles(*DELEGATES, to=(OWN,)),
    ),
    Action(
        "translate_position",
        "Add or replace the translation of the responding party's position",
        "can_translate_position",
        "the party that raised the dispute (other: the person's party responds)",
        BETWEEN_PARTIES,
        _roles(*DELEGATES, to=(OTHER,)),
    ),
    Action(
        "translate_comment",
        "Add or replace the translation of a comment on a dispute",
        "can_translate_comment",
        "the party that raised the dispute (other: the person's party responds)",
        BETWEEN_PARTIES,
        {**_roles(*DELEGATES, to=BETWEEN_PARTIES), Role.MONITOR: frozenset({OTHER})},
    ),
)

ACTIONS_BY_KEY = {action.key: action for action in ACTIONS}


def relative_ownership(user_party: str, owner_party: str) -> str:
    """``own``/``other``/``joint``/``independent`` of an object owned by ``owner_party`` (US,
    UA, JOINT, or IND for an organisation of neither party)."""
    if owner_party == "JOINT":
        return JOINT
    if owner_party == "IND":
        return INDEPENDENT
    if owner_party == user_party:
        return OWN
    return OTHER


def applies(role: str, ownership: str) -> bool:
    """Whether the cell exists: independent people have no party, so no ``own`` objects."""
    independent = role not in (Role.CO_CHAIR, Role.MEMBER)
    return not (independent and ownership == OWN)


def _cell(action: Action, role: str) -> str:
    if role == "anonymous":
        return "log in first"
    applicable = [ownership for ownership in action.ownerships if applies(role, ownership)]
    allowed = [ownership for ownership in applicable if action.allows(role, ownership)]
    if not allowed:
        return "—"
    if allowed == applicable:
        return "yes" if applicable == [ANY] else "all"
    return ", ".join(allowed)


def as_markdown() -> str:
    """The matrix as the Markdown page ``docs/permissions.md``."""
    header = "| Action | " + " | ".join(label for _, label in ROLE_COLUMNS) + " |"
    rule = "|---|" + "---|" * len(ROLE_COLUMNS)
    rows = [
        f"| {action.label} | " + " | ".join(_cell(action, role) for role, _ in ROLE_COLUMNS) + " |"
        for action in ACTIONS
    ]
    owners = [f"| {action.label} | `{action.predicate}` | {action.owner} |" for action in ACTIONS]
    lines = [
        "# Permissions",
        "",
        "<!-- Generated by `manage.py permissions_matrix > docs/permissions.md` from",
        "     tracker/accounts/matrix.py; a test fails when this page is out of date. -->",
        "",
        "Who may do what. Every cell below is checked by the matrix test against the",
        "predicate in `tracker/accounts/permissions.py` and against the real endpoint,",
        "for a plain POST and an htmx POST; a refusal answers 403 (or 404) and changes",
        "nothing, and an anonymous visitor is sent to the log-in page.",
        "",
        "A cell names the objects the role may act on, relative to the person's own party:",
        "**own** (their party's), **other** (the other party's), **joint** (carried by both",
        "parties); **all** means every object; **—** means never. Monitors, observers and",
        "staff admins are independent: they have no party, so for them every party's object",
        'is *other*. A person with no role sees only the "no access yet" page. An',
        "organisation of neither party (an NGO, an international organisation) is",
        "**independent**, whoever acts.",
        "",
        header,
        rule,
        *rows,
        "",
        '## What "own" refers to',
        "",
        "| Action | Predicate | Ownership is |",
        "|---|---|---|",
        *owners,
        "",
        "Staff admins manage people (roles, parties, invitations, deactivation) on the people",
        "page (`/people/`), plan agreements on `/agreements/` as the table says, and keep",
        "reference data in the Django admin (`/admin/`), which needs `is_staff` and a session",
        "that passed the second factor; the other actions of the table are refused to them.",
        "Nobody changes their own role or deactivates themselves.",
        "",
        "The organisations directory shows each person's name, role and party to every role,",
        "and their e-mail address to co-chairs, members, monitors and staff admins only",
        "(`can_see_contact_details`): observers are outside organisations.",
        "",
    ]
    return "\n".join(lines)
