"""The steps of a merge, as SQL on one connection with OTHER attached as ``other`` (store.merge).

Mapping tables in ``temp`` turn their ids and names into ours (``d``: documents, ``l``:
labels, ``a``: annotators); every span and status of theirs is then either copied, already
here alike, or here with another state or note (a conflict, ours kept): counted, never dropped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from annotator.core.annotators import DEFAULT_ANNOTATOR, annotator_key, canonical_annotator
from annotator.store.database import DatabaseError
from annotator.store.merge_relations import merge_relation_labels, merge_relations

_TEMP = (
    "CREATE TEMP TABLE merge_documents (theirs INTEGER PRIMARY KEY, ours INTEGER NOT NULL, new INTEGER NOT NULL)",
    "CREATE TEMP TABLE merge_labels (theirs INTEGER PRIMARY KEY, ours INTEGER NOT NULL)",
    "CREATE TEMP TABLE merge_annotators (theirs TEXT PRIMARY KEY, ours TEXT NOT NULL)",
)
_MAPPED = """JOIN temp.merge_documents d ON d.theirs = x.document_id
    JOIN temp.merge_annotators a ON a.theirs = x.annotator"""
# Their span x, and ours at the same place in the same layer (m).
_SPANS = f"""FROM other.spans x {_MAPPED}
    JOIN temp.merge_labels l ON l.theirs = x.label_id"""
_SAME_SPAN = 'm.document_id = d.ours AND m.annotator = a.ours AND m.start = x.start AND m."end" = x."end" AND m.label_id = l.ours'
_STATES = f"FROM other.document_states x {_MAPPED}"
_SAME_STATE = "m.document_id = d.ours AND m.annotator = a.ours"
CONFLICTS_SHOWN = 1000  # conflicts described one by one in the report; the counts cover them all


@dataclass(frozen=True, slots=True)
class MergeConflict:
    """Something both databases hold differently; ours was kept."""

    kind: str  # "span", "status", "label" or "relation"
    document_id: int | None  # ours
    annotator: str
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass
class MergeReport:
    source: str
    documents_added: int = 0
    documents_matched: int = 0
    spans_added: int = 0
    spans_present: int = 0  # the same span was here with the same state and note
    spans_conflicting: int = 0  # the same span was here with another state or note: ours kept
    states_added: int = 0  # an annotator's status and note of a document
    states_present: int = 0
    states_conflicting: int = 0
    annotators_added: list[str] = field(default_factory=list)
    annotators_matched: dict[str, str] = field(default_factory=dict)  # their spelling -> ours, where they differ
    labels_added: list[str] = field(default_factory=list)
    relations_added: int = 0
    relations_present: int = 0  # here already (the same ends, label and layer), with the same state and note
    relations_conflicting: int = 0  # here with another state or note: ours kept
    relation_labels_added: list[str] = field(default_factory=list)
    conflicts: list[MergeConflict] = field(default_factory=list)  # the first CONFLICTS_SHOWN
    warnings: list[str] = field(default_factory=list)
    migrated_from: str | None = None  # OTHER's older schema (merged from a migrated copy)

    @property
    def changed(self) -> bool:
        return bool(self.documents_added or self.spans_added or self.states_added or self.annotators_added or self.labels_added
                    or self.relations_added or self.relation_labels_added)

    def as_json(self) -> dict:
        return {**asdict(self), "changed": self.changed}


class MergeSteps:
    """One merge inside an open write transaction of ``con``."""

    def __init__(self, con: sqlite3.Connection, report: MergeReport, stamp: str, default_as: str | None = None) -> None:
        """``default_as``: the annotator OTHER's layer ``default`` (work from before annotators
        were recorded) comes in as, instead of ours."""
        self.con, self.report, self.stamp = con, report, stamp
        self.default_as = canonical_annotator(default_as) if default_as else None
        self.source = Path(report.source).name  # how messages name OTHER

    def run(self) -> None:
        for sql in _TEMP:
            self.con.execute(sql)
        self._annotators()
        self._labels()
        merge_relation_labels(self)
        self._documents()
        self._spans()
        merge_relations(self, _SPANS, _SAME_SPAN)
        self._states()

    def _one(self, sql: str, *params) -> tuple:
        return self.con.execute(sql, params).fetchone()

    def _annotators(self) -> None:
        ours = dict(self.con.execute("SELECT key, name FROM main.annotators"))
        pairs = []
        for (theirs,) in self.con.execute("SELECT name FROM other.annotators ORDER BY name").fetchall():
            name = self._renamed(theirs)
            key = annotator_key(name)
            if key not in ours:
                ours[key] = canonical_annotator(name)
                self.con.execute("INSERT INTO main.annotators (name, key, created_at) VALUES (?, ?, ?)", (ours[key], key, self.stamp))
                self.report.annotators_added.append(ours[key])
            elif ours[key] != theirs:
                self.report.annotators_matched[theirs] = ours[key]
            pairs.append((theirs, ours[key]))
        self.con.executemany("INSERT INTO temp.merge_annotators VALUES (?, ?)", pairs)

    def _renamed(self, theirs: str) -> str:
        if annotator_key(theirs) != DEFAULT_ANNOTATOR:
            return theirs
        if self.default_as is not None:
            return self.default_as
        if self._used("other", theirs) and self._used("main", DEFAULT_ANNOTATOR):
            self.report.warnings.append(
                f"both databases hold work in the layer {DEFAULT_ANNOTATOR!r} (made before annotators were recorded): "
                f"it was merged into one layer; to keep {self.source}'s apart, merge with --default-as NAME"
            )
        return theirs

    def _used(self, schema: str, name: str) -> bool:
        """The layer holds a span or a status there."""
        return self._one(
            f"SELECT EXISTS (SELECT 1 FROM {schema}.spans WHERE annotator = ?) OR EXISTS (SELECT 1 FROM {schema}.document_states WHERE annotator = ?)",
            name, name,
        )[0] == 1

    def _labels(self) -> None:
        self.merge_labels("labels", (), "label", self.report.labels_added, "merge_labels")

    def merge_labels(self, table: str, extra: tuple[str, ...], what: str, added: list[str], mapping: str,
                     inserted: Callable[[int, int], None] | None = None) -> None:
        """Their labels of ``table`` matched to ours by name into ``temp.<mapping>``; a new one comes
        with its look, ``extra`` columns and hotkey (only if ours is free), ``inserted(ours, theirs)``
        then called; the same name with another colour keeps ours (a conflict)."""
        ours = {name: (label_id, color) for label_id, name, color in self.con.execute(f"SELECT id, name, color FROM main.{table}")}
        taken = {key for (key,) in self.con.execute(f"SELECT hotkey FROM main.{table} WHERE hotkey IS NOT NULL")}
        position = self._one(f"SELECT coalesce(max(position), -1) + 1 FROM main.{table}")[0]
        columns = ("name", "color", "hotkey", "description", *extra, "position")
        insert = f"INSERT INTO main.{table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        pairs = []
        for theirs, name, color, hotkey, *rest in self.con.execute(f"SELECT id, {', '.join(columns[:-1])} FROM other.{table} ORDER BY position, id").fetchall():
            if name in ours:
                if ours[name][1] != color:
                    self._conflict("label", None, "", f"{what} {name}: colour {ours[name][1]} here, {color} in {self.source}; ours kept")
            else:
                hotkey = None if hotkey in taken else hotkey
                taken.add(hotkey)
                label_id = self.con.execute(insert, (name, color, hotkey, *rest, position)).lastrowid
                if inserted is not None:
                    inserted(label_id, theirs)
                ours[name] = (label_id, color)
                position += 1
                added.append(name)
            pairs.append((theirs, ours[name][0]))
        self.con.executemany(f"INSERT INTO temp.{mapping} VALUES (?, ?)", pairs)

    def _documents(self) -> None:
        """Theirs matched to ours by content hash; the others added after our last id, in their order."""
        self.report.documents_matched = self.con.execute(
            "INSERT INTO temp.merge_documents SELECT o.id, m.id, 0 FROM other.documents o JOIN main.documents m ON m.content_hash = o.content_hash"
        ).rowcount
        base = self._one("SELECT coalesce(max(id), 0) FROM main.documents")[0]
        self.con.execute(
            "INSERT INTO temp.merge_documents SELECT o.id, ? + row_number() OVER (ORDER BY o.id), 1 FROM other.documents o "
            "WHERE o.id NOT IN (SELECT theirs FROM temp.merge_documents)",
            (base,),
        )
        self.report.documents_added = self.con.execute(
            "INSERT INTO main.documents (id, title, text, text_length, source_path, copies_indexed, content_hash, meta, created_at, updated_at) "
            "SELECT d.ours, o.title, o.text, o.text_length, o.source_path, 0, o.content_hash, o.meta, o.created_at, o.updated_at "
            "FROM temp.merge_documents d JOIN other.documents o ON o.id = d.theirs WHERE d.new = 1 ORDER BY d.ours"
        ).rowcount

    def _spans(self) -> None:
        total = self._one(f"SELECT count(*) {_SPANS}")[0]
        present, differing = self._one(
            f"SELECT count(*), coalesce(sum(m.state IS NOT x.state OR m.note IS NOT x.note), 0) {_SPANS} JOIN main.spans m ON {_SAME_SPAN} WHERE d.new = 0"
        )
        if differing:
            self._span_conflicts()
        self.report.spans_added = self.con.execute(
            'INSERT INTO main.spans (document_id, start, "end", label_id, source, state, note, annotator, provenance, created_at, updated_at) '
            'SELECT d.ours, x.start, x."end", l.ours, x.source, x.state, x.note, a.ours, x.provenance, x.created_at, x.updated_at '
            f"{_SPANS} WHERE d.new = 1 OR NOT EXISTS (SELECT 1 FROM main.spans m WHERE {_SAME_SPAN})"
        ).rowcount
        self.report.spans_present, self.report.spans_conflicting = present - differing, differing
        self._all_mapped("spans", total)

    def _span_conflicts(self) -> None:
        rows = self.con.execute(
            'SELECT d.ours, a.ours, l.ours, x.start, x."end", substr(t.text, x.start + 1, x."end" - x.start), m.state, x.state, m.note, x.note '
            f"{_SPANS} JOIN main.spans m ON {_SAME_SPAN} JOIN main.documents t ON t.id = d.ours "
            f"WHERE d.new = 0 AND (m.state IS NOT x.state OR m.note IS NOT x.note) ORDER BY d.ours, x.start, x.\"end\" LIMIT {CONFLICTS_SHOWN}"
        ).fetchall()
        names = dict(self.con.execute("SELECT id, name FROM main.labels"))
        for doc_id, who, label_id, start, end, text, state, their_state, note, their_note in rows:
            what = _differences(("state", state, their_state), ("note", note, their_note), self.source)
            self._conflict("span", doc_id, who, f"document {doc_id}: {who}'s {names[label_id]} span {start}-{end} {text[:40]!r}: {what}")

    def _states(self) -> None:
        total = self._one(f"SELECT count(*) {_STATES}")[0]
        present, differing = self._one(
            f"SELECT count(*), coalesce(sum(m.status IS NOT x.status OR m.note IS NOT x.note), 0) {_STATES} "
            f"JOIN main.document_states m ON {_SAME_STATE} WHERE d.new = 0"
        )
        if differing:
            rows = self.con.execute(
                f"SELECT d.ours, a.ours, m.status, x.status, m.note, x.note {_STATES} JOIN main.document_states m ON {_SAME_STATE} "
                f"WHERE d.new = 0 AND (m.status IS NOT x.status OR m.note IS NOT x.note) ORDER BY d.ours, a.ours LIMIT {CONFLICTS_SHOWN}"
            ).fetchall()
            for doc_id, who, status, their_status, note, their_note in rows:
                what = _differences(("status", status, their_status), ("note", note, their_note), self.source)
                self._conflict("status", doc_id, who, f"document {doc_id}: {who}'s {what}")
        self.report.states_added = self.con.execute(
            "INSERT INTO main.document_states (document_id, annotator, status, note, updated_at) "
            f"SELECT d.ours, a.ours, x.status, x.note, x.updated_at {_STATES} "
            f"WHERE d.new = 1 OR NOT EXISTS (SELECT 1 FROM main.document_states m WHERE {_SAME_STATE})"
        ).rowcount
        self.report.states_present, self.report.states_conflicting = present - differing, differing
        self._all_mapped("document_states", total)

    def _all_mapped(self, table: str, mapped: int) -> None:
        """Every row of theirs went through the mapping (an orphan row would be lost silently)."""
        rows = self._one(f"SELECT count(*) FROM other.{table}")[0]
        if rows != mapped:
            raise DatabaseError(
                f"{self.report.source}: {rows - mapped} row(s) of its {table} name a document, label or annotator it does not hold; nothing was merged"
            )

    conflicts_shown = CONFLICTS_SHOWN

    def differences(self, first: tuple[str, object, object], note: tuple[str, object, object]) -> str:
        """What differs between ours and theirs, for a conflict's message (see _differences)."""
        return _differences(first, note, self.source)

    def _conflict(self, kind: str, doc_id: int | None, who: str, message: str) -> None:
        if len(self.report.conflicts) < CONFLICTS_SHOWN:
            self.report.conflicts.append(MergeConflict(kind, doc_id, who, message))


def _differences(first: tuple[str, object, object], note: tuple[str, object, object], source: str) -> str:
    """"state accepted here, rejected in OTHER; note ... ; ours kept" (the fields that differ)."""
    parts = [f"{name} {ours!r} here, {theirs!r} in {source}" for name, ours, theirs in (first, note) if ours != theirs]
    return "; ".join(parts) + "; ours kept"
