"""tracker.core.search: one helper, full-text search on PostgreSQL and LIKE on SQLite.

The behaviour tests run on both databases; what only PostgreSQL has (the generated column,
its GIN index, English stemming) is tested there and skipped on SQLite with the reason.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.state import ProjectState

from tracker.core.limits import LEGAL_TEXT
from tracker.core.models import Category, Provision, ResponsibleParty
from tracker.core.search import (
    DOCUMENT_COLUMN,
    MAX_QUERY,
    MAX_WORD,
    MAX_WORDS,
    AddSearchDocument,
    RemoveSearchDocument,
    search_words,
    text_search,
)

ON_POSTGRESQL = connection.vendor == "postgresql"
ONLY_POSTGRESQL = pytest.mark.skipif(
    not ON_POSTGRESQL, reason="Full-text search documents exist only on PostgreSQL."
)

SEARCHED_MODELS = [
    "core.Provision",
    "monitoring.MonitoringCheck",
    "monitoring.CorrectiveAction",
    "disputes.Dispute",
    "disputes.DisputeEvent",
    "milestones.Milestone",
    "milestones.ProgressUpdate",
]


def test_search_words_split_on_spaces_and_drop_quotes_and_backslashes():
    assert search_words("  lithium  'royalty' \\x  \"ore\" ") == [
        "lithium",
        "royalty",
        "x",
        '"ore"',
    ]


def test_search_words_are_capped_in_length_and_number():
    assert search_words("x" * 10_000) == ["x" * MAX_WORD]
    assert len(search_words("word " * 1000)) == MAX_WORDS
    assert len(" ".join(search_words("ab " * 1000))) < MAX_QUERY


@pytest.fixture
def provisions(agreement):
    def make(reference, title, title_uk=""):
        return Provision.objects.create(
            agreement=agreement,
            reference=reference,
            title=title,
            title_uk=title_uk,
            category=Category.CAPACITY,
            responsible_party=ResponsibleParty.JOINT,
        )

    return {
        "lithium": make("S-1", "Lithium royalty schedule", "Графік роялті на літій"),
        "survey": make("S-2", "Geological survey data exchange", "Обмін геологічними даними"),
        "fund": make("S-3", "Reconstruction investment fund", "Інвестиційний фонд відбудови"),
    }


def found(value: str) -> set[str]:
    return set(
        Provision.objects.filter(text_search(Provision, value)).values_list("reference", flat=True)
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("lithium", {"S-1"}),
        ("LITHIUM", {"S-1"}),
        # Every word must be found, wherever it stands.
        ("schedule lithium", {"S-1"}),
        ("lithium survey", set()),
        # The beginning of a word finds it.
        ("lith", {"S-1"}),
        ("geolog", {"S-2"}),
        # Ukrainian text, in any case, found by Ukrainian words and their beginnings.
        ("літій", {"S-1"}),
        ("ЛІТІЙ", {"S-1"}),
        ("фонд відбудови", {"S-3"}),
        ("Інвестиц", {"S-3"}),
        ("обмін", {"S-2"}),
        # The reference is searched too.
        ("S-2", {"S-2"}),
    ],
)
def test_words_in_either_language_find_their_rows(provisions, value, expected):
    assert found(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "'",
        "\\",
        "'; DROP TABLE core_provision; --",
        "lithium & | ! ( ) : * <-> <2>",
        '"lithium royalty"',
        "lithium:*",
        "!!! ???",
        "x" * 10_000,
        "літій " * 2_000,
        "\x00lithium",
        "%_%",
    ],
)
def test_crafted_text_never_fails_and_finds_no_more_than_its_words(provisions, value):
    result = found(value)
    assert result <= {"S-1", "S-2", "S-3"}
    assert Provision.objects.count() == 3


def test_text_without_a_word_finds_nothing(provisions):
    assert found("'' \\ ") == set()


@ONLY_POSTGRESQL
def test_english_words_find_their_other_forms_on_postgresql(provisions):
    # The english configuration stems: "exchanges" and "exchanging" find "exchange".
    assert found("exchanges") == {"S-2"}
    assert found("exchanging surveys") == {"S-2"}


DOCUMENTS = [
    (label, document)
    for label in SEARCHED_MODELS
    for document in apps.get_model(label).search_documents
]


def test_lists_that_search_more_of_a_row_than_another_list_have_a_document_of_their_own():
    assert ("milestones.Milestone", "search_document_full") in DOCUMENTS
    assert ("core.Provision", "search_document_full") in DOCUMENTS
    assert len(DOCUMENTS) == len(SEARCHED_MODELS) + 2


@ONLY_POSTGRESQL
@pytest.mark.parametrize(("label", "document"), DOCUMENTS)
def test_each_search_document_is_generated_from_its_fields_with_a_gin_index(db, label, document):
    model = apps.get_model(label)
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT a.attgenerated, pg_get_expr(d.adbin, d.adrelid)
            FROM pg_attribute a JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE a.attrelid = %s::regclass AND a.attname = %s
            """,
            [table, document],
        )
        generated, expression = cursor.fetchone()
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = %s AND indexdef LIKE %s",
            [table, f"%USING gin ({document})%"],
        )
        indexes = cursor.fetchall()
    assert generated == "s"  # stored
    # Both configurations read every field the other databases search.
    assert "'english'::regconfig" in expression
    assert "'simple'::regconfig" in expression
    for field in model.search_documents[document]:
        assert f"COALESCE({model._meta.get_field(field).column}," in expression
    assert len(indexes) == 1


@ONLY_POSTGRESQL
def test_the_document_follows_every_change_of_the_row(provisions):
    provision = provisions["fund"]
    provision.title = "Critical minerals partnership"
    provision.save(update_fields=["title"])
    assert found("partnership") == {"S-3"}
    assert found("reconstruction") == set()


@pytest.mark.skipif(ON_POSTGRESQL, reason="SQLite has no search documents.")
def test_sqlite_tables_have_no_document_column(db):
    with connection.cursor() as cursor:
        columns = connection.introspection.get_table_description(cursor, "core_provision")
    assert DOCUMENT_COLUMN not in {column.name for column in columns}


@ONLY_POSTGRESQL
def test_the_longest_texts_the_limits_allow_fit_in_their_documents(agreement):
    # A tsvector holds at most 1 MB: every field at its limit, in distinct Cyrillic words
    # (two bytes a letter, the most lexemes), must still save and be found.
    def words(count: int, stem: str) -> str:
        text = " ".join(f"{stem}{number:05d}" for number in range(count))
        return text[: LEGAL_TEXT - 1]

    provision = Provision.objects.create(
        agreement=agreement,
        reference="S-9",
        title="Довга",
        text=words(5_000, "слово"),
        text_uk=words(5_000, "термін"),
        category=Category.CAPACITY,
        responsible_party=ResponsibleParty.JOINT,
    )
    assert len(provision.text_uk) == LEGAL_TEXT - 1
    matches = Provision.objects.filter(
        text_search(Provision, "термін01234", "search_document_full")
    )
    assert list(matches) == [provision]


def _documents(table: str) -> dict[str, str]:
    """The table's generated columns and their expressions (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT a.attname, pg_get_expr(d.adbin, d.adrelid)
            FROM pg_attribute a JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE a.attrelid = %s::regclass AND a.attgenerated = 's' AND NOT a.attisdropped
            """,
            [table],
        )
        return dict(cursor.fetchall())


@ONLY_POSTGRESQL
def test_a_document_changes_fields_by_being_removed_and_added_again(db):
    state = ProjectState.from_apps(apps)
    table = "milestones_progressupdate"
    assert "old_status" not in _documents(table)[DOCUMENT_COLUMN]

    # The test's transaction takes the DDL back afterwards.
    with connection.schema_editor() as editor:
        RemoveSearchDocument("progressupdate", ("note",)).database_forwards(
            "milestones", editor, state, state
        )
    assert DOCUMENT_COLUMN not in _documents(table)
    with connection.schema_editor() as editor:
        AddSearchDocument("progressupdate", ("note", "old_status")).database_forwards(
            "milestones", editor, state, state
        )

    expression = _documents(table)[DOCUMENT_COLUMN]
    assert "COALESCE(note," in expression
    assert "COALESCE(old_status," in expression


@pytest.mark.skipif(ON_POSTGRESQL, reason="Tests the other databases' side.")
def test_the_document_operations_do_nothing_on_other_databases(db):
    state = ProjectState.from_apps(apps)
    executed: list[str] = []
    editor = SimpleNamespace(connection=connection, execute=executed.append)
    for operation in (
        AddSearchDocument("progressupdate", ("note",)),
        RemoveSearchDocument("progressupdate", ("note",)),
    ):
        operation.database_forwards("milestones", editor, state, state)
        operation.database_backwards("milestones", editor, state, state)
    assert executed == []
