"""The one place for SQL that only SQLite or only PostgreSQL speaks.

Store code and migrations ask here instead of writing engine-specific SQL themselves, so the
same code runs on both engines. Each function takes a ``bind`` (an Engine, a Connection, a
Session or a dialect name) and answers for its engine.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

import orjson

from sqlalchemy import LargeBinary, case, cast, func, literal
from sqlalchemy.dialects import postgresql, sqlite

SQLITE, POSTGRES = "sqlite", "postgresql"
# The key of the advisory lock every migration of a PostgreSQL database takes ("annotatr").
MIGRATION_LOCK = 0x616E6E6F74617472


def name(bind) -> str:
    if isinstance(bind, str):
        return bind
    if hasattr(bind, "get_bind"):  # a Session
        bind = bind.get_bind()
    return bind.dialect.name


def is_postgres(bind) -> bool:
    return name(bind) == POSTGRES


# -- writing rows ------------------------------------------------------------------

def insert(table, bind):
    """An INSERT that knows ON CONFLICT (``.on_conflict_do_nothing()``, ``.on_conflict_do_update()``)."""
    return (postgresql if is_postgres(bind) else sqlite).insert(table)


def insert_or_ignore(table, bind):
    """INSERT that skips rows breaking a unique rule (SQLite's INSERT OR IGNORE)."""
    return insert(table, bind).on_conflict_do_nothing()


def upsert(table, bind, keys: list[str], values: dict):
    """INSERT ``values``, or update the row with the same ``keys`` to them (not SQLite's OR
    REPLACE, which deletes and re-inserts: cascades would fire on PostgreSQL's foreign keys)."""
    statement = insert(table, bind).values(values)
    return statement.on_conflict_do_update(index_elements=keys, set_={k: v for k, v in values.items() if k not in keys})


def driver_sql(sql: str, bind) -> str:
    """Driver-level SQL written with ``?`` placeholders (sqlite3) in psycopg's ``%s`` style."""
    return sql.replace("%", "%%").replace("?", "%s") if is_postgres(bind) else sql


@contextmanager
def lock_ids(conn, table: str) -> Iterator[None]:
    """Around writers that give new rows ids themselves (max + 1): on PostgreSQL one such writer
    per table at a time, and the table's sequence moved past the ids written, so rows inserted
    with the default id never take one of them. SQLite serializes writers and has no sequence."""
    take_ids(conn, table)
    yield
    sync_ids(conn, table)


def take_ids(conn, table: str) -> None:
    """lock_ids' start, for a writer whose work spans several calls: until the transaction ends."""
    if is_postgres(conn):
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock(hashtext('annotator.ids.{table}'))")


def sync_ids(conn, table: str) -> None:
    """lock_ids' end: the table's sequence past its largest id (nothing on SQLite)."""
    if is_postgres(conn):
        conn.exec_driver_sql(
            f"SELECT setval(seq, greatest((SELECT max(id) FROM {table}), coalesce(pg_sequence_last_value(CAST(seq AS regclass)), 0), 1)) "
            f"FROM pg_get_serial_sequence('{table}', 'id') AS seq"
        )


def with_first(first: str, then: str) -> str:
    """PostgreSQL: ``first`` and ``then`` as one statement (one round trip), ``first`` in a WITH;
    ``then`` does not see what ``first`` changed."""
    return f"WITH first AS ({first}) {then}"


# -- reading -----------------------------------------------------------------------

def text_contains(column, phrase, bind):
    """Case-sensitive substring test on the database side (SQLite instr, PostgreSQL strpos)."""
    return (func.strpos if is_postgres(bind) else func.instr)(column, phrase) > 0


def text_contains_loosely(column, needle: str, bind):
    """The document list's filter: SQLite's LIKE ignores ASCII case; ILIKE does so on PostgreSQL."""
    if is_postgres(bind):
        return column.icontains(needle, autoescape=True)
    return column.contains(needle, autoescape=True)


def json_values(placeholder: str, engine: str, kind: str = "int") -> str:
    """A subquery of the values (column ``value``) of a JSON array bound at ``placeholder``
    (``:name`` or ``?``): one parameter however many values (SQLite caps their number)."""
    if engine == POSTGRES:
        return (f"SELECT CAST(value AS {'bigint' if kind == 'int' else 'text'}) AS value "
                f"FROM json_array_elements_text(CAST({placeholder} AS json)) AS j(value)")
    return f"SELECT value FROM json_each({placeholder})"


def json_table(spec: str, engine: str) -> str:
    """A FROM item over a JSON array of integer arrays: ``spec`` is "PLACEHOLDER ALIAS COLUMN...";
    it gives ``ALIAS.key`` (the position) and one integer column per name (element 0, 1, ...)."""
    placeholder, alias, *columns = spec.split()
    if engine == POSTGRES:
        picked = ", ".join(f"CAST(value ->> {i} AS bigint) AS {c}" for i, c in enumerate(columns))
        return f"(SELECT ord - 1 AS key, {picked} FROM json_array_elements(CAST({placeholder} AS json)) WITH ORDINALITY AS t(value, ord)) AS {alias}"
    picked = ", ".join(f"json_extract(value, '$[{i}]') AS {c}" for i, c in enumerate(columns))
    return f"(SELECT key, {picked} FROM json_each({placeholder})) AS {alias}"


def join_first(spec: str, engine: str) -> str:
    """A join onto the row of smallest id among those whose ``COLUMN`` equals ``VALUE``:
    ``spec`` is "ALIAS TABLE COLUMN VALUE"; rows without a match are dropped. SQLite answers
    ``ORDER BY id LIMIT 1`` through the column's index (its entries end with the rowid).
    PostgreSQL may walk the primary key for it instead, filtering, when its statistics lag behind
    a big import in progress: every value not stored yet then reads the whole table (an import
    of 1,000 articles spent 240 of its 290 s there). min() in a GROUP BY can only be answered
    through the column's index; it reads every row of the value, so a sentence stored thousands
    of times costs that many (an index on (column, id) would make it one probe)."""
    alias, table, column, value = spec.split()
    if engine == POSTGRES:
        return (f"CROSS JOIN LATERAL (SELECT min(id) AS id FROM {table} WHERE {column} = {value} GROUP BY {column}) AS {alias}_first "
                f"JOIN {table} AS {alias} ON {alias}.id = {alias}_first.id")
    return f"JOIN {table} AS {alias} ON {alias}.id = (SELECT id FROM {table} WHERE {column} = {value} ORDER BY id LIMIT 1)"


class _Fragment:
    """``{name:argument}`` in a template: the engine's SQL for that idiom (see render)."""

    def __init__(self, make) -> None:
        self.make = make

    def __format__(self, argument: str) -> str:
        return self.make(argument)


def _fragments(engine: str) -> dict[str, _Fragment]:
    pg = engine == POSTGRES
    return {
        "ints": _Fragment(lambda p: json_values(p, engine)),  # {ints::ids} or {ints:?}
        "texts": _Fragment(lambda p: json_values(p, engine, "text")),
        "rows": _Fragment(lambda spec: json_table(spec, engine)),  # {rows::ranges r doc lo hi}
        "join_first": _Fragment(lambda spec: join_first(spec, engine)),  # {join_first:s sentences text_hash h.value}
        "bytes": _Fragment(lambda e: f"convert_to({e}, 'UTF8')" if pg else f"CAST({e} AS BLOB)"),
        "ids_text": _Fragment(lambda e: f"string_agg(CAST({e} AS text), ',')" if pg else f"group_concat({e})"),
        "indexed_by": _Fragment(lambda index: "" if pg else f"INDEXED BY {index}"),
        "or_ignore": _Fragment(lambda _: "" if pg else "OR IGNORE"),  # INSERT {or_ignore:} INTO ... {on_conflict_ignore:}
        "on_conflict_ignore": _Fragment(lambda _: "ON CONFLICT DO NOTHING" if pg else ""),
        "skip_locked": _Fragment(lambda _: "FOR UPDATE SKIP LOCKED" if pg else ""),  # rows other writers hold are left be
        "write_mark": _Fragment(lambda _: write_mark_sql(engine)),
    }


@lru_cache(maxsize=256)
def _rendered(template: str, engine: str, positional: bool) -> str:
    sql = template.format(**_fragments(engine))
    return driver_sql(sql, engine) if positional else sql


def render(template: str, bind) -> str:
    """A template with ``{fragment:argument}`` idioms (``ints``, ``texts``, ``rows``, ``join_first``, ``bytes``,
    ``ids_text``, ``indexed_by``, ``or_ignore``, ``on_conflict_ignore``, ``skip_locked``, ``write_mark``) as
    the engine's SQL, for text() with ``:name`` parameters."""
    return _rendered(template, name(bind), False)


def render_driver(template: str, bind) -> str:
    """The same for exec_driver_sql with ``?`` parameters (psycopg's ``%s`` on PostgreSQL)."""
    return _rendered(template, name(bind), True)


def int_lists_sql(exprs: list[str], bind) -> str:
    """One column per integer expression: its values over a group, in one order for all of them.
    PostgreSQL: int arrays (psycopg reads them in C; a list of json_build_object costs the server
    twice as much); SQLite: JSON arrays as text. int_list reads either."""
    if is_postgres(bind):
        return ", ".join(f"array_agg({e})" for e in exprs)
    return ", ".join(f"json_group_array({e})" for e in exprs)


def int_list(value) -> list[int]:
    """A column of int_lists_sql as a list."""
    return orjson.loads(value) if isinstance(value, str) else value


def as_bytes(column, bind):
    """A text column read as its UTF-8 bytes (a hand-edited SQLite column may hold anything)."""
    return func.convert_to(column, "UTF8") if is_postgres(bind) else cast(column, LargeBinary)


def value_type(column, bind):
    """SQLite's typeof(); PostgreSQL's columns hold their declared type or NULL."""
    if is_postgres(bind):
        return case((column.is_(None), literal("null")), else_=literal("text"))
    return func.typeof(column)


def is_json_object(column, bind):
    """1 when the text column holds a JSON object. PostgreSQL 15 has no json_valid: the app
    is the only writer there (typed columns, no hand edits through a file), so the shape is
    trusted when it opens with a brace."""
    if is_postgres(bind):
        return case((column.is_(None), 0), (func.ltrim(column).startswith("{"), 1), else_=0)
    return case((column == "{}", 1), (func.typeof(column) != "text", 0), (func.json_valid(column) == 0, 0), else_=func.json_type(column) == "object")


def write_token(conn):
    """A value that changes when another connection commits a write (SQLite: data_version;
    PostgreSQL: the snapshot, which changes when any write transaction starts or ends). On
    PostgreSQL our own commits change it too (OWN_WRITES_MOVE_TOKEN): a false "changed" only
    costs the caller a re-check, a missed one would cost correctness."""
    if is_postgres(conn):
        return conn.exec_driver_sql("SELECT CAST(pg_current_snapshot() AS text)").scalar_one()
    return conn.exec_driver_sql("PRAGMA data_version").scalar_one()


def write_mark_sql(bind) -> str:
    """What a change row records of the transaction writing it: PostgreSQL's transaction id (see
    unseen_since_sql); NULL on SQLite, whose writers are serialized (ids commit in order)."""
    return "CAST(CAST(pg_current_xact_id() AS text) AS bigint)" if is_postgres(bind) else "NULL"


def snapshot_sql() -> str:
    """PostgreSQL: the snapshot a statement reads in, as text (a change token)."""
    return "CAST(pg_current_snapshot() AS text)"


def unseen_since_sql(mark: str, placeholder: str) -> str:
    """PostgreSQL: rows whose transaction (column ``mark``, write_mark_sql) was not visible in the
    snapshot bound at ``placeholder`` (snapshot_sql's text), through the index on ``mark``: ids
    older than the snapshot's oldest running transaction were all visible in it."""
    snapshot = f"CAST({placeholder} AS pg_snapshot)"
    return (f"{mark} >= CAST(CAST(pg_snapshot_xmin({snapshot}) AS text) AS bigint) "
            f"AND NOT pg_visible_in_snapshot(CAST(CAST({mark} AS text) AS xid8), {snapshot})")


def own_writes_move_token(bind) -> bool:
    return is_postgres(bind)


@contextmanager
def page_cache(conn, kib: int) -> Iterator[None]:
    """A bigger SQLite page cache for one piece of work, then SQLite's default (~2 MB) again.
    Nothing on PostgreSQL: the server's shared buffers are not the client's to size."""
    if is_postgres(conn):
        yield
        return
    conn.exec_driver_sql(f"PRAGMA cache_size=-{int(kib)}")
    try:
        yield
    finally:
        conn.exec_driver_sql("PRAGMA cache_size=-2000")


# -- schema and migrations ---------------------------------------------------------

def table_names(conn) -> set[str]:
    """The tables of the database (PostgreSQL: of the schemas on the search path)."""
    if is_postgres(conn):
        sql = "SELECT tablename FROM pg_tables WHERE schemaname = ANY (current_schemas(false))"
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'table'"
    return {row[0] for row in conn.exec_driver_sql(sql)}


def lock_for_migration(conn) -> None:
    """PostgreSQL: one migrating connection at a time, until its transaction ends; another
    instance opening the database meanwhile waits here, then finds it migrated. (SQLite: the
    migration's write transaction is the lock.)"""
    if is_postgres(conn):
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")


def foreign_key_problems(conn) -> list:
    """Rows referring to missing rows (SQLite checks them when asked; PostgreSQL always)."""
    return [] if is_postgres(conn) else conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()


def batch_recreate(bind) -> str:
    """How Alembic batch operations alter a table: SQLite by copy and rename (its ALTER
    TABLE cannot drop constraints); PostgreSQL in place (a copy could not drop a table that
    others refer to)."""
    return "auto" if is_postgres(bind) else "always"


def color_check(bind) -> str:
    if is_postgres(bind):
        return "color ~ '^#[0-9a-f]{6}$'"
    return "color GLOB '#[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]'"


def span_end_triggers(bind, *, stored_length: bool = True) -> list[str]:
    """DDL of the rule ``spans.end <= length(documents.text)``, checked on every span insert and
    update. ``stored_length``: read documents.text_length (schema 0002 on) rather than measuring."""
    if is_postgres(bind):
        bound = "text_length" if stored_length else "length(text)"
        return _pg_trigger("trg_spans_end", "spans", "INSERT OR UPDATE",
                           f'NEW."end" > (SELECT {bound} FROM documents WHERE id = NEW.document_id)', "span end beyond document text")
    bound = "text_length FROM documents INDEXED BY ix_documents_length" if stored_length else "length(text) FROM documents"
    return [
        f"""CREATE TRIGGER trg_spans_end_{event} BEFORE {event.upper()} ON spans
    WHEN NEW."end" > (SELECT {bound} WHERE id = NEW.document_id)
    BEGIN SELECT RAISE(ABORT, 'span end beyond document text'); END"""
        for event in ("insert", "update")
    ]


def text_length_triggers(bind) -> list[str]:
    """DDL keeping documents.text_length equal to length(text), in code points on both engines
    (PostgreSQL's length() counts characters in a UTF8 database)."""
    if is_postgres(bind):
        return _pg_trigger("trg_documents_length", "documents", "INSERT OR UPDATE OF text, text_length",
                           "NEW.text_length IS DISTINCT FROM length(NEW.text)", "text_length must equal length(text)")
    mismatch = "WHEN NEW.text_length IS NOT length(NEW.text) BEGIN SELECT RAISE(ABORT, 'text_length must equal length(text)'); END"
    return [
        f"CREATE TRIGGER trg_documents_length_insert BEFORE INSERT ON documents {mismatch}",
        f"CREATE TRIGGER trg_documents_length_update BEFORE UPDATE OF text, text_length ON documents {mismatch}",
    ]


def drop_span_end_triggers(bind) -> list[str]:
    if is_postgres(bind):
        return ["DROP TRIGGER IF EXISTS trg_spans_end ON spans"]
    return [f"DROP TRIGGER IF EXISTS trg_spans_end_{event}" for event in ("insert", "update")]


def drop_text_length_triggers(bind) -> list[str]:
    if is_postgres(bind):
        return ["DROP TRIGGER IF EXISTS trg_documents_length ON documents"]
    return [f"DROP TRIGGER IF EXISTS trg_documents_length_{event}" for event in ("insert", "update")]


def _pg_trigger(trigger: str, table: str, events: str, broken: str, message: str) -> list[str]:
    """A PL/pgSQL row trigger refusing rows where ``broken`` holds, as a check violation
    (SQLSTATE 23514: the driver reports an IntegrityError, as SQLite's RAISE(ABORT) in a trigger)."""
    function = f"{trigger}_check"
    body = f"BEGIN IF {broken} THEN RAISE EXCEPTION '{message}' USING ERRCODE = 'check_violation'; END IF; RETURN NEW; END"
    return [
        f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ {body} $$",
        f"CREATE TRIGGER {trigger} BEFORE {events} ON {table} FOR EACH ROW EXECUTE FUNCTION {function}()",
    ]
