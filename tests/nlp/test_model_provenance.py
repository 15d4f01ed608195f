"""Suggestions of a pipeline folder (a model you trained) record which model made them, and the
export writes it as the span's source; an installed package's suggestions stay plain ``model``."""

from __future__ import annotations

import json

from annotator.core.model import Source, State
from annotator.nlp.pipeline import load_pipeline
from annotator.nlp.preannotate import preannotate
from annotator.transfer.exporting import export_jsonl


def test_a_model_folder_is_recorded_and_exported_as_the_source(tmp_path, seeded, pipeline):
    seeded, _ids = seeded
    folder = tmp_path / "my model"
    pipeline.nlp.to_disk(folder)  # a pipeline folder, as annotator train leaves one
    summary = preannotate(seeded, load_pipeline(folder), status=None)
    assert summary.stored > 10
    spans = [s for doc_id in seeded.document_ids() for s in seeded.spans(doc_id)]
    assert {(s.source, s.state, s.provenance) for s in spans} == {(Source.MODEL, State.SUGGESTED, str(folder.resolve()))}
    export_jsonl(seeded, tmp_path / "out.jsonl", include_suggestions=True)
    records = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {span["source"] for record in records for span in record["spans"]} == {str(folder.resolve())}


def test_an_installed_package_writes_model(seeded, pipeline):
    seeded, _ids = seeded
    preannotate(seeded, pipeline, status=None)
    spans = [s for doc_id in seeded.document_ids() for s in seeded.spans(doc_id)]
    assert spans and {s.provenance for s in spans} == {""}
