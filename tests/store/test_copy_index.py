"""The copy index in the database: groups of the seeds, incremental growth, merges, bounds."""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import replace
from pathlib import Path

from annotator.core.model import Document
from annotator.core.text import content_hash
from annotator.sentences.normalize import normalize
from annotator.store import Store
from tests.conftest import SEEDS
from tests.sentences.test_similarity import lcs

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
HEADLINE = "Russian Federation tells Pompeo: Enough mistrust, let's reboot our ties"
WASHINGTON = "Washington previous year pulled out of a nuclear deal backed by Europe"
TRUMP = "Trump said on Monday"


def add(store: Store, *texts: str) -> list[int]:
    docs = [(Document(None, f"doc {i}", t, content_hash=content_hash(t)), []) for i, t in enumerate(texts)]
    return store.add_documents(docs).added


def rows(store: Store, sql: str) -> list[tuple]:
    """A query of the test's own, on either engine."""
    with store.engine.connect() as con:
        return [tuple(row) for row in con.exec_driver_sql(sql)]


def seeds() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]


def groups_by_text(store: Store, **kw) -> dict[str, object]:
    return {g.sentences[0].text[:20]: g for g in store.copy_groups(**kw)}


def test_the_seeds_share_an_exact_headline_an_exact_sentence_and_a_near_copy(store):
    texts = seeds()
    add(store, *texts)
    groups = groups_by_text(store)
    assert set(groups) == {HEADLINE[:20], WASHINGTON[:20], TRUMP[:20]}
    headline = groups[HEADLINE[:20]]
    assert headline.kind == "exact" and {(x.doc_id, x.text) for x in headline.sentences} == {(1, HEADLINE)}
    assert len(headline.sentences) == 2
    washington = groups[WASHINGTON[:20]]
    assert washington.kind == "exact" and [x.doc_id for x in washington.sentences] == [1, 2]
    near = groups[TRUMP[:20]]
    assert near.kind == "near" and [x.doc_id for x in near.sentences] == [1, 2]
    a, b = (normalize(x.text) for x in near.sentences)
    assert abs(near.sentences[1].similarity - 2 * lcs(a, b) / (len(a) + len(b))) < 1e-9
    for group in groups.values():  # offsets are code points into the stored text
        for x in group.sentences:
            assert texts[x.doc_id - 1][x.start:x.end] == x.text


def test_document_copies_counts_and_components(store):
    add(store, *seeds())
    copies = store.document_copies(2)
    assert [(c.kind, len(c.copies)) for c in copies] == [("exact", 1), ("near", 1)]
    assert all(c.copies[0].doc_id == 1 and c.copies[0].title == "doc 0" for c in copies)
    headline = [c for c in store.document_copies(1) if c.kind == "exact" and c.copies[0].doc_id == 1]
    assert len(headline) == 2  # the repeated headline: each copy lists the other
    assert store.copy_counts() == {1: 4, 2: 2}
    assert store.copy_components() == {1: 1, 2: 1}


def test_a_new_document_joins_existing_groups_without_rebuilding_the_index(store):
    add(store, *seeds())
    before = rows(store, 'SELECT id, document_id, start, "end", text_hash FROM sentences ORDER BY id')
    bands_before = rows(store, "SELECT count(*) FROM sentence_bands")[0][0]
    third = "Local report.\nTrump said on Monday he would meet with Putin on the sidelines of the G-20 summit in Osaka.\n"
    (doc,) = add(store, third)
    after = rows(store, 'SELECT id, document_id, start, "end", text_hash FROM sentences ORDER BY id')
    assert after[: len(before)] == before  # old rows untouched
    assert {row[1] for row in after[len(before):]} == {doc}
    assert rows(store, "SELECT count(*) FROM sentence_bands")[0][0] == bands_before + 16
    near = groups_by_text(store)[TRUMP[:20]]
    assert [x.doc_id for x in near.sentences] == [1, 2, doc]
    assert store.copy_components()[doc] == 1


BASE = "The central bank raised interest rates by half a point on Tuesday morning"
LONGER = BASE + " after a long and tense meeting in the capital."
PREFIXED = "Analysts in London and Paris said that " + BASE + "."
BOTH = "Analysts in London and Paris said that " + BASE + " after a long and tense meeting in the capital."


def test_a_sentence_near_two_groups_merges_them(store):
    add(store, LONGER, LONGER + "\nOther words of a different story go here.", PREFIXED, PREFIXED + "\nA third story about the weather today.")
    assert sorted(len(g.sentences) for g in store.copy_groups()) == [2, 2]  # the two are only 0.64 alike
    (doc,) = add(store, BOTH)
    (group,) = store.copy_groups()
    assert sorted(x.doc_id for x in group.sentences) == [1, 2, 3, 4, doc] and group.kind == "near"
    assert set(store.copy_components().values()) == {1}


def test_documents_sharing_different_sentences_are_one_component(store):
    a = "The central bank raised interest rates by half a point on Tuesday morning."
    b = "Protesters gathered outside the parliament building late on Sunday night."
    add(store, a, b, "Intro words for this one. " + a + " " + b)
    assert len(list(store.copy_groups())) == 2
    assert store.copy_components() == {1: 1, 2: 1, 3: 1}


def test_short_sentences_are_not_indexed_and_repeats_are_found_by_hash(store):
    repeated = "The same sentence is here again. "
    add(store, "Read more.\n" * 50 + repeated * 2000)
    (group,) = store.copy_groups()
    assert group.kind == "exact" and len(group.sentences) == 2000
    assert rows(store, "SELECT count(*) FROM sentences")[0][0] == 2000  # "Read more." has 2 words
    assert rows(store, "SELECT count(*) FROM sentence_bands")[0][0] == 16  # one distinct text
    add(store, repeated * 3)
    assert len(next(store.copy_groups()).sentences) == 2003


def test_hostile_texts_index_with_exact_offsets(store):
    texts = [
        ("word " * 200_000).strip(),  # 1 MB, no punctuation: 1000-character pieces
        "我们今天在北京开会讨论经济。" * 3 + "\n" + "مرحبا بكم في نشرة الأخبار اليوم؟ " * 2,
        "\U0001F468\u200D\U0001F469\u200D\U0001F467 family emoji travel the world again today. " * 2,
        "x",
    ]
    ids = add(store, *texts)
    for group in store.copy_groups():
        for x in group.sentences:
            assert texts[ids.index(x.doc_id)][x.start:x.end] == x.text
    kinds = {g.sentences[0].doc_id: g for g in store.copy_groups()}
    assert {ids[0], ids[1], ids[2]} <= set(kinds)


def test_min_similarity_filters_and_a_rebuild_changes_the_threshold(store):
    add(store, *seeds())
    assert TRUMP[:20] not in groups_by_text(store, min_similarity=0.95)
    assert TRUMP[:20] in groups_by_text(store, min_similarity=0.9)
    store.rebuild_copy_index(replace(store.copy_settings(), threshold=0.95))
    assert store.copy_settings().threshold == 0.95
    assert set(groups_by_text(store)) == {HEADLINE[:20], WASHINGTON[:20]}


def test_an_older_database_is_indexed_once_after_the_upgrade(tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(FIXTURES / "schema_0002_provenance_text_length.db", path)
    with Store(path) as store:
        assert store.pending_copy_index() == 2
        assert list(store.copy_groups()) == []
        assert store.build_copy_index(cancelled=lambda: True) == 0
        seen = []
        assert store.build_copy_index(progress=lambda done, total: seen.append((done, total))) == 2
        assert seen[-1] == (2, 2) and store.pending_copy_index() == 0
        assert len(list(store.copy_groups())) == 3
        assert store.build_copy_index() == 0  # nothing left: never rebuilt


def test_rows_damaged_by_hand_do_not_stop_the_build(tmp_path):
    path = tmp_path / "damaged.db"
    with Store(path) as store:
        add(store, *seeds())
    db = sqlite3.connect(path)
    db.execute("DROP TRIGGER trg_documents_length_update")  # as a hand edit with another tool might
    db.execute("UPDATE documents SET text = CAST(X'fffe41' AS BLOB), copies_indexed = 0 WHERE id = 1")
    db.execute("UPDATE documents SET copies_indexed = 0 WHERE id = 2")
    db.execute("DELETE FROM sentence_bands")
    db.execute("DELETE FROM sentences")
    db.commit()
    with Store(path) as store:
        assert store.build_copy_index() == 2 and store.pending_copy_index() == 0
        assert list(store.copy_groups()) == []  # the damaged text has no sentences, the other no copies


def test_groups_read_in_small_chunks_are_the_same(store, monkeypatch):
    add(store, *seeds(), "Trump said on Monday he will meet with Putin on the sidelines of the G-20 summit.")
    whole = [g.as_json() for g in store.copy_groups()]
    monkeypatch.setattr("annotator.store.copy_reads._CHUNK_ROWS", 1)
    assert [g.as_json() for g in store.copy_groups()] == whole and len(whole) == 3


def test_a_sentence_repeated_thousands_of_times_lists_a_bounded_number_of_copies(store):
    repeated = "The same sentence is here again today. "
    (doc,) = add(store, "Headline of the day for us all\n" + repeated * 3000)
    copies = store.document_copies(doc)
    assert len(copies) == 3000 and {c.count for c in copies} == {2999}
    assert all(len(c.copies) == 50 and all(x.start != c.start for x in c.copies) for c in copies)
    (group,) = store.document_groups(doc)
    assert len(group.sentences) == 3000 and group.kind == "exact"
