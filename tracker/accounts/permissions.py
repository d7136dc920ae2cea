"""Who may do what: one predicate per action, checked by views and used by templates.

Every predicate takes the user first and the object acted on second, and answers a plain
bool. Views refuse with 403 when a predicate says no (404 where the object must stay hidden);
templates call the same predicates through the ``{% can %}`` tag, so a control is shown
exactly when the server would accept it. The predicates decide only *who*; whether the object
is in a state that allows the move (a milestone awaiting verification, an open dispute) is
the business of the transition function of each workflow.

The actions, and the predicate of each:

==============================================  ===========================================
read every page                                 ``can_view(user)``
update a milestone's status/progress/evidence   ``can_update_milestone(user, milestone)``
verify, or return, a completed milestone        ``can_verify_milestone(user, milestone)``
record a monitoring check                       ``can_record_check(user)``
update a check, add a corrective action to it   ``can_update_check(user, check)``
close a corrective action                       ``can_close_corrective_action(user, action)``
raise a dispute (for a party)                   ``can_raise_dispute(user, party)``
move a dispute to a status                      ``can_move_dispute(user, dispute, to_status)``
propose resolving or withdrawing a dispute      ``can_propose_decision(user, dispute, decision)``
concur with, or reject, a proposed decision     ``can_decide_proposal(user, proposal)``
read task-force (not public) records            ``can_see_restricted(user)``
change the visibility of a record               ``can_change_visibility(user)``
record the responding party's position          ``can_record_position(user, dispute)``
comment on a dispute                            ``can_comment(user, dispute)``
record a provision assessment                   ``can_assess_provision(user, provision)``
export the compliance report                    ``can_export_report(user)``
download an evidence file                       ``can_download_evidence(user, evidence)``
open the people page                            ``can_view_people(user)``
see a person (their page, their row)            ``can_view_person(user, person)``
invite a person                                 ``can_invite_people(user)``
change a person's role, party or organisation;  ``can_manage_person(user, person)``
deactivate or reactivate them; invite again;
remove their authenticator app
change one's own password, set up or turn off   ``can_manage_own_account(user)``
one's own two-factor sign-in
read one's own notifications, mark them read    ``can_read_notifications(user)``
choose how one hears of each kind               ``can_set_notification_preferences(user)``
see e-mail deliveries, send a failed one again  ``can_manage_email_deliveries(user)``
add an organisation to the directory            ``can_create_organisation(user, party)``
edit an organisation of the directory           ``can_edit_organisation(user, organisation)``
see the e-mail addresses in the directory       ``can_see_contact_details(user)``
read the audit log (/audit/)                    ``can_view_audit(user)``
withdraw an evidence file (with the reason)     ``can_withdraw_evidence(user, evidence)``
create and edit agreements and provisions       ``can_plan_agreements(user)``
add, edit, re-plan and cancel milestones        ``can_plan_milestones(user, provision)``
import provisions and milestones from a file    ``can_import_plan(user)``
issue a report (frozen PDF, XLSX and CSV)       ``can_issue_report(user)``
list issued reports; verify a file against them ``can_read_issued_reports(user)``
download an issued report's file                ``can_download_issued_report(user, report)``
translate a progress note                       ``can_translate_progress_note(user, update)``
translate a finding or a corrective action      ``can_translate_check(user, check)``
translate a dispute's title or raising position ``can_translate_dispute(user, dispute)``
translate the responding party's position       ``can_translate_position(user, dispute)``
translate a comment on a dispute                ``can_translate_comment(user, event)``
==============================================  ===========================================

The table in ``tracker/accounts/matrix.py`` states the same rules cell by cell; the matrix
test holds the predicates and the endpoints to it, and ``docs/permissions.md`` is printed
from it.

Decisions taken here:
- Nobody without a role, and no disabled account, may do anything, reading included.
- A JOINT milestone belongs to both parties, so either party's delegation may update it and
  only a monitor may verify or return it (nobody verifies their own party's work).
- Monitors act as one independent body: any monitor may update any check, add corrective
  actions to it and close them; the history records which monitor did what.
- Corrective actions are closed by monitors: the party that owns one does not certify its own
  remedy.
- A dispute is acknowledged by the responding party's co-chair; consultation and escalation
  are moves of either party's co-chair.
- Resolving or withdrawing a dispute takes two keys (tracker.core.twokey): a co-chair
  proposes it, with the resolution or the reason, and it takes effect only when a co-chair of
  the other party concurs (or that co-chair rejects it, with a reason). Either party's co-chair
  proposes a resolution; only the raising party's co-chair proposes a withdrawal, since it
  drops that party's claim. Members no longer withdraw a dispute alone: a withdrawal binds
  both parties' record, so it is a co-chair's act.
- The responding party's delegation records its position; the raising party's position is
  written when the dispute is raised.
- Delegates of both parties and monitors comment on disputes; observers and staff admins read.
- Each co-chair may assess any provision: an assessment records the co-chair's party, so the
  two delegations' judgements stand side by side.
- Staff admins read every page; they manage people on the people page, organisations in the
  directory, agreements and provisions on the planning pages, and other reference data in
  the Django admin.
- Milestones are planned (added, edited, re-planned, cancelled) by staff admins, and by a
  co-chair for the provisions their party carries or that are joint: the provision's party
  decides, not the milestone's, since a provision's milestones are planned together.
- Co-chairs and staff admins may import a plan from a file; each row of it then passes the
  predicate of what it does (a co-chair's file may add milestones, but not provisions).
- Confidentiality: progress notes, evidence files, check findings, corrective actions and
  disputes (with their positions and timeline) are *task force* records unless made
  *public*. The task force (co-chairs, members, monitors) and staff admins read every
  record; observers (NGOs, companies, international organisations) read only public ones and
  the aggregate figures (counts, implementation levels, compliance state), and a task-force
  record answers them 404, as if it did not exist. Every selector filters with
  ``.visible_to(user)`` (tracker.core.models.VisibleQuerySet), which asks
  ``can_see_restricted``. Whoever records a record chooses its visibility; co-chairs and
  monitors change it afterwards, with a reason.
- An evidence file is downloadable by whoever may see it: every role for a public file, the
  task force and staff admins for a task-force one.
- People are managed by staff admins on the people page; co-chairs see their own party's
  people there, read-only. Nobody changes their own role or deactivates themselves (another
  staff admin does), so the last staff admin cannot lock everyone out by a slip.
- Every logged-in, active account manages its own password and second factor, a person
  without a role included: securing an account is not access to the tracker's data.
- The organisations directory: every role reads it. Staff admins add and edit every
  organisation; a co-chair adds and edits those of their own party and independent ones (an
  NGO, an international organisation), never the other party's, whose delegation keeps its
  own agencies and companies; moving an organisation to a party counts as adding one to it.
- The directory shows each person's name, role and party to every role; their e-mail
  address only to the task force itself (co-chairs, members, monitors, staff admins), not to
  observers, who are outside organisations. Hiding is not a refusal, so this rule is tested
  on the page and is not a row of the matrix.
- Everyone with a role has an inbox and chooses how to hear of things; what reaches them is
  decided by tracker.notifications.recipients. Only staff admins see the e-mail deliveries
  (whose addresses failed) and send a failed e-mail again.
- The audit log (every change, hash-chained) is read by those who answer for the record:
  co-chairs, monitors and staff admins. Members work in the record; observers see public
  pages and the report.
- Evidence is never deleted. A file recorded in error is withdrawn, with the reason, by the
  co-chair of the party whose delegate uploaded it (their own uploads included), or, for a
  file a monitor uploaded, by any monitor (monitors act as one body). The file stays
  downloadable, marked withdrawn; members ask their co-chair.
- Issued reports: a co-chair of either party issues one (an issue speaks for the task
  force, as the co-chairs do). Whoever may export the report lists the issued ones, downloads
  their files and verifies a file against them; observers, who are outside the task force,
  only the public editions: a restricted edition is hidden from them (404), and the verify
  form compares their file with the public editions only.
- Translations of free text (tracker.translations): whoever may write or edit a record adds
  or replaces the translation of its text into the other language — a progress note, the
  milestone's delegation; a finding or corrective action, the monitors; a dispute's title
  and raising position, the raising party's delegation; the responding position, the
  responding party's delegation; a comment, whoever may comment. Reading a translation
  follows reading the record.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tracker.accounts.models import Role
from tracker.core.models import Affiliation, ResponsibleParty
from tracker.core.twokey import holds_second_key

if TYPE_CHECKING:
    from tracker.accounts.models import User
    from tracker.core.models import Evidence, Organisation, Provision
    from tracker.disputes.models import Dispute, DisputeEvent, DisputeProposal
    from tracker.milestones.models import Milestone, ProgressUpdate
    from tracker.monitoring.models import CorrectiveAction, MonitoringCheck
    from tracker.reports.models import IssuedReport

DELEGATE_ROLES = (Role.CO_CHAIR, Role.MEMBER)
READER_ROLES = tuple(Role.values)


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role)


def _speaks_for(user: User, responsible_party: str) -> bool:
    """A delegate speaks for their own party and for joint commitments."""
    return user.role in DELEGATE_ROLES and responsible_party in (
        user.party,
        ResponsibleParty.JOINT,
    )


def can_view(user: User) -> bool:
    return _active(user) and user.role in READER_ROLES


def can_update_milestone(user: User, milestone: Milestone) -> bool:
    return _active(user) and _speaks_for(user, milestone.responsible_party)


def can_verify_milestone(user: User, milestone: Milestone) -> bool:
    """Verify or return: the other party's co-chair or a monitor, never the responsible party."""
    if not _active(user):
        return False
    if user.role == Role.MONITOR:
        return True
    return (
        user.role == Role.CO_CHAIR
        and milestone.responsible_party != ResponsibleParty.JOINT
        and milestone.responsible_party != user.party
    )


def can_record_check(user: User) -> bool:
    return _active(user) and user.role == Role.MONITOR


def can_update_check(user: User, check: MonitoringCheck) -> bool:
    return can_record_check(user)


def can_close_corrective_action(user: User, action: CorrectiveAction) -> bool:
    return _active(user) and user.role == Role.MONITOR


def can_raise_dispute(user: User, party: str | None = None) -> bool:
    """A delegate raises disputes for their own party only."""
    if not _active(user) or user.role not in DELEGATE_ROLES:
        return False
    return party is None or party == user.party


def can_move_dispute(user: User, dispute: Dispute, to_status: str) -> bool:
    """Role rules of each single-key dispute transition; the service checks the state
    machine. Resolving and withdrawing are two-key decisions: ``can_propose_decision``."""
    if not _active(user) or user.role != Role.CO_CHAIR:
        return False
    if to_status == "acknowledged":
        return user.party == dispute.responding_party
    if to_status in ("under_consultation", "escalated"):
        return user.party in (dispute.raised_by_party, dispute.responding_party)
    return False


def can_propose_decision(user: User, dispute: Dispute, decision: str) -> bool:
    """The first key: a co-chair of either party proposes a resolution; a co-chair of the
    raising party proposes a withdrawal."""
    if not _active(user) or user.role != Role.CO_CHAIR:
        return False
    if decision == "resolved":
        return user.party in (dispute.raised_by_party, dispute.responding_party)
    if decision == "withdrawn":
        return user.party == dispute.raised_by_party
    return False


def can_decide_proposal(user: User, proposal: DisputeProposal) -> bool:
    """The second key: a co-chair of the other party than the proposer's concurs or rejects."""
    return (
        _active(user)
        and user.role == Role.CO_CHAIR
        and holds_second_key(user.party, proposal)
        and user.pk != proposal.proposed_by_id
    )


def can_record_position(user: User, dispute: Dispute) -> bool:
    """The responding party's delegation records its position."""
    return _active(user) and user.role in DELEGATE_ROLES and user.party == dispute.responding_party


def can_comment(user: User, dispute: Dispute) -> bool:
    return _active(user) and user.role in (*DELEGATE_ROLES, Role.MONITOR)


def can_assess_provision(user: User, provision: Provision) -> bool:
    return _active(user) and user.role == Role.CO_CHAIR


def can_export_report(user: User) -> bool:
    return can_view(user)


def can_view_people(user: User) -> bool:
    return _active(user) and user.role in (Role.STAFF_ADMIN, Role.CO_CHAIR)


def can_view_person(user: User, person: User) -> bool:
    """Staff admins see everyone; a co-chair sees the people of their own party."""
    if not _active(user):
        return False
    if user.role == Role.STAFF_ADMIN:
        return True
    return user.role == Role.CO_CHAIR and person.party == user.party


def can_invite_people(user: User) -> bool:
    return _active(user) and user.role == Role.STAFF_ADMIN


def can_manage_person(user: User, person: User) -> bool:
    """Role, party, organisation, deactivation, a new invitation: never one's own account."""
    return _active(user) and user.role == Role.STAFF_ADMIN and person.pk != user.pk


def can_manage_own_account(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_see_restricted(user: User) -> bool:
    """Reads task-force records, not only public ones: everyone but observers."""
    return _active(user) and user.role in (*DELEGATE_ROLES, Role.MONITOR, Role.STAFF_ADMIN)


def can_change_visibility(user: User) -> bool:
    """Makes a record public, or task-force only again (with a reason)."""
    return _active(user) and user.role in (Role.CO_CHAIR, Role.MONITOR)


def can_download_evidence(user: User, evidence: Evidence) -> bool:
    return can_view(user) and (evidence.visibility == "public" or can_see_restricted(user))


def can_read_notifications(user: User) -> bool:
    """One's own inbox: every role (a notification is only ever shown to its recipient)."""
    return can_view(user)


def can_set_notification_preferences(user: User) -> bool:
    return can_view(user)


def can_manage_email_deliveries(user: User) -> bool:
    return _active(user) and user.role == Role.STAFF_ADMIN


def _looks_after(user: User, affiliation: str | None) -> bool:
    """Staff admins look after every organisation; a co-chair, their party's and independent
    ones (`affiliation` None: any at all, i.e. whether to offer the action)."""
    if not _active(user):
        return False
    if user.role == Role.STAFF_ADMIN:
        return True
    return user.role == Role.CO_CHAIR and affiliation in (None, user.party, Affiliation.INDEPENDENT)


def can_create_organisation(user: User, party: str | None = None) -> bool:
    """Add an organisation of `party` (US, UA, IND); without one: whether to offer it at all."""
    return _looks_after(user, party)


def can_edit_organisation(user: User, organisation: Organisation) -> bool:
    return _looks_after(user, organisation.affiliation)


def can_see_contact_details(user: User) -> bool:
    return _active(user) and user.role in (*DELEGATE_ROLES, Role.MONITOR, Role.STAFF_ADMIN)


def can_view_audit(user: User) -> bool:
    return _active(user) and user.role in (Role.CO_CHAIR, Role.MONITOR, Role.STAFF_ADMIN)


def can_withdraw_evidence(user: User, evidence: Evidence) -> bool:
    """The uploader's party's co-chair; any monitor for a monitor's upload."""
    if not _active(user):
        return False
    uploader = evidence.uploaded_by
    if user.role == Role.MONITOR:
        return uploader.role == Role.MONITOR
    return user.role == Role.CO_CHAIR and uploader.party == user.party


def can_plan_agreements(user: User) -> bool:
    """Create and edit agreements and their provisions."""
    return _active(user) and user.role == Role.STAFF_ADMIN


def can_plan_milestones(user: User, provision: Provision) -> bool:
    """Add, edit, re-plan and cancel the milestones of a provision."""
    if not _active(user):
        return False
    if user.role == Role.STAFF_ADMIN:
        return True
    return user.role == Role.CO_CHAIR and provision.responsible_party in (
        user.party,
        ResponsibleParty.JOINT,
    )


def can_import_plan(user: User) -> bool:
    return _active(user) and user.role in (Role.CO_CHAIR, Role.STAFF_ADMIN)


def can_issue_report(user: User) -> bool:
    return _active(user) and user.role == Role.CO_CHAIR


def can_read_issued_reports(user: User) -> bool:
    return can_export_report(user)


def can_read_restricted_editions(user: User) -> bool:
    """The restricted edition of the report is for the task force: everyone but observers
    (the one rule of task-force records, ``can_see_restricted``)."""
    return can_read_issued_reports(user) and can_see_restricted(user)


def can_download_issued_report(user: User, report: IssuedReport) -> bool:
    if report.edition == "public":
        return can_read_issued_reports(user)
    return can_read_restricted_editions(user)


def can_translate_progress_note(user: User, update: ProgressUpdate) -> bool:
    """Whoever may update the milestone writes its progress notes, and so translates them."""
    return can_update_milestone(user, update.milestone)


def can_translate_check(user: User, check: MonitoringCheck) -> bool:
    """A check's finding and its corrective actions: whoever may update the check."""
    return can_update_check(user, check)


def can_translate_dispute(user: User, dispute: Dispute) -> bool:
    """The title and the raising position: the raising party's delegation, who wrote them."""
    return can_raise_dispute(user, dispute.raised_by_party)


def can_translate_position(user: User, dispute: Dispute) -> bool:
    return can_record_position(user, dispute)


def can_translate_comment(user: User, event: DisputeEvent) -> bool:
    return can_comment(user, event.dispute)
