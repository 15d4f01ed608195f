"""Whose spans other tools' files hold, in the shapes those tools write (issue 12).

- Prodigy ``db-out``: one record per answer; a session opened as ``/?session=alice`` on the
  dataset ``ner_news`` is ``"ner_news-alice"`` in ``_annotator_id`` and ``_session_id``
  (Prodigy's README, "Multi-user sessions"; published files hold e.g. "handover_db-user1"); an
  unnamed session is the time it started, ``"2024-02-06_10-17-19"``.
- doccano (1.5+) exports a project whose members annotate apart as a zip of one file per member,
  named after them (``admin.jsonl``, ``alice.jsonl``; backend/data_export/celery_tasks.py), records
  ``{"id", "text", "label": [[start, end, "LABEL"]], "Comments": []}`` naming no user.
- brat: one folder of ``.txt`` / ``.ann`` pairs per annotator.
"""

from __future__ import annotations

from format_helpers import jsonl, write

from annotator.core.model import State
from annotator.store import Store
from annotator.transfer.importing import import_paths

TEXT = "Trump said on Monday he will meet with Putin on the sidelines of the G-20 summit."
TRUMP, PUTIN, G20 = (0, 5), (39, 44), (69, 73)


def span(where, label):
    return {"start": where[0], "end": where[1], "label": label, "text": TEXT[where[0]:where[1]]}


def answer(spans, annotator_id, session_id=None):
    return {"text": TEXT, "_input_hash": -1402537870, "_task_hash": 1290472953, "spans": spans, "_view_id": "ner_manual",
            "answer": "accept", "_timestamp": 1686123456, "_annotator_id": annotator_id, "_session_id": session_id or annotator_id}


def layers(store):
    """annotator -> [(start, end, label)] of every layer with spans."""
    names = store.layers_with_spans()
    found = {name: [] for name in names}
    for _, by_layer in store.iter_layers(names, states=tuple(State)):
        for name, spans in by_layer.items():
            found[name] += [(s.start, s.end, s.label) for s in spans]
    return found


def test_prodigy_sessions_name_annotators_and_an_unnamed_session_names_no_one(tmp_path):
    src = jsonl(
        tmp_path / "ner_news.jsonl",
        answer([span(TRUMP, "PERSON")], "ner_news-alice"),
        answer([span(TRUMP, "PERSON"), span(PUTIN, "PERSON")], "ner_news-jean-paul"),  # the dataset is the file's name
        answer([span(G20, "EVENT")], "2024-02-06_10-17-19"),  # an unnamed session: the importer's layer
    )
    with Store(tmp_path / "a.db", annotator="carol") as store:
        report = import_paths(store, [src])
        assert layers(store) == {"alice": [(*TRUMP, "PERSON")], "carol": [(*G20, "EVENT")], "jean-paul": [(*TRUMP, "PERSON"), (*PUTIN, "PERSON")]}
    assert report.annotators_created == ["alice", "jean-paul"]
    assert "new annotators: alice, jean-paul" in report.summary()


def test_prodigy_ids_in_a_renamed_file_and_a_bare_annotator_id(tmp_path):
    src = jsonl(
        tmp_path / "export-2024.jsonl",
        answer([span(TRUMP, "PERSON")], "ner_news-alice"),  # the file does not name the dataset: cut at the last "-"
        answer([span(PUTIN, "PERSON")], "Bob", "ner-news-Bob"),  # the bare name, which the session ends with
    )
    with Store(tmp_path / "a.db", annotator="carol") as store:
        import_paths(store, [src])
        assert layers(store) == {"alice": [(*TRUMP, "PERSON")], "Bob": [(*PUTIN, "PERSON")]}


def test_a_record_whose_spans_name_several_annotators_fills_several_layers(tmp_path):
    record = {"text": TEXT, "spans": [{**span(TRUMP, "PERSON"), "annotator": "alice"}, {**span(TRUMP, "PERSON"), "annotator": " Bob "},
                                      span(G20, "EVENT")], "meta": {"annotator": "alice", "status": "done"}}
    with Store(tmp_path / "a.db", annotator="carol") as store:
        import_paths(store, [jsonl(tmp_path / "in.jsonl", record)])
        assert layers(store) == {"alice": [(*TRUMP, "PERSON"), (*G20, "EVENT")], "Bob": [(*TRUMP, "PERSON")]}
        assert store.layer_statuses() == {1: {"alice": "done"}}  # the record's status is the annotator it names


def test_doccano_per_user_files_name_their_annotator_with_the_option(tmp_path):
    folder = tmp_path / "doccano-export"  # the zip doccano gives, unpacked
    jsonl(folder / "admin.jsonl", {"id": 7, "text": TEXT, "label": [[0, 5, "PERSON"]], "Comments": []})
    jsonl(folder / "alice.jsonl", {"id": 7, "text": TEXT, "label": [[0, 5, "PERSON"], [39, 44, "PERSON"]], "Comments": []})
    with Store(tmp_path / "a.db", annotator="carol") as store:
        report = import_paths(store, [folder], annotator_per_file=True)
        assert layers(store) == {"admin": [(*TRUMP, "PERSON")], "alice": [(*TRUMP, "PERSON"), (*PUTIN, "PERSON")]}
    assert report.annotators_created == ["admin", "alice"]
    with Store(tmp_path / "b.db", annotator="carol") as store:  # without the option: the importer's layer
        import_paths(store, [folder])
        assert layers(store) == {"carol": [(*TRUMP, "PERSON"), (*PUTIN, "PERSON")]}


def test_doccano_1x_user_on_each_annotation_wins_over_the_file_name(tmp_path):
    src = jsonl(tmp_path / "alice.jsonl", {"id": 15, "text": TEXT, "annotations": [
        {"label": "PERSON", "start_offset": 0, "end_offset": 5, "user": "dave"},
        {"label": "PERSON", "start_offset": 39, "end_offset": 44}]})
    with Store(tmp_path / "a.db", annotator="carol") as store:
        import_paths(store, [src], annotator_per_file=True)
        assert layers(store) == {"alice": [(*PUTIN, "PERSON")], "dave": [(*TRUMP, "PERSON")]}


def test_brat_folder_per_annotator(tmp_path):
    root = tmp_path / "corpus"
    for name, ann in (("alice", "T1\tPERSON 0 5\tTrump\n"), ("bob", "T1\tPERSON 0 5\tTrump\nT2\tEVENT 69 73\tG-20\n")):
        write(root / name / "PMID-1.txt", TEXT)
        write(root / name / "PMID-1.ann", ann)
    write(root / "PMID-2.txt", "Putin spoke.")  # directly in the named folder: that folder's name
    write(root / "PMID-2.ann", "T1\tPERSON 0 5\tPutin\n")
    with Store(tmp_path / "a.db", annotator="carol") as store:
        report = import_paths(store, [root], annotator_per_folder=True)
        assert layers(store) == {"alice": [(*TRUMP, "PERSON")], "bob": [(*TRUMP, "PERSON"), (*G20, "EVENT")], "corpus": [(0, 5, "PERSON")]}
    assert report.added == 2 and report.merged == 1
    with Store(tmp_path / "b.db", annotator="carol") as store:
        import_paths(store, [root / "bob" / "PMID-1.ann"], annotator_per_folder=True)  # a file named itself: its folder
        assert list(layers(store)) == ["bob"]
