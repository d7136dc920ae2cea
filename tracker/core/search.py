"""Text search of the lists: one helper, full-text search on PostgreSQL, LIKE elsewhere.

A searchable model names the text a list searches in ``search_documents`` (a class
attribute: document name -> fields; most have one, ``search_document``).
`text_search(model, value, document)` gives the condition on that model's rows:

- On PostgreSQL each document is a column of the table, a ``tsvector`` that the database
  keeps up to date itself (a stored generated column, added by the `AddSearchDocument`
  migration operation, not a model field) with a GIN index. The text is read twice, with
  the ``english`` configuration (stems, so "minerals" finds "mineral") and with ``simple``
  (every word as written, lower-cased). PostgreSQL has no Ukrainian configuration:
  ``simple`` is what serves Ukrainian (Cyrillic) text — whole words and word beginnings,
  without stemming.
- Elsewhere (SQLite) the document's fields are tested with a case-insensitive ``LIKE``
  (`tracker.core.filters.contains_text`).

Either way the search text is split into words; a row matches when every word is found in
its text, each word also as the beginning of a longer word ("літ" finds "літій" on
PostgreSQL; on SQLite a word is found anywhere inside the text). Quotes, operators and
backslashes are taken as plain text, and the text is cut at `MAX_QUERY` characters and
`MAX_WORDS` words, so no input can make the database fail or work long.

A list whose rows carry text in other tables (a check's corrective actions, a dispute's
timeline) joins the rows found in each table with `search_rows`. The querysets a list hands
it keep the reader's visibility (``visible_to``), so a search tells nothing of what the
reader may not see.
"""

from __future__ import annotations

import re

import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.migrations.operations.base import Operation
from django.db.models import BooleanField, Expression, F, Model, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from tracker.core.filters import contains_text

DOCUMENT_COLUMN = "search_document"
# The configurations each document is read with, and each query parsed with.
CONFIGURATIONS = ("english", "simple")
# Longer search text is cut; the filter form refuses it beside the field first.
MAX_QUERY = 200
MAX_WORDS = 10
MAX_WORD = 60

# A word: anything between spaces, without what would end or escape a quoted tsquery word.
_WORD = re.compile(r"[^\s'\\\x00]+")


def search_words(value: str) -> list[str]:
    """The words of a search text, capped in number and length."""
    return [word[:MAX_WORD] for word in _WORD.findall(value[:MAX_QUERY])[:MAX_WORDS]]


def full_text() -> bool:
    return connection.vendor == "postgresql"


def tsquery(words: list[str]) -> SearchQuery:
    """Every word, or a word it begins, in either configuration.

    Each word is quoted, so its characters are text for the configuration's parser, never
    tsquery operators; a word the parser finds nothing in (punctuation, an English stop
    word) drops out of that configuration's query.
    """
    raw = " & ".join(f"'{word}':*" for word in words)
    english, simple = (
        SearchQuery(raw, config=config, search_type="raw") for config in CONFIGURATIONS
    )
    return english | simple


class DocumentMatches(Expression):
    """``<row's table>.<document> @@ <query>`` (PostgreSQL only).

    The document column is no model field (SQLite has none), so it is named beside the
    row's primary key: the key's column carries the table alias Django gives the table in
    this query, a join or a subquery.
    """

    conditional = True
    output_field = BooleanField()

    def __init__(self, query: SearchQuery, document: str = DOCUMENT_COLUMN):
        super().__init__(output_field=BooleanField())
        self.row = F("pk")
        self.query = query
        self.document = document

    def get_source_expressions(self):
        return [self.row, self.query]

    def set_source_expressions(self, exprs):
        self.row, self.query = exprs

    def as_sql(self, compiler, connection):
        query_sql, params = compiler.compile(self.query)
        table = compiler.quote_name(self.row.alias)
        return f"{table}.{connection.ops.quote_name(self.document)} @@ ({query_sql})", params


def text_search(model: type[Model], value: str, document: str = DOCUMENT_COLUMN) -> Q:
    """Rows of `model` whose `document` (its fields: ``model.search_documents``) holds
    every word of `value`.

    A text without a word (only quotes or spaces) matches no row.
    """
    fields = model.search_documents[document]
    words = search_words(value)
    if not words:
        return Q(pk__in=[])
    if full_text():
        return Q(DocumentMatches(tsquery(words), document))
    matches = Q()
    for word in words:
        matches &= contains_text(fields, word)
    return matches


class AnyOf(Expression):
    """``<column> = ANY(ARRAY(<subquery>))`` (PostgreSQL): unlike ``IN (<subquery>)``, the
    database can read it from the column's index, and join that read with the document's
    GIN index in one bitmap (a BitmapOr) instead of testing every row of the list."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, column: str, ids: QuerySet):
        super().__init__(output_field=BooleanField())
        self.column = F(column)
        # Its order would only cost a sort (models have a default ordering).
        self.ids = Subquery(ids.order_by())

    def get_source_expressions(self):
        return [self.column, self.ids]

    def set_source_expressions(self, exprs):
        self.column, self.ids = exprs

    def as_sql(self, compiler, connection):
        column_sql, column_params = compiler.compile(self.column)
        ids_sql, ids_params = compiler.compile(self.ids)  # "(SELECT ...)"
        return f"{column_sql} = ANY(ARRAY{ids_sql})", (*column_params, *ids_params)


def search_rows(
    model: type[Model], value: str, document: str = DOCUMENT_COLUMN, **related: QuerySet
) -> Q:
    """Rows of `model` found by `value` in their own `document`, or in the text of rows they
    refer to or that refer to them: `related` maps a column of `model` to a queryset of the
    values (one column) that column must hold, e.g. ``milestone=<milestones found>``.

    On PostgreSQL every part is read from an index and the parts are joined in one bitmap
    (`AnyOf`); docs/performance.md gives the figures against ``IN`` and ``UNION``.
    """
    matches = text_search(model, value, document)
    for column, ids in related.items():
        matches |= Q(AnyOf(column, ids)) if full_text() else Q(**{f"{column}__in": ids})
    return matches


def document_sql(fields: tuple[str, ...], quote_name) -> str:
    """The generated column's expression: the fields' text read in each configuration."""
    text = " || ' ' || ".join(f"coalesce({quote_name(field)}, '')" for field in fields)
    return " || ".join(f"to_tsvector('{config}'::regconfig, {text})" for config in CONFIGURATIONS)


class AddSearchDocument(Operation):
    """Add a document column (``search_document`` unless `name` says) and its GIN index to a
    table, on PostgreSQL only.

    The column is generated by the database from `fields` (columns of the table), so every
    write keeps it current without the application's help. On other databases the
    operation does nothing: their search reads the fields themselves. The model's state is
    unchanged (the column is no model field).
    """

    reversible = True
    reduces_to_sql = False

    def __init__(self, model_name: str, fields: tuple[str, ...], name: str = DOCUMENT_COLUMN):
        self.model_name = model_name
        self.fields = tuple(fields)
        self.name = name

    def deconstruct(self):
        kwargs = {"model_name": self.model_name, "fields": self.fields}
        if self.name != DOCUMENT_COLUMN:
            kwargs["name"] = self.name
        return (self.__class__.__qualname__, [], kwargs)

    def state_forwards(self, app_label, state):
        pass

    def _table(self, app_label, state) -> str:
        return state.apps.get_model(app_label, self.model_name)._meta.db_table

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        quote = schema_editor.quote_name
        table = self._table(app_label, to_state)
        schema_editor.execute(
            f"ALTER TABLE {quote(table)} ADD COLUMN {quote(self.name)} tsvector "
            f"GENERATED ALWAYS AS ({document_sql(self.fields, quote)}) STORED"
        )
        schema_editor.execute(
            f"CREATE INDEX {quote(f'{table}_{self.name}')} ON {quote(table)} "
            f"USING gin ({quote(self.name)})"
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        quote = schema_editor.quote_name
        table = self._table(app_label, from_state)
        # Dropping the column drops its index.
        schema_editor.execute(f"ALTER TABLE {quote(table)} DROP COLUMN {quote(self.name)}")

    def describe(self):
        return f"Add the search document {self.name} to {self.model_name} (PostgreSQL only)"

    @property
    def migration_name_fragment(self):
        return f"{self.model_name.lower()}_{self.name}"


def search_filter(placeholder=None) -> django_filters.CharFilter:
    """A list's ``q``: its FilterSet's ``search(queryset, name, value)`` method applies it.

    Text longer than `MAX_QUERY` is refused beside the field (the list is then unfiltered,
    as for any filter with an invalid value), and the browser stops typing there.
    """
    attrs = {"placeholder": placeholder} if placeholder else {}
    return django_filters.CharFilter(
        label=_("Search"),
        method="search",
        max_length=MAX_QUERY,
        widget=forms.SearchInput(attrs=attrs),
    )


class RemoveSearchDocument(AddSearchDocument):
    """The reverse of `AddSearchDocument` (same arguments). A document's fields change by
    removing it with the old fields and adding it with the new: PostgreSQL cannot alter a
    generated column's expression."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        super().database_backwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        super().database_forwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return f"Remove the search document {self.name} from {self.model_name} (PostgreSQL only)"

    @property
    def migration_name_fragment(self):
        return f"remove_{self.model_name.lower()}_{self.name}"
