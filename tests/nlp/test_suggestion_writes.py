"""Issue 16: suggestions are decided outside any write transaction and written in short ones;
learned matches cost what the text and the matches cost, not their product.

Behaviour, not timing: another connection writes (with no busy wait at all) while the store
decides; the number and size of write transactions; how often a run is tokenized.
"""

from __future__ import annotations

import random
import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.model import Source, Span, State
from annotator.nlp import patterns
from annotator.nlp.patterns import aligned, matches, propagate
from annotator.store import Store
from annotator.store import suggestions as store_suggestions
from annotator.store.suggestion_rules import Intervals, Taken

TEXT = "Vladimir Putin met Mike Pompeo in Sochi. " * 40


def suggestion(start, end, label="PERSON"):
    return Span(start, end, label, Source.MODEL, State.SUGGESTED)


def write_now(path, sql: str, *params) -> None:
    """A write from another connection that does not wait at all: it fails if the lock is held."""
    con = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        con.execute("BEGIN IMMEDIATE")
        con.execute(sql, params)
        con.execute("COMMIT")
    finally:
        con.close()


HUMAN_SPAN = (
    'INSERT INTO spans (document_id, start, "end", label_id, source, state, note, annotator, provenance, created_at, updated_at) '
    "VALUES (?, ?, ?, (SELECT id FROM labels WHERE name = 'PERSON'), 'human', 'accepted', '', 'default', '', 'x', 'x')"
)


def test_another_connection_writes_while_the_store_decides_and_its_span_is_respected(tmp_path, add_texts, monkeypatch):
    with Store(tmp_path / "t.db") as store:
        (doc,) = add_texts(store, [TEXT])
        candidates = [suggestion(k * 41 + 19, k * 41 + 30) for k in range(40)]  # every "Mike Pompeo"
        decide, wrote = Taken.refuse, []

        def deciding(self, start, end, label_id):
            if not wrote:  # the first decision: a human tags the last "Mike Pompeo" right now
                write_now(store.path, HUMAN_SPAN, doc, 39 * 41 + 19, 39 * 41 + 24)
                wrote.append(True)
            return decide(self, start, end, label_id)

        monkeypatch.setattr(Taken, "refuse", deciding)
        result = store.add_suggestions([(doc, candidates)])
    assert wrote  # the write lock was free while the store decided (timeout 0 would have raised)
    assert (result.stored, result.overlaps_decided) == (39, 1)  # the human span is not overridden
    with Store(tmp_path / "t.db") as store:
        spans = store.spans(doc)
    assert (39 * 41 + 19, 39 * 41 + 30) not in {(s.start, s.end) for s in spans if s.state == State.SUGGESTED}


def test_a_span_stored_by_another_window_between_two_writes_is_respected(tmp_path, add_texts, monkeypatch):
    monkeypatch.setattr(store_suggestions, "ROWS_PER_WRITE", 5)
    with Store(tmp_path / "t.db") as store:
        (doc,) = add_texts(store, [TEXT])
        candidates = [suggestion(k * 41 + 19, k * 41 + 30) for k in range(12)]
        check, writes = Store._check_writable, []

        def before_each_write(self):  # between the first and the second write, another window stores spans
            writes.append(True)
            if len(writes) == 2:
                write_now(store.path, HUMAN_SPAN.replace("'human', 'accepted'", "'pattern', 'suggested'"), doc, 11 * 41 + 19, 11 * 41 + 30)
                write_now(store.path, HUMAN_SPAN, doc, 10 * 41 + 24, 10 * 41 + 30)  # "Pompeo" of the 11th, by a human
            return check(self)

        monkeypatch.setattr(Store, "_check_writable", before_each_write)
        result = store.add_suggestions([(doc, candidates)])
    assert len(writes) == 3
    assert (result.stored, result.duplicates, result.overlaps_decided) == (10, 1, 1)


def test_rows_are_written_in_short_transactions(tmp_path, add_texts, monkeypatch):
    from sqlalchemy import event

    monkeypatch.setattr(store_suggestions, "ROWS_PER_WRITE", 10)
    with Store(tmp_path / "t.db") as store:
        (doc,) = add_texts(store, [TEXT])
        statements: list[str] = []
        event.listen(store.engine, "before_cursor_execute", lambda _c, _cur, sql, *_: statements.append(sql))
        result = store.add_suggestions([(doc, [suggestion(k * 41 + 19, k * 41 + 30) for k in range(35)])])
    assert result.stored == 35
    writes = [i for i, sql in enumerate(statements) if sql == "BEGIN IMMEDIATE"]
    assert len(writes) == 4  # 10 + 10 + 10 + 5 rows; nothing else takes the write lock (labels exist)
    first_write = writes[0]
    assert any(sql.startswith("SELECT") and "FROM spans" in sql for sql in statements[:first_write])  # decided before


def test_a_document_deleted_meanwhile_is_counted_invalid(tmp_path, add_texts, monkeypatch):
    with Store(tmp_path / "t.db") as store:
        doc, other = add_texts(store, [TEXT, "Mike Pompeo again."])
        decide, done = Taken.refuse, []

        def deciding(self, start, end, label_id):
            if not done:
                write_now(store.path, "DELETE FROM documents WHERE id = ?", other)
                done.append(True)
            return decide(self, start, end, label_id)

        monkeypatch.setattr(Taken, "refuse", deciding)
        result = store.add_suggestions([(doc, [suggestion(19, 30)]), (other, [suggestion(0, 11)])])
    assert (result.stored, result.invalid, result.documents) == (1, 1, {doc})


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(1, 40)), max_size=30), st.integers(0, 70), st.integers(1, 30), st.booleans())
def test_intervals_overlap_exactly_when_one_does(pairs, start, length, built_at_once):
    items = [(s, s + n) for s, n in pairs]
    if built_at_once:
        intervals = Intervals(items)
    else:
        intervals = Intervals()
        for s, e in items:
            intervals.add(s, e)
    end = start + length
    assert intervals.overlaps(start, end) == any(s < end and e > start for s, e in items)


def test_one_long_human_span_does_not_make_every_check_walk_the_document():
    """The former lookback went as far back as the longest interval: one long span made every
    test visit every interval. The test is one bisection now: count comparisons of items."""
    taken = Taken.of([(0, 1_000_000, 1, "human", "accepted")] + [(k * 10, k * 10 + 3, 1, "human", "accepted") for k in range(1, 20_000)])
    assert not taken.decided.overlaps(1_000_000, 1_000_005)
    assert taken.decided.overlaps(500_001, 500_002)
    assert taken.decided.reach[-1] == 1_000_000


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="aUSdnt.'-,()$%\"😀 \n\t\xa0", max_size=60), st.sampled_from(["a", "U.S.", "a a", "t's", "S.", "d-n", "(a)", "$"]))
def test_matches_agree_with_aligning_each_occurrence_on_its_own(text, phrase):
    expected, start = [], text.find(phrase)
    while start != -1:
        end = start + len(phrase)
        if aligned(text, start, end):
            expected.append((start, end))
            start = text.find(phrase, end)
        else:
            start = text.find(phrase, start + 1)
    assert [(s.start, s.end) for s in matches(text, phrase, "X")] == expected


def test_a_text_without_spaces_is_tokenized_once_however_many_matches_it_holds(monkeypatch):
    text = "Putin-" * 30_000  # 180,000 characters, one run: every match used to tokenize all of it
    calls = []
    of = patterns.Tokens.of

    def counted(piece, *args):
        calls.append(len(piece))
        return of(piece, *args)

    monkeypatch.setattr(patterns.Tokens, "of", staticmethod(counted))
    found = matches(text, "Putin", "PERSON")
    assert len(found) >= 29_999  # spaCy splits at the hyphens: (nearly) every Putin is a token
    assert calls == [len(text)]


def test_propagate_reads_texts_in_batches_and_gives_the_same_result(tmp_path, add_texts, monkeypatch):
    texts = [f"Article {i}: Mike Pompeo met Putin. " * random.Random(i).randint(1, 5) for i in range(30)]
    with Store(tmp_path / "a.db") as whole, Store(tmp_path / "b.db") as batched:
        add_texts(whole, texts)
        add_texts(batched, texts)
        expected = propagate(whole, "PERSON", "Mike Pompeo")
        reads = []
        texts_of = Store.texts

        def counted(self, ids):
            reads.append(len(list(ids)))
            return texts_of(self, ids)

        monkeypatch.setattr(Store, "texts", counted)
        monkeypatch.setattr(store_suggestions, "TEXT_CHARS_PER_READ", 200)
        result = propagate(batched, "PERSON", "Mike Pompeo")
        assert len(reads) > 5 and sum(reads) == 30
        assert (result.stored, result.documents) == (expected.stored, expected.documents)
        key = lambda store: sorted((s.document_id, s.start, s.end) for d in store.document_ids() for s in store.spans(d))  # noqa: E731
        assert key(batched) == key(whole)


def test_a_cancelled_propagation_stops_between_batches_with_what_it_stored(tmp_path, add_texts, monkeypatch):
    monkeypatch.setattr(store_suggestions, "TEXT_CHARS_PER_READ", 50)
    with Store(tmp_path / "a.db") as store:
        ids = add_texts(store, [f"Article {i}: Mike Pompeo met Putin." for i in range(10)])
        batches = []
        result = propagate(store, "PERSON", "Mike Pompeo", cancelled=lambda: len(batches) >= 3 or batches.append(1) is not None)
        stored = {s.id for d in ids for s in store.spans(d)}
    assert 0 < result.stored < 10 and set(result.ids) == stored


@pytest.mark.parametrize("rows", [1, 7, 2_000])
def test_the_same_suggestions_whatever_the_write_size(tmp_path, add_texts, monkeypatch, rows):
    monkeypatch.setattr(store_suggestions, "ROWS_PER_WRITE", rows)
    rng = random.Random(rows)
    with Store(tmp_path / "t.db") as store:
        docs = add_texts(store, [TEXT + str(i) for i in range(3)])
        store.add_span(docs[0], Span(19, 24, "PERSON"))
        items = [(d, [suggestion(s, s + rng.randint(1, 12)) for s in sorted(rng.sample(range(1500), 60))]) for d in docs]
        result = store.add_suggestions(items)
        stored = sorted((s.document_id, s.start, s.end) for d in docs for s in store.spans(d, [State.SUGGESTED]))
    assert result.stored == len(stored)
    assert all(a[0] != b[0] or a[2] <= b[1] for a, b in zip(stored, stored[1:]))  # no two suggestions overlap
    reference = tmp_path / "ref.db"
    monkeypatch.setattr(store_suggestions, "ROWS_PER_WRITE", 10**9)
    with Store(reference) as store:
        docs2 = add_texts(store, [TEXT + str(i) for i in range(3)])
        store.add_span(docs2[0], Span(19, 24, "PERSON"))
        store.add_suggestions([(d2, spans) for d2, (_, spans) in zip(docs2, items)])
        assert sorted((s.document_id, s.start, s.end) for d in docs2 for s in store.spans(d, [State.SUGGESTED])) == stored
