"""What happened in the domain apps, announced to whoever listens (the notifications app).

The domain apps never import the apps above them; their services send these signals and the
notifications app connects its receivers in its AppConfig.ready(). Every signal is sent with
``sender`` = the model class, ``actor`` = the user who acted and ``at`` = the moment of the
event (the service's ``at``), plus the objects named below.

The services send them *inside* their transaction, after the change is written, not on
commit: the receivers then write their rows (notifications, the e-mails and the queued
delivery task, all in the same database) in the same transaction. A notification therefore
exists exactly when the change it tells of was committed: a change that rolls back takes its
notifications with it, and a process that dies right after the commit cannot lose them, as
it could between a commit and an ``on_commit`` callback. The price is that a failing receiver
fails the change; the notification code is covered by the tests like the services are.
"""

from django.dispatch import Signal

#: A delegation marked a milestone completed: it awaits verification. ``milestone``,
#: ``update`` (the ProgressUpdate).
milestone_completed = Signal()
#: The other party's co-chair or a monitor verified a completed milestone. ``milestone``,
#: ``update``.
milestone_verified = Signal()
#: A completed milestone was sent back to in progress. ``milestone``, ``update`` (its note is
#: the reason).
milestone_returned = Signal()
#: A milestone's due date was changed (re-planned). ``milestone``, ``old_due_date``, ``note``
#: (the reason). The re-planning service of the milestones app sends it.
milestone_replanned = Signal()

#: A delegate raised a dispute against the other party. ``dispute``, ``event`` (the
#: DisputeEvent that opens the timeline).
dispute_raised = Signal()
#: A dispute changed status, or the responding party recorded its position. ``dispute``,
#: ``event`` (the DisputeEvent of the move).
dispute_moved = Signal()
#: A co-chair proposed resolving or withdrawing a dispute: the other party's co-chairs hold
#: the second key. ``dispute``, ``proposal`` (the DisputeProposal).
decision_proposed = Signal()
#: The other party's co-chair rejected a proposed decision. ``dispute``, ``proposal`` (its
#: ``decision_note`` is the reason).
decision_rejected = Signal()

#: A monitor added a corrective action to a check. ``action`` (the CorrectiveAction).
corrective_action_added = Signal()
