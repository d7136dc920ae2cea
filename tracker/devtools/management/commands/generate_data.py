"""Fill the database with a large synthetic agreement: the data the benchmark runs on.

    manage.py generate_data --provisions 60 --milestones 20000 --updates 100000 \
        --checks 5000 --disputes 500 --seed 1

Everything hangs off its own agreement (short name ``generated`` unless ``--agreement`` says
otherwise), so it can live beside the sample agreement. The command never deletes anything:
it refuses when that agreement already exists. Start again from a fresh database file
(``DATABASE_URL=sqlite:///var/bench.sqlite3``) or pick another ``--agreement`` name.

What it writes, all in one transaction with bulk inserts:
- users of every role (``gen-`` usernames, reused when they exist), organisations, minerals;
- provisions in every category and responsible party;
- milestones in every status, overdue and due-soon ones, completed ones (verified or awaiting
  verification, some returned once), each with its progress log spread over 2025–2026 (the
  ``--updates`` entries), after its planning entries (planned; for some, details edited and
  the due date re-planned, the baseline kept);
- monitoring checks with every result and severity, follow-ups, corrective actions open, done
  and overdue;
- disputes in every status with their timeline (transitions, positions, comments);
- one row of each kind the report shows with its free text at the length limit
  (``longest_texts``), so the benchmark's PDF measures the worst case the limits allow;
- the history rows django-simple-history would have written at each of those moments, dated
  then, so a report ``as_of`` a past date has real history to rebuild.

Generated users get an unusable password unless ``--password`` is given (hashed once, shared).
Evidence files are not generated: a download would need real files behind the rows.
"""

from __future__ import annotations

import datetime
import functools
import random
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone

from tracker.accounts.models import Role, User
from tracker.core.models import (
    Agreement,
    Category,
    Mineral,
    Organisation,
    Provision,
    ProvisionAssessment,
    ResponsibleParty,
    ValueChainStage,
)
from tracker.core.twokey import Outcome
from tracker.disputes.models import (
    RESPONSE_DAYS,
    Dispute,
    DisputeEvent,
    DisputeProposal,
    DisputeStatus,
)
from tracker.milestones.models import Milestone, ProgressUpdate, Status
from tracker.monitoring.models import CorrectiveAction, MonitoringCheck, Result, Severity

FIRST_DAY = datetime.date(2025, 5, 1)
USERNAME_PREFIX = "gen-"
BATCH = 2000
MILESTONE_CHUNK = 4000
# Beyond the --updates entries of progress, each milestone's log starts with its planning;
# these shares of the milestones also have their details edited, or their due date moved.
PLANNED = ProgressUpdate.Kind.PLANNED
EDITED = ProgressUpdate.Kind.EDITED
REPLANNED = ProgressUpdate.Kind.REPLANNED
EDITED_SHARE = 0.03
REPLANNED_SHARE = 0.15

# --- Vocabulary ---------------------------------------------------------------------------

REGIONS = [
    ("Kirovohrad", "Кіровоградська"),
    ("Zhytomyr", "Житомирська"),
    ("Dnipropetrovsk", "Дніпропетровська"),
    ("Zaporizhzhia", "Запорізька"),
    ("Vinnytsia", "Вінницька"),
    ("Rivne", "Рівненська"),
    ("Volyn", "Волинська"),
    ("Poltava", "Полтавська"),
    ("Kyiv", "Київська"),
    ("Lviv", "Львівська"),
    ("Ivano-Frankivsk", "Івано-Франківська"),
    ("Chernihiv", "Чернігівська"),
    ("Donetsk", "Донецька"),
]

MINERALS = [
    ("Lithium", "Літій"),
    ("Graphite", "Графіт"),
    ("Titanium", "Титан"),
    ("Uranium", "Уран"),
    ("Beryllium", "Берилій"),
    ("Tantalum", "Тантал"),
    ("Niobium", "Ніобій"),
    ("Zirconium", "Цирконій"),
    ("Gallium", "Галій"),
    ("Germanium", "Германій"),
    ("Scandium", "Скандій"),
    ("Rare earth elements", "Рідкісноземельні елементи"),
    ("Nickel", "Нікель"),
    ("Cobalt", "Кобальт"),
    ("Manganese", "Марганець"),
    ("Copper", "Мідь"),
    ("Fluorite", "Флюорит"),
    ("Apatite", "Апатит"),
    ("Hafnium", "Гафній"),
    ("Iron ore", "Залізна руда"),
]

ORGANISATIONS = [
    # (name, Ukrainian name, kind, affiliation); a region is appended to make several.
    ("State Service of Geology and Subsoil", "Державна служба геології та надр", "agency", "UA"),
    ("Ministry of Economy", "Міністерство економіки", "agency", "UA"),
    ("Ministry of Environmental Protection", "Міністерство захисту довкілля", "agency", "UA"),
    ("National Agency on Corruption Prevention", "НАЗК", "agency", "UA"),
    ("Ukrainian Geological Company", "Українська геологічна компанія", "company", "UA"),
    ("Ukrainian Mining Cooperative", "Українська гірнича кооперація", "company", "UA"),
    ("US Geological Survey", "Геологічна служба США", "agency", "US"),
    ("US Department of the Treasury", "Міністерство фінансів США", "agency", "US"),
    ("US International Development Finance Corporation", "DFC", "agency", "US"),
    ("US Department of Energy", "Міністерство енергетики США", "agency", "US"),
    (
        "American Critical Minerals Partners",
        "Американські партнери з критичних мінералів",
        "company",
        "US",
    ),
    ("Transatlantic Processing Inc.", "Трансатлантична переробка", "company", "US"),
    ("Open Subsoil Watch", "Відкритий нагляд за надрами", "ngo", "IND"),
    ("Extractive Transparency Forum", "Форум прозорості видобутку", "ngo", "IND"),
    (
        "International Mining Standards Council",
        "Міжнародна рада стандартів видобутку",
        "international",
        "IND",
    ),
    ("Regional Development Bank", "Регіональний банк розвитку", "international", "IND"),
]

PROVISION_TITLES = {
    Category.GEOLOGICAL_SURVEY: [
        ("Joint geological surveys", "Спільні геологічні дослідження"),
        ("Digitisation of the subsoil archive", "Оцифрування архіву надр"),
        ("Exploration licensing round", "Раунд ліцензування розвідки"),
    ],
    Category.INVESTMENT: [
        ("Reconstruction investment fund", "Інвестиційний фонд відбудови"),
        ("Processing plant financing", "Фінансування переробних підприємств"),
        ("Rail and port logistics for ore", "Залізнична та портова логістика руди"),
    ],
    Category.TECHNOLOGY: [
        ("Processing technology transfer", "Передача технологій переробки"),
        ("Recycling pilot plants", "Пілотні установки з переробки відходів"),
    ],
    Category.GOVERNANCE: [
        ("Beneficial ownership register", "Реєстр кінцевих бенефіціарів"),
        ("Transparent tendering of licences", "Прозорі тендери на ліцензії"),
    ],
    Category.ESG: [
        ("Environmental impact assessments", "Оцінки впливу на довкілля"),
        ("Community consultation", "Консультації з громадами"),
    ],
    Category.CAPACITY: [
        ("Training of mining inspectors", "Навчання гірничих інспекторів"),
        ("University exchange in geoscience", "Університетський обмін у геонауках"),
    ],
    Category.MONITORING: [
        ("Independent compliance monitoring", "Незалежний моніторинг відповідності"),
        ("Public reporting of fund flows", "Публічна звітність про рух коштів"),
    ],
    Category.OVERSIGHT: [
        ("Joint governing board", "Спільна наглядова рада"),
        ("Dispute consultation procedure", "Процедура консультацій щодо спорів"),
    ],
}

MILESTONE_TITLES = [
    ("Publish survey data for the {region} block", "Оприлюднити дані дослідження ({region})"),
    (
        "Complete {mineral} exploration drilling in {region}",
        "Завершити розвідувальне буріння: {mineral} ({region})",
    ),
    ("Approve the {mineral} processing feasibility study", "Затвердити ТЕО переробки: {mineral}"),
    ("Sign the financing agreement for {region}", "Підписати угоду про фінансування ({region})"),
    ("Launch the licence auction for {mineral}", "Оголосити аукціон ліцензій: {mineral}"),
    ("Hold the public consultation in {region}", "Провести громадські консультації ({region})"),
    ("Train inspectors of the {region} office", "Навчити інспекторів ({region})"),
    ("Audit the {mineral} supply chain", "Провести аудит ланцюга постачання: {mineral}"),
    ("Commission the {mineral} pilot line", "Запустити пілотну лінію: {mineral}"),
    ("Report fund disbursements for {region}", "Звітувати про виплати фонду ({region})"),
    (
        "Adopt the environmental management plan for {region}",
        "Ухвалити план екологічного менеджменту ({region})",
    ),
    (
        "Publish beneficial owners of {mineral} licence holders",
        "Оприлюднити бенефіціарів ліцензіатів: {mineral}",
    ),
]

NOTES_EN = [
    "Field work resumed after the permit was issued.",
    "Draft submitted to the task force secretariat for comments.",
    "Awaiting comments from the partner ministry.",
    "Contractor mobilised; first results expected next month.",
    "Budget line confirmed in the annual plan.",
    "Public consultation held; minutes attached to the file.",
    "Delay caused by access restrictions near the site.",
    "Data package shared with the joint working group.",
    "Procurement notice published on the national portal.",
    "Second review round closed with minor changes.",
]
NOTES_UK = [
    "Польові роботи відновлено після отримання дозволу.",
    "Проєкт передано до секретаріату робочої групи.",
    "Очікуємо коментарів від міністерства-партнера.",
    "Підрядник розпочав роботи; перші результати наступного місяця.",
    "Бюджетну статтю підтверджено в річному плані.",
    "Затримка через обмежений доступ до ділянки.",
]
RETURN_NOTES = [
    "Evidence of completion is missing the signed acceptance report.",
    "The published data set does not cover the whole block.",
    "Completion cannot be confirmed until the audit is filed.",
]
REPLAN_NOTES = [
    "The tender was re-run; the contractor starts later.",
    "Field season lost to the weather.",
    "Waiting for the other party's data.",
    "Budget approved a quarter late.",
]
VERIFY_NOTES = [
    "Verified against the acceptance report.",
    "Completion confirmed on site.",
    "Verified: documents match the commitment.",
]

CRITERIA = [
    ("IRMA 2.1 Environmental and social impact assessment", "IRMA 2.1 Оцінка впливу"),
    ("EITI 2.5 Beneficial ownership disclosure", "EITI 2.5 Розкриття бенефіціарів"),
    ("EITI 4.1 Disclosure of payments", "EITI 4.1 Розкриття платежів"),
    ("OECD Due Diligence Guidance, Annex II", "Настанови ОЕСР, додаток II"),
    ("IFC Performance Standard 6 Biodiversity", "Стандарт IFC 6 Біорізноманіття"),
    ("IFC Performance Standard 1 Stakeholder engagement", "Стандарт IFC 1 Залучення сторін"),
    ("Open contracting of licence tenders", "Відкриті закупівлі ліцензій"),
    ("Tailings management plan in place", "Наявність плану поводження з відходами"),
    ("Water use permits and monitoring", "Дозволи та моніторинг водокористування"),
    ("Anti-corruption screening of contractors", "Антикорупційна перевірка підрядників"),
    ("Occupational health and safety", "Охорона праці"),
    ("Publication of fund disbursements", "Оприлюднення виплат фонду"),
]
FINDINGS = [
    "Documents requested were provided only in part.",
    "Monitoring data for the last quarter are missing.",
    "Two contractors were not screened before award.",
    "The consultation did not reach affected villages.",
    "The register lacks owners of three licence holders.",
    "Water sampling points differ from the approved plan.",
]
ACTIONS = [
    "Publish the missing ownership records.",
    "Complete screening of the remaining contractors.",
    "Repeat the consultation with the affected communities.",
    "Install the agreed water sampling points.",
    "File the quarterly monitoring data.",
]
DISPUTE_TITLES = [
    "Interpretation of the revenue-sharing formula",
    "Delay in publishing survey data",
    "Eligibility of a licence holder for fund financing",
    "Scope of the joint board's approval powers",
    "Access to processing technology under the agreement",
    "Timing of contributions to the reconstruction fund",
]

# Final status of a milestone by where its due date falls (past / next 90 days / later).
STATUS_WEIGHTS = {
    "past": {
        Status.COMPLETED: 55,
        Status.IN_PROGRESS: 25,
        Status.ON_HOLD: 7,
        Status.CANCELLED: 6,
        Status.NOT_STARTED: 7,
    },
    "near": {
        Status.COMPLETED: 20,
        Status.IN_PROGRESS: 55,
        Status.ON_HOLD: 8,
        Status.CANCELLED: 4,
        Status.NOT_STARTED: 13,
    },
    "far": {
        Status.COMPLETED: 5,
        Status.IN_PROGRESS: 45,
        Status.ON_HOLD: 8,
        Status.CANCELLED: 3,
        Status.NOT_STARTED: 39,
    },
}
RESULT_WEIGHTS = {
    Result.COMPLIANT: 40,
    Result.PARTIALLY_COMPLIANT: 20,
    Result.NON_COMPLIANT: 12,
    Result.NOT_ASSESSED: 13,
    Result.NOT_APPLICABLE: 15,
}
DISPUTE_PATHS = {
    DisputeStatus.RAISED: [[]],
    DisputeStatus.ACKNOWLEDGED: [["acknowledged"]],
    DisputeStatus.UNDER_CONSULTATION: [["acknowledged", "under_consultation"]],
    DisputeStatus.ESCALATED: [
        ["acknowledged", "under_consultation", "escalated"],
        ["acknowledged", "escalated"],
    ],
    DisputeStatus.RESOLVED: [
        ["acknowledged", "under_consultation", "resolved"],
        ["acknowledged", "under_consultation", "escalated", "resolved"],
    ],
    DisputeStatus.WITHDRAWN: [["withdrawn"], ["acknowledged", "withdrawn"]],
}
DISPUTE_WEIGHTS = {
    DisputeStatus.RAISED: 15,
    DisputeStatus.ACKNOWLEDGED: 15,
    DisputeStatus.UNDER_CONSULTATION: 20,
    DisputeStatus.ESCALATED: 10,
    DisputeStatus.RESOLVED: 30,
    DisputeStatus.WITHDRAWN: 10,
}

# Generated people: (role, party, how many).
CAST = [
    (Role.CO_CHAIR, "US", 2),
    (Role.CO_CHAIR, "UA", 2),
    (Role.MEMBER, "US", 12),
    (Role.MEMBER, "UA", 12),
    (Role.MONITOR, "IND", 6),
    (Role.OBSERVER, "IND", 6),
    (Role.STAFF_ADMIN, "IND", 1),
    ("", "IND", 1),
]


@functools.cache
def history_model(model: type[models.Model]) -> type[models.Model]:
    return model.history.model


@functools.cache
def m2m_history_model(model: type[models.Model], field_name: str) -> type[models.Model]:
    return apps.get_model(model._meta.app_label, f"Historical{model.__name__}_{field_name}")


@functools.cache
def tracked_attnames(model: type[models.Model]) -> tuple[str, ...]:
    return tuple(f.attname for f in history_model(model).tracked_fields)


def snapshot(model: type[models.Model], values: dict, when, user_id, kind="+", reason=None):
    """A history row as django-simple-history writes it, dated `when`."""
    return history_model(model)(
        **{name: values.get(name) for name in tracked_attnames(model)},
        history_date=when,
        history_type=kind,
        history_user_id=user_id,
        history_change_reason=reason or None,
    )


def history_row(state: dict, when, user_id, kind: str, reason: str | None = None) -> dict:
    return {
        **state,
        "history_date": when,
        "history_type": kind,
        "history_user_id": user_id,
        "history_change_reason": reason or None,
    }


class PlainInsert:
    """executemany() of ready values into one table.

    The ORM's bulk_create prepares every value through several layers; for the two tables
    of 100,000+ rows that alone would take most of the minute this command may use.
    """

    def __init__(self, model: type[models.Model], *, with_pk: bool = False) -> None:
        ops, quote = connection.ops, connection.ops.quote_name
        self.fields = [
            f
            for f in model._meta.concrete_fields
            if with_pk or not (f.primary_key and isinstance(f, AutoFieldMixin))
        ]
        self.defaults = {f.attname: f.get_default() for f in self.fields}
        adapters = {
            "DateTimeField": ops.adapt_datetimefield_value,
            "DateField": ops.adapt_datefield_value,
        }
        self.adapters = [adapters.get(f.get_internal_type()) for f in self.fields]
        columns = ", ".join(quote(f.column) for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        # Table and column names come from the models, never from input.
        table = quote(model._meta.db_table)
        self.sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608

    def params(self, row: dict) -> tuple:
        values = []
        for f, adapt in zip(self.fields, self.adapters, strict=True):
            value = row.get(f.attname, self.defaults[f.attname])
            values.append(adapt(value) if adapt and value is not None else value)
        return tuple(values)

    def run(self, rows: list[dict]) -> None:
        with connection.cursor() as cursor:
            for first in range(0, len(rows), 5000):
                cursor.executemany(self.sql, [self.params(r) for r in rows[first : first + 5000]])


def reset_sequences(*model_list: type[models.Model]) -> None:
    """After inserting explicit ids, let PostgreSQL's sequences continue past them."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_list))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def row_values(instance: models.Model) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


@contextmanager
def given_timestamps(*fields: models.DateTimeField) -> Iterator[None]:
    """Let bulk inserts keep the times we give instead of auto_now/auto_now_add's "now"."""
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


@contextmanager
def fast_sqlite() -> Iterator[None]:
    """Skip fsync while loading: a crash mid-way loses only generated data."""
    # SQLite refuses to change it inside a transaction (e.g. when called from a test).
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA temp_store=MEMORY")
        cursor.execute("PRAGMA cache_size=-262144")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=NORMAL")


@dataclass
class Cast:
    by_role: dict[tuple[str, str], list[User]] = field(default_factory=dict)

    def ids(self, role: str, party: str) -> list[int]:
        return [u.pk for u in self.by_role.get((role, party), [])]

    def delegates(self, party: str) -> list[int]:
        """Co-chairs and members who may update `party`'s milestones (JOINT: both)."""
        parties = ("US", "UA") if party == ResponsibleParty.JOINT else (party,)
        return [
            pk for p in parties for role in (Role.CO_CHAIR, Role.MEMBER) for pk in self.ids(role, p)
        ]

    def verifiers(self, party: str) -> list[int]:
        """Monitors, and the other party's co-chairs (nobody verifies their own party)."""
        ids = self.ids(Role.MONITOR, "IND")
        if party == "US":
            ids = ids + self.ids(Role.CO_CHAIR, "UA")
        elif party == "UA":
            ids = ids + self.ids(Role.CO_CHAIR, "US")
        return ids


class Generator:
    def __init__(self, *, seed: int, today: datetime.date, agreement_name: str, out) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.today = today
        # Times are computed in UTC: adding a timedelta to a local time across a daylight
        # saving change would shift it by an hour (Python adds wall-clock time).
        tz = timezone.get_current_timezone()
        end_of_today = datetime.datetime.combine(today, datetime.time(18, 0), tzinfo=tz)
        self.now = min(timezone.now(), end_of_today.astimezone(datetime.UTC))
        self.start = datetime.datetime.combine(
            FIRST_DAY, datetime.time(9, 0), tzinfo=tz
        ).astimezone(datetime.UTC)
        self.agreement_name = agreement_name
        self.out = out
        self.counts: Counter[str] = Counter()

    # --- helpers --------------------------------------------------------------------------

    def moment(self, earliest: datetime.datetime, latest: datetime.datetime) -> datetime.datetime:
        if latest <= earliest:
            return earliest
        return earliest + (latest - earliest) * self.rng.random()

    def local_date(self, moment: datetime.datetime) -> datetime.date:
        return timezone.localdate(moment)

    def two_key(
        self,
        dispute: Dispute,
        decision: str,
        after: datetime.datetime,
        before: datetime.datetime,
        *,
        rejected: bool = False,
    ) -> tuple[DisputeProposal, int]:
        """A proposal (unsaved) made between `after` and `before` by one party's co-chair,
        concurred with (or rejected) at `before` by a co-chair of the other party, who is
        returned with it. Withdrawals are proposed by the raising party."""
        rng = self.rng
        if decision == DisputeStatus.WITHDRAWN:
            party = dispute.raised_by_party
        else:
            party = rng.choice([dispute.raised_by_party, dispute.responding_party])
        other = "UA" if party == "US" else "US"
        decider = rng.choice(self.cast.ids(Role.CO_CHAIR, other))
        proposal = DisputeProposal(
            dispute_id=dispute.pk,
            decision=decision,
            proposed_by_id=rng.choice(self.cast.ids(Role.CO_CHAIR, party)),
            proposer_party=party,
            proposed_at=self.moment(after, before),
            text="Settle on the revised schedule agreed at expert level.",
            outcome=Outcome.REJECTED if rejected else Outcome.CONCURRED,
            decided_by_id=decider,
            decided_at=before,
            decision_note="The schedule is too late." if rejected else "",
        )
        return proposal, decider

    def proposal_event(self, proposal: DisputeProposal) -> DisputeEvent:
        return DisputeEvent(
            dispute_id=proposal.dispute_id,
            kind=DisputeEvent.Kind.PROPOSAL,
            author_id=proposal.proposed_by_id,
            created_at=proposal.proposed_at,
            to_status=proposal.decision,
            text=proposal.text,
            proposal=proposal,
        )

    def save(self, model: type[models.Model], rows: list, label: str | None = None) -> list:
        if rows:
            model.objects.bulk_create(rows, batch_size=BATCH)
        self.counts[label or model._meta.label] += len(rows)
        return rows

    def insert(self, model: type[models.Model], rows: list[dict], with_pk: bool = False) -> None:
        PlainInsert(model, with_pk=with_pk).run(rows)
        self.counts[model._meta.label] += len(rows)

    def save_history(self, rows: list) -> None:
        if rows:
            self.save(type(rows[0]), rows)

    def note(self, party: str) -> str:
        if party == "UA" and self.rng.random() < 0.5:
            return self.rng.choice(NOTES_UK)
        return self.rng.choice(NOTES_EN)

    # --- reference data -------------------------------------------------------------------

    def reference_data(self) -> None:
        existing = set(Mineral.objects.values_list("name", flat=True))
        Mineral.objects.bulk_create(
            [Mineral(name=n, name_uk=uk) for n, uk in MINERALS if n not in existing]
        )
        self.minerals = list(Mineral.objects.filter(name__in=[n for n, _ in MINERALS]))

        wanted = []
        for base, base_uk, kind, affiliation in ORGANISATIONS:
            for region, region_uk in self.rng.sample(REGIONS, 2):
                wanted.append((f"{base} — {region}", f"{base_uk} — {region_uk}", kind, affiliation))
        existing = set(Organisation.objects.values_list("name", flat=True))
        new = [
            Organisation(name=n, name_uk=uk, kind=kind, affiliation=aff)
            for n, uk, kind, aff in wanted
            if n not in existing
        ]
        self.save(Organisation, new)
        self.save_history([snapshot(Organisation, row_values(o), self.start, None) for o in new])
        self.organisations: dict[str, list[int]] = defaultdict(list)
        for org in Organisation.objects.filter(name__in=[w[0] for w in wanted]):
            self.organisations[org.affiliation].append(org.pk)

    def people(self, password: str | None) -> None:
        hashed = make_password(password) if password else None
        usernames = {
            f"{USERNAME_PREFIX}{role or 'norole'}-{party.lower()}-{i}": (role, party)
            for role, party, n in CAST
            for i in range(1, n + 1)
        }
        existing = {u.username: u for u in User.objects.filter(username__in=usernames)}
        joined = self.start - datetime.timedelta(days=2)
        new = []
        for username, (role, party) in usernames.items():
            if username in existing:
                continue
            orgs = self.organisations.get(party) or self.organisations["IND"]
            first, _, rest = username.removeprefix(USERNAME_PREFIX).partition("-")
            new.append(
                User(
                    username=username,
                    password=hashed or make_password(None),
                    first_name=first.replace("_", " ").title(),
                    last_name=rest.upper(),
                    email=f"{username}@example.org",
                    role=role,
                    party=party,
                    organisation_id=self.rng.choice(orgs),
                    is_staff=role == Role.STAFF_ADMIN,
                    is_superuser=role == Role.STAFF_ADMIN,
                    date_joined=joined,
                )
            )
        self.save(User, new)
        self.save_history([snapshot(User, row_values(u), joined, None) for u in new])
        self.cast = Cast()
        for user in User.objects.filter(username__in=usernames).order_by("pk"):
            self.cast.by_role.setdefault((user.role, user.party), []).append(user)

    # --- agreement and provisions ---------------------------------------------------------

    def agreement(self, provisions: int) -> None:
        chair = self.cast.ids(Role.STAFF_ADMIN, "IND")[0]
        self.agreement_obj = Agreement(
            title="Generated cooperation agreement (synthetic data for load tests)",
            title_uk="Згенерована угода про співпрацю (синтетичні дані для тестів навантаження)",
            short_name=self.agreement_name,
            signed_on=FIRST_DAY - datetime.timedelta(days=1),
            place="Washington, D.C.",
            place_uk="Вашингтон",
            summary="Synthetic agreement produced by manage.py generate_data.",
            summary_uk="Синтетична угода, створена командою generate_data.",
        )
        self.save(Agreement, [self.agreement_obj])
        self.save_history([snapshot(Agreement, row_values(self.agreement_obj), self.start, chair)])

        categories = list(Category.values)
        parties = list(ResponsibleParty.values)
        rows = []
        for i in range(provisions):
            category = categories[i % len(categories)]
            title, title_uk = self.rng.choice(PROVISION_TITLES[category])
            if i >= len(categories):
                title, title_uk = (
                    f"{title} ({i // len(categories) + 1})",
                    f"{title_uk} ({i // len(categories) + 1})",
                )
            rows.append(
                Provision(
                    agreement=self.agreement_obj,
                    reference=f"P-{i + 1:02d}",
                    title=title,
                    title_uk=title_uk,
                    text=f"The Parties shall cooperate on {title.lower()}.",
                    text_uk=f"Сторони співпрацюють у сфері: {title_uk.lower()}.",
                    category=category,
                    # Each round of categories goes to the next party, so every category
                    # meets every party.
                    responsible_party=parties[(i // len(categories)) % len(parties)],
                    value_chain_stages=sorted(
                        self.rng.sample(list(ValueChainStage.values), self.rng.randint(1, 3))
                    ),
                )
            )
        self.provisions = self.save(Provision, rows)
        through = Provision.minerals.through
        links = [
            through(provision_id=p.pk, mineral_id=m.pk)
            for p in self.provisions
            for m in self.rng.sample(self.minerals, self.rng.randint(1, 4))
        ]
        self.save(through, links, "core.Provision_minerals")
        self.provision_minerals: dict[int, list[str]] = defaultdict(list)
        names = {m.pk: m.name for m in self.minerals}
        for link in links:
            self.provision_minerals[link.provision_id].append(names[link.mineral_id])

        created = self.start + datetime.timedelta(days=3)
        hist = [snapshot(Provision, row_values(p), created, chair) for p in self.provisions]
        self.save_history(hist)
        m2m_hist = m2m_history_model(Provision, "minerals")
        hist_by_provision = {h.id: h for h in hist}
        self.save(
            m2m_hist,
            [
                m2m_hist(
                    history=hist_by_provision[link.provision_id],
                    id=link.pk,
                    provision_id=link.provision_id,
                    mineral_id=link.mineral_id,
                )
                for link in links
            ],
        )

        # Co-chairs' recorded judgements, a few per provision.
        assessments = []
        for provision in self.provisions:
            for _ in range(self.rng.randint(0, 3)):
                party = self.rng.choice(["US", "UA"])
                assessments.append(
                    ProvisionAssessment(
                        provision=provision,
                        assessed_by_id=self.rng.choice(self.cast.ids(Role.CO_CHAIR, party)),
                        party=party,
                        assessed_at=self.moment(created, self.now),
                        level=self.rng.randint(0, 3),
                        note="Assessed at the quarterly task force meeting.",
                    )
                )
        with given_timestamps(ProvisionAssessment._meta.get_field("assessed_at")):
            self.save(ProvisionAssessment, assessments)
        self.save_history(
            [
                snapshot(ProvisionAssessment, row_values(a), a.assessed_at, a.assessed_by_id)
                for a in assessments
            ]
        )

    # --- milestones and their log ---------------------------------------------------------

    @staticmethod
    def planning_entry(
        state: dict,
        author: int,
        when: datetime.datetime,
        kind: str,
        new_due: datetime.date | None = None,
        old_due: datetime.date | None = None,
        note: str = "",
    ) -> dict:
        """A planning entry of the log (planned, details edited, re-planned): the state stays."""
        return {
            "milestone_id": state["id"],
            "author_id": author,
            "created_at": when,
            "kind": kind,
            "old_status": state["status"],
            "new_status": state["status"],
            "old_percent": state["percent_complete"],
            "percent": state["percent_complete"],
            "old_due_date": old_due,
            "new_due_date": new_due,
            "note": note,
        }

    def plan_steps(self, k: int, final: str) -> list[tuple[str, str, int]]:
        """(kind, new status, percent) for each of the k log entries, ending in `final`."""
        U, V, R = (
            ProgressUpdate.Kind.UPDATE,
            ProgressUpdate.Kind.VERIFICATION,
            ProgressUpdate.Kind.RETURN,
        )
        if k == 0:
            return []
        if final == Status.NOT_STARTED:
            return [(U, Status.NOT_STARTED, 0)] * k
        verify = final == Status.COMPLETED and k >= 2 and self.rng.random() < 0.6
        n = k - verify
        target = (
            self.rng.randint(5, 95) if final == Status.IN_PROGRESS else self.rng.randint(40, 95)
        )
        steps = [(U, Status.IN_PROGRESS, max(1, round(target * (j + 1) / n))) for j in range(n)]
        previous = steps[-2][2] if n >= 2 else 0
        if final == Status.COMPLETED:
            steps[-1] = (U, Status.COMPLETED, 100)
            if n >= 4 and self.rng.random() < 0.12:
                # Completed once, returned by a verifier, completed again.
                steps[-3] = (U, Status.COMPLETED, 100)
                # Returning keeps the percentage; the next update completes it again.
                steps[-2] = (R, Status.IN_PROGRESS, 100)
        elif final in (Status.ON_HOLD, Status.CANCELLED):
            steps[-1] = (U, final, previous)
        if n >= 4 and final != Status.COMPLETED and self.rng.random() < 0.15:
            i = self.rng.randint(1, n - 3)
            steps[i] = (U, Status.ON_HOLD, steps[i - 1][2])
        if verify:
            steps.append((V, Status.COMPLETED, 100))
        return steps

    def milestones(self, total: int, updates: int) -> None:
        rng = self.rng
        span = (self.now - self.start) - datetime.timedelta(days=14)
        created = sorted(
            self.start + datetime.timedelta(days=5) + span * (rng.random() ** 1.6)
            for _ in range(total)
        )
        due = [self.local_date(c) + datetime.timedelta(days=rng.randint(45, 720)) for c in created]
        finals = []
        for d in due:
            days = (d - self.today).days
            weights = STATUS_WEIGHTS["past" if days < 0 else "near" if days <= 90 else "far"]
            finals.append(rng.choices(list(weights), weights=list(weights.values()))[0])
        # Older milestones collect more entries; most not-started ones have none.
        weights = [
            max(1.0, (self.now - c).days)
            * (0.05 if f == Status.NOT_STARTED else 1.0)
            * (1.6 if f == Status.COMPLETED else 1.0)
            for c, f in zip(created, finals, strict=True)
        ]
        per_milestone = Counter(rng.choices(range(total), weights=weights, k=updates))

        self.milestone_ids_by_provision: dict[int, list[int]] = defaultdict(list)
        next_id = (Milestone.objects.aggregate(top=models.Max("pk"))["top"] or 0) + 1
        for first in range(0, total, MILESTONE_CHUNK):
            indexes = range(first, min(first + MILESTONE_CHUNK, total))
            self.milestone_chunk(next_id + first, indexes, created, due, finals, per_milestone)
        reset_sequences(Milestone)

    def milestone_chunk(self, first_id, indexes, created, due, finals, per_milestone) -> None:
        rng = self.rng
        provisions = self.provisions
        creators = self.cast.ids(Role.CO_CHAIR, "US") + self.cast.ids(Role.CO_CHAIR, "UA")
        delegates = {p: self.cast.delegates(p) for p in ResponsibleParty.values}
        verifiers = {p: self.cast.verifiers(p) for p in ResponsibleParty.values}
        rows, log, history = [], [], []
        for pk, i in enumerate(indexes, start=first_id):
            provision = provisions[i % len(provisions)]
            party = provision.responsible_party
            if party == ResponsibleParty.JOINT:
                party = rng.choices(["US", "UA", "JOINT"], weights=[3, 3, 4])[0]
            region, region_uk = rng.choice(REGIONS)
            mineral = rng.choice(self.provision_minerals[provision.pk] or ["lithium"]).lower()
            title, title_uk = rng.choice(MILESTONE_TITLES)
            orgs = self.organisations.get(party) or self.organisations["IND"]
            state = {
                "id": pk,
                "provision_id": provision.pk,
                "title": title.format(region=region, mineral=mineral),
                "title_uk": (
                    title_uk.format(region=region_uk, mineral=mineral) if rng.random() < 0.7 else ""
                ),
                "description": f"Milestone {i + 1} of the generated agreement, {region} region.",
                "description_uk": "",
                "responsible_party": party,
                "lead_organisation_id": rng.choice(orgs) if rng.random() < 0.9 else None,
                "due_date": due[i],
                "baseline_due": due[i],
                "status": Status.NOT_STARTED,
                "percent_complete": 0,
                "completed_on": None,
                "verified_by_id": None,
                "verified_at": None,
                "version": 1,
                "updated_at": created[i],
            }
            creator = rng.choice(creators)
            history.append(history_row(state, created[i], creator, "+", "Milestone planned"))
            log.append(self.planning_entry(state, creator, created[i], PLANNED, due[i]))
            self.milestone_ids_by_provision[provision.pk].append(pk)

            # Play the plan forward: each entry of the log changes the state once, the history
            # keeps every state, the milestone row keeps the last.
            k = per_milestone.get(i, 0)
            steps = self.plan_steps(k, finals[i] if k else Status.NOT_STARTED)
            earliest = created[i] + datetime.timedelta(hours=2)
            times = sorted(self.moment(earliest, self.now) for _ in steps)
            # Some plans change before the work starts: details edited, the due date moved.
            first_step = times[0] if times else self.now
            after = created[i] + datetime.timedelta(minutes=30)
            if rng.random() < EDITED_SHARE and state["lead_organisation_id"] is not None:
                when = after = self.moment(after, first_step)
                state.update(
                    lead_organisation_id=rng.choice(orgs),
                    version=state["version"] + 1,
                    updated_at=when,
                )
                note = "Changed: lead organisation."
                log.append(self.planning_entry(state, creator, when, EDITED, note=note))
                history.append(history_row(state, when, creator, "~", note))
            if rng.random() < REPLANNED_SHARE:
                when = self.moment(after, first_step)
                old_due = state["due_date"]
                new_due = old_due + datetime.timedelta(days=rng.randint(14, 150))
                note = rng.choice(REPLAN_NOTES)
                state.update(due_date=new_due, version=state["version"] + 1, updated_at=when)
                log.append(
                    self.planning_entry(state, creator, when, REPLANNED, new_due, old_due, note)
                )
                history.append(history_row(state, when, creator, "~", note))
            for (kind, status, percent), when in zip(steps, times, strict=True):
                if kind == ProgressUpdate.Kind.UPDATE:
                    author = rng.choice(delegates[party])
                    note = self.note(party) if rng.random() < 0.8 else ""
                else:
                    author = rng.choice(verifiers[party])
                    verified = kind == ProgressUpdate.Kind.VERIFICATION
                    note = rng.choice(VERIFY_NOTES if verified else RETURN_NOTES)
                log.append(
                    {
                        "milestone_id": pk,
                        "author_id": author,
                        "created_at": when,
                        "kind": kind,
                        "old_status": state["status"],
                        "new_status": status,
                        "old_percent": state["percent_complete"],
                        "percent": percent,
                        "note": note,
                    }
                )
                if kind == ProgressUpdate.Kind.VERIFICATION:
                    state.update(verified_by_id=author, verified_at=when)
                elif status != Status.COMPLETED:
                    state.update(verified_by_id=None, verified_at=None)
                state.update(
                    status=status,
                    percent_complete=percent,
                    completed_on=self.local_date(when) if status == Status.COMPLETED else None,
                    version=state["version"] + 1,
                    updated_at=when,
                )
                history.append(history_row(state, when, author, "~", note))
            rows.append(state)

        self.insert(Milestone, rows, with_pk=True)
        self.insert(ProgressUpdate, log)
        self.insert(history_model(Milestone), history)

    # --- monitoring checks ----------------------------------------------------------------

    def checks(self, total: int) -> None:
        rng = self.rng
        monitors = self.cast.ids(Role.MONITOR, "IND")
        results = list(RESULT_WEIGHTS)
        weights = list(RESULT_WEIGHTS.values())
        first_check = self.start + datetime.timedelta(days=30)
        rows, initial = [], []
        for i in range(total):
            provision = self.provisions[i % len(self.provisions)]
            result = results[i] if i < len(results) else rng.choices(results, weights=weights)[0]
            finding_result = result in (Result.PARTIALLY_COMPLIANT, Result.NON_COMPLIANT)
            severity = ""
            if finding_result:
                severities = list(Severity.values)
                severity = severities[i % 3] if i < 12 else rng.choice(severities)
            recorded = self.moment(first_check, self.now)
            milestones = self.milestone_ids_by_provision.get(provision.pk) or [None]
            criterion, criterion_uk = rng.choice(CRITERIA)
            rows.append(
                MonitoringCheck(
                    provision_id=provision.pk,
                    milestone_id=rng.choice(milestones) if rng.random() < 0.6 else None,
                    criterion=criterion,
                    criterion_uk=criterion_uk,
                    monitor_id=rng.choice(monitors),
                    checked_on=self.local_date(recorded),
                    result=result,
                    severity=severity,
                    finding=rng.choice(FINDINGS) if finding_result else "",
                    created_at=recorded,
                )
            )
            # Some findings were first recorded as "not assessed" and completed later.
            initial.append(finding_result and rng.random() < 0.15)
        rows.sort(key=lambda c: c.created_at)
        self.save(MonitoringCheck, rows)

        # Follow-ups point at an earlier check of the same provision.
        earlier: dict[int, list[int]] = defaultdict(list)
        follow_ups = []
        for check in rows:
            if earlier[check.provision_id] and rng.random() < 0.1:
                check.follows_up_id = rng.choice(earlier[check.provision_id])
                follow_ups.append(check)
            earlier[check.provision_id].append(check.pk)
        MonitoringCheck.objects.bulk_update(follow_ups, ["follows_up"], batch_size=BATCH)

        history, actions, action_history = [], [], []
        for check, first_pending in zip(rows, initial, strict=True):
            values = row_values(check)
            if first_pending:
                history.append(
                    snapshot(
                        MonitoringCheck,
                        {**values, "result": Result.NOT_ASSESSED, "severity": "", "finding": ""},
                        check.created_at,
                        check.monitor_id,
                    )
                )
                later = self.moment(check.created_at, self.now)
                history.append(
                    snapshot(
                        MonitoringCheck, values, later, check.monitor_id, "~", "Finding recorded"
                    )
                )
            else:
                history.append(
                    snapshot(MonitoringCheck, values, check.created_at, check.monitor_id)
                )
            if check.severity and rng.random() < 0.8:
                for _ in range(rng.choice([1, 1, 2])):
                    actions.append(self.corrective_action(check, action_history))
        self.save_history(history)
        self.save(CorrectiveAction, actions)
        for action, snapshots in zip(actions, action_history, strict=True):
            for snap in snapshots:
                snap.id = action.pk
                snap.check_record_id = action.check_record_id
        self.save_history([s for snapshots in action_history for s in snapshots])

    def corrective_action(self, check: MonitoringCheck, action_history: list) -> CorrectiveAction:
        rng = self.rng
        party = self.provisions_by_id[check.provision_id].responsible_party
        due = check.checked_on + datetime.timedelta(days=rng.randint(30, 180))
        action = CorrectiveAction(
            check_record_id=check.pk,
            description=rng.choice(ACTIONS),
            owner_party=party,
            due_date=due,
        )
        opened = snapshot(CorrectiveAction, row_values(action), check.created_at, check.monitor_id)
        snapshots = [opened]
        closing = check.created_at + datetime.timedelta(days=rng.randint(5, 240))
        if closing < self.now and rng.random() < 0.55:
            action.state = CorrectiveAction.State.DONE
            action.closed_at = closing
            action.closed_by_id = rng.choice(self.cast.ids(Role.MONITOR, "IND"))
            action.closing_note = "Remedy confirmed by the monitor."
            snapshots.append(
                snapshot(
                    CorrectiveAction,
                    row_values(action),
                    closing,
                    action.closed_by_id,
                    "~",
                    action.closing_note,
                )
            )
        action_history.append(snapshots)
        return action

    # --- disputes -------------------------------------------------------------------------

    def disputes(self, total: int) -> None:
        rng = self.rng
        statuses = list(DISPUTE_WEIGHTS)
        first_day = self.start + datetime.timedelta(days=40)
        disputes, plans = [], []
        for i in range(total):
            final = (
                statuses[i]
                if i < len(statuses)
                else rng.choices(statuses, weights=list(DISPUTE_WEIGHTS.values()))[0]
            )
            raising = rng.choice(["US", "UA"])
            responding = "UA" if raising == "US" else "US"
            raised_at = self.moment(first_day, self.now - datetime.timedelta(hours=4))
            raised_on = self.local_date(raised_at)
            raiser = rng.choice(self.cast.delegates(raising))
            dispute = Dispute(
                agreement=self.agreement_obj,
                raised_by_party=raising,
                responding_party=responding,
                raised_by_id=raiser,
                raised_on=raised_on,
                response_due=raised_on + datetime.timedelta(days=RESPONSE_DAYS),
                title=f"{rng.choice(DISPUTE_TITLES)} ({i + 1})",
                description="The raising party considers that the commitment is not met.",
                raising_position="The commitment requires publication within 90 days.",
                created_at=raised_at,
            )
            path = rng.choice(DISPUTE_PATHS[final])
            gaps = [rng.uniform(1, 40) for _ in path]
            available = (self.now - raised_at).total_seconds() / 86400
            scale = min(1.0, available / (sum(gaps) + 1)) if gaps else 1.0
            times, t = [], raised_at
            for gap in gaps:
                t += datetime.timedelta(days=gap * scale)
                times.append(t)
            disputes.append(dispute)
            plans.append((dispute, path, times, raiser))
        self.save(Dispute, disputes)

        through = Dispute.provisions.through
        links = []
        for dispute in disputes:
            for provision in rng.sample(self.provisions, rng.randint(1, 3)):
                links.append(through(dispute_id=dispute.pk, provision_id=provision.pk))
        self.save(through, links, "disputes.Dispute_provisions")
        links_by_dispute: dict[int, list] = defaultdict(list)
        for link in links:
            links_by_dispute[link.dispute_id].append(link)

        events, history, changed, proposals = [], [], [], []
        for dispute, path, times, raiser in plans:
            state = row_values(dispute)
            state.update(
                status=DisputeStatus.RAISED, responding_position="", resolution="", resolved_on=None
            )
            events.append(
                DisputeEvent(
                    dispute_id=dispute.pk,
                    kind=DisputeEvent.Kind.TRANSITION,
                    author_id=raiser,
                    created_at=dispute.created_at,
                    from_status="",
                    to_status=DisputeStatus.RAISED,
                    text=dispute.description,
                )
            )
            history.append((snapshot(Dispute, state, dispute.created_at, raiser), dispute.pk))
            previous = dispute.created_at
            for to_status, when in zip(path, times, strict=True):
                proposal = None
                if to_status in (DisputeStatus.RESOLVED, DisputeStatus.WITHDRAWN):
                    # Two keys: one party's co-chair proposes, the other's concurs.
                    proposal, author = self.two_key(dispute, to_status, previous, when)
                    proposals.append(proposal)
                    events.append(self.proposal_event(proposal))
                elif to_status == DisputeStatus.ACKNOWLEDGED:
                    author = rng.choice(self.cast.ids(Role.CO_CHAIR, dispute.responding_party))
                else:
                    party = rng.choice([dispute.raised_by_party, dispute.responding_party])
                    author = rng.choice(self.cast.ids(Role.CO_CHAIR, party))
                text = {
                    DisputeStatus.ACKNOWLEDGED: "Received; the responding party will reply.",
                    DisputeStatus.UNDER_CONSULTATION: "Consultations opened at expert level.",
                    DisputeStatus.ESCALATED: "Referred to the joint governing board.",
                    DisputeStatus.RESOLVED: "Settled by agreement of both co-chairs.",
                    DisputeStatus.WITHDRAWN: "Withdrawn by the raising party.",
                }[to_status]
                if proposal is not None:
                    # The proposal's text is what takes effect; its entry was the last added.
                    proposal.text = events[-1].text = text
                events.append(
                    DisputeEvent(
                        dispute_id=dispute.pk,
                        kind=DisputeEvent.Kind.TRANSITION,
                        author_id=author,
                        created_at=when,
                        from_status=state["status"],
                        to_status=to_status,
                        text="" if proposal is not None else text,
                        proposal=proposal,
                    )
                )
                previous = when
                state["status"] = to_status
                if to_status == DisputeStatus.RESOLVED:
                    state.update(resolution=text, resolved_on=self.local_date(when))
                history.append((snapshot(Dispute, state, when, author, "~", text), dispute.pk))
                if to_status == DisputeStatus.ACKNOWLEDGED and rng.random() < 0.8:
                    responder = rng.choice(self.cast.delegates(dispute.responding_party))
                    position_at = when + datetime.timedelta(hours=rng.randint(1, 48))
                    position_at = min(position_at, self.now)
                    state["responding_position"] = (
                        "The responding party considers the commitment met in substance."
                    )
                    events.append(
                        DisputeEvent(
                            dispute_id=dispute.pk,
                            kind=DisputeEvent.Kind.POSITION,
                            author_id=responder,
                            created_at=position_at,
                            text=state["responding_position"],
                        )
                    )
                    history.append(
                        (snapshot(Dispute, state, position_at, responder, "~"), dispute.pk)
                    )
            last = times[-1] if times else dispute.created_at
            # Now and then a proposal the other party turned down, on a dispute still open.
            still_open = state["status"] in (
                DisputeStatus.UNDER_CONSULTATION,
                DisputeStatus.ESCALATED,
            )
            if still_open and rng.random() < 0.3:
                proposal, author = self.two_key(
                    dispute, DisputeStatus.RESOLVED, last, self.now, rejected=True
                )
                proposals.append(proposal)
                events.append(self.proposal_event(proposal))
                events.append(
                    DisputeEvent(
                        dispute_id=dispute.pk,
                        kind=DisputeEvent.Kind.REJECTION,
                        author_id=author,
                        created_at=proposal.decided_at,
                        text=proposal.decision_note,
                        proposal=proposal,
                    )
                )
            for _ in range(rng.randint(0, 4)):
                party = rng.choice(["US", "UA"])
                events.append(
                    DisputeEvent(
                        dispute_id=dispute.pk,
                        kind=DisputeEvent.Kind.COMMENT,
                        author_id=rng.choice(self.cast.delegates(party)),
                        created_at=self.moment(dispute.created_at, max(last, self.now)),
                        text=self.note(party),
                    )
                )
            for name in ("status", "responding_position", "resolution", "resolved_on"):
                setattr(dispute, name, state[name])
            changed.append(dispute)
        Dispute.objects.bulk_update(
            changed,
            ["status", "responding_position", "resolution", "resolved_on"],
            batch_size=BATCH,
        )
        self.save(DisputeProposal, proposals)
        self.save(DisputeEvent, events)
        snapshots = [s for s, _ in history]
        self.save_history(snapshots)
        m2m_hist = m2m_history_model(Dispute, "provisions")
        self.save(
            m2m_hist,
            [
                m2m_hist(history=snap, id=link.pk, dispute_id=pk, provision_id=link.provision_id)
                for snap, pk in history
                for link in links_by_dispute[pk]
            ],
        )

    # --- all of it ------------------------------------------------------------------------

    def longest_texts(self) -> None:
        """The worst case the length limits allow (tracker/core/limits.py), in rows the report
        shows: the agreement's summary, a provision's text, an overdue milestone's description,
        a progress note, a non-compliant finding with its open corrective action, a dispute's
        description, positions and resolution, and a dispute event, each at its limit, in both
        languages where there are two. The report's PDF scenario of the benchmark then
        measures them. Written on the rows alone: the history keeps the earlier wording."""
        agreement = self.agreement_obj
        overdue = Milestone.objects.filter(
            provision__agreement=agreement, due_date__lt=self.today
        ).exclude(status__in=[Status.COMPLETED, Status.CANCELLED])
        non_compliant = MonitoringCheck.objects.filter(
            provision__agreement=agreement, result=Result.NON_COMPLIANT
        )
        rows = [
            Agreement.objects.filter(pk=agreement.pk),
            Provision.objects.filter(agreement=agreement),
            overdue,
            ProgressUpdate.objects.filter(milestone__in=overdue.values("pk")[:1]),
            non_compliant,
            CorrectiveAction.objects.filter(
                check_record__in=non_compliant.values("pk"), state=CorrectiveAction.State.OPEN
            ),
            Dispute.objects.filter(agreement=agreement, status=DisputeStatus.RESOLVED),
            DisputeEvent.objects.filter(dispute__agreement=agreement),
        ]
        words = "The parties shall report on the implementation of this commitment. "
        for queryset in rows:
            pk = queryset.order_by("pk").values_list("pk", flat=True).first()
            if pk is None:
                continue
            model = queryset.model
            limited = {
                field.name: (words * (field.max_length // len(words) + 1))[: field.max_length]
                for field in model._meta.get_fields()
                if isinstance(field, models.TextField)
                and field.max_length
                # An open action has no closing note.
                and not (model is CorrectiveAction and field.name == "closing_note")
            }
            model.objects.filter(pk=pk).update(**limited)

    def run(self, *, provisions, milestones, updates, checks, disputes, password) -> None:
        steps = [
            ("reference data", self.reference_data),
            ("people", lambda: self.people(password)),
            ("agreement and provisions", lambda: self.agreement(provisions)),
            ("milestones and progress log", lambda: self.milestones(milestones, updates)),
            ("monitoring checks", lambda: self.checks(checks)),
            ("disputes", lambda: self.disputes(disputes)),
            ("longest texts", self.longest_texts),
        ]
        for label, step in steps:
            # One stream per step: what exists already (people, organisations) changes how
            # many numbers a step draws, never what the next step draws.
            self.rng = random.Random(f"{self.seed}:{label}")
            started = time.perf_counter()
            step()
            if label == "agreement and provisions":
                self.provisions_by_id = {p.pk: p for p in self.provisions}
            self.out(f"  {label}: {time.perf_counter() - started:.1f} s")


class Command(BaseCommand):
    help = "Generate a large synthetic agreement (milestones, log, checks, disputes, history)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--provisions", type=int, default=60)
        parser.add_argument("--milestones", type=int, default=20000)
        parser.add_argument("--updates", type=int, default=100000, help="progress log entries")
        parser.add_argument("--checks", type=int, default=5000)
        parser.add_argument("--disputes", type=int, default=500)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--agreement", default="generated", help="short name of the generated agreement"
        )
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="date the data ends on (YYYY-MM-DD); with --seed the output is repeatable",
        )
        parser.add_argument(
            "--password",
            default=None,
            help="password of every generated user (default: none, they cannot log in)",
        )

    def handle(self, *args, **options) -> None:
        # The benchmark measures with DEBUG off, on a database of its own (bench_settings).
        if not (settings.DEBUG or getattr(settings, "BENCHMARK", False)):
            raise CommandError(
                "generate_data fills the database with invented rows, so it runs only in "
                "development and benchmarking: set DEBUG=1."
            )
        if options["provisions"] < 1 and options["milestones"] > 0:
            raise CommandError("Milestones need at least one provision.")
        for name in ("provisions", "milestones", "updates", "checks", "disputes"):
            if options[name] < 0:
                raise CommandError(f"--{name} cannot be negative.")
        if Agreement.objects.filter(short_name=options["agreement"]).exists():
            raise CommandError(
                f"An agreement named {options['agreement']!r} already exists; this command "
                "never deletes data. Generate into a fresh database "
                "(DATABASE_URL=sqlite:///var/bench.sqlite3) or pass --agreement another-name."
            )
        today = options["today"] or timezone.localdate()
        if today <= FIRST_DAY + datetime.timedelta(days=30):
            raise CommandError(f"--today must be after {FIRST_DAY + datetime.timedelta(days=30)}.")
        out = self.stdout.write if options["verbosity"] >= 2 else (lambda _message: None)
        generator = Generator(
            seed=options["seed"], today=today, agreement_name=options["agreement"], out=out
        )
        started = time.perf_counter()
        with fast_sqlite(), transaction.atomic():
            generator.run(
                provisions=options["provisions"],
                milestones=options["milestones"],
                updates=options["updates"],
                checks=options["checks"],
                disputes=options["disputes"],
                password=options["password"],
            )
        elapsed = time.perf_counter() - started
        if options["verbosity"] >= 1:
            for label, count in sorted(generator.counts.items()):
                if count:
                    self.stdout.write(f"  {label:<42} {count:>9,}")
            self.stdout.write(
                self.style.SUCCESS(
                    f"Generated agreement {options['agreement']!r} in {elapsed:.1f} s."
                )
            )
