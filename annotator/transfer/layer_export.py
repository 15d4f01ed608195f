"""Which annotators' layers an export writes, and reading several layers at once.

A plain export (no ``--annotator``, no ``--all-annotators``) never mixes layers: with spans of
several annotators in the database it is refused, listing them; with spans of one annotator only
it exports that layer, saying so when it is not the user's own (a database from before
annotators were recorded holds its spans in ``default``, while the user is now "alice").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

from annotator.core.annotators import annotator_key
from annotator.core.model import Document, Span, State, Status
from annotator.core.problems import ExportError
from annotator.formats.brat import RESERVED_NAMES
from annotator.formats.records import Record
from annotator.store.service import Store

ONE_LAYER_FORMATS = ("spacy", "conll")  # a DocBin or a CoNLL file holds one reading of each text
_UNSAFE = re.compile(r'[\\/:*?"<>|]')  # not allowed in a file name on some OS


@dataclass(frozen=True)
class LayerChoice:
    layers: list[str]  # the annotators whose layers are exported (their stored names)
    note: str = ""  # what the user should know about the choice


def choose_layers(store: Store, named: str | None = None, every: bool = False, include_suggestions: bool = False) -> LayerChoice:
    """The layers ``export`` writes: ``named``'s, every layer with something in it, or (neither)
    the one layer holding spans; refused when several do (see the module docstring)."""
    if named is not None and every:
        raise ExportError("--annotator and --all-annotators exclude each other: choose one")
    if named is not None:
        return LayerChoice(store.resolve_annotators([named]))
    layers = store.annotators()
    if every:
        return LayerChoice([layer.name for layer in layers if layer.documents] or [store.annotator])
    with_spans = store.layers_with_spans() if include_suggestions else [layer.name for layer in layers if layer.spans]
    if len(with_spans) > 1:
        raise ExportError(_mixed(store, [layer for layer in layers if layer.name in with_spans]))
    if with_spans and annotator_key(with_spans[0]) != annotator_key(store.annotator):
        only, me = with_spans[0], store.annotator
        return LayerChoice(with_spans, f"exported the layer of {only!r}, the only annotator with spans (their spans and statuses); "
                                       f"you are {me!r}, whose layer has none: --annotator {me!r} exports yours")
    return LayerChoice([store.annotator])


def _mixed(store: Store, layers) -> str:
    listed = ", ".join(f"{layer.name} ({layer.spans:,} accepted span(s))" for layer in layers)
    return (f"{store.location.name} holds the spans of {len(layers)} annotators: {listed}; a plain export would mix them, "
            "so nothing was exported. Export one annotator's layer with --annotator NAME, "
            "or every layer with --all-annotators (each span keeps its annotator)")


@contextmanager
def as_annotator(store: Store, name: str) -> Iterator[None]:
    """Read as ``name`` for a while: a layer's status filter, status, note and copies are its own."""
    previous = store.annotator
    if annotator_key(previous) == annotator_key(name):
        yield
        return
    store.use_annotator(name)
    try:
        yield
    finally:
        store.use_annotator(previous)


def layer_records(
    store: Store,
    layers: list[str],
    *,
    statuses: Iterable[str] | None = None,
    labels: Iterable[str] | None = None,
    states: Iterable[State] = (State.ACCEPTED,),
    documents: Iterable[int] | None = None,
) -> Iterator[Record]:
    """One record per document and annotator who touched it (spans, a status or a note), in
    document order, each Document naming its annotator and holding that layer's relations; a
    document no one touched: one record naming no one. ``statuses``: an annotator's record only
    where their status is one of them."""
    wanted = {Status(status) for status in statuses} if statuses else None
    rows = store.iter_layer_states(layers)
    pending = next(rows, None)
    for doc, spans_of in _layers(store, layers, documents, states, labels):
        held: dict[str, tuple[Status, str]] = {}
        while pending is not None and pending[0] <= doc.id:
            if pending[0] == doc.id:
                held[pending[1]] = (_status(pending[2]), pending[3] or "")
            pending = next(rows, None)
        yield from _records_of(doc, layers, spans_of, held, wanted)


def _layers(store: Store, layers: list[str], documents, states, labels) -> Iterator[tuple[Document, dict[str, list[Span]]]]:
    """Each document with every layer's spans (``[]`` for none), its relations in ``doc.relations``."""
    for doc, spans in store.iter_export(labels=labels, states=states, documents=documents, annotators=layers, relations=True):
        spans_of: dict[str, list[Span]] = {name: [] for name in layers}
        for span in spans:
            spans_of[span.annotator].append(span)
        yield doc, spans_of


def _records_of(doc: Document, layers: list[str], spans_of: dict[str, list[Span]], held: dict, wanted: set | None) -> Iterator[Record]:
    touched = [(name, *held.get(name, (Status.NEW, ""))) for name in layers]
    touched = [(name, status, note) for name, status, note in touched if spans_of[name] or status != Status.NEW or note]
    if not touched:
        if wanted is None or Status.NEW in wanted:
            yield replace(doc, status=Status.NEW, note="", annotator="", meta=dict(doc.meta), relations=[]), []
        return
    for name, status, note in touched:
        if wanted is None or status in wanted:
            relations = [r for r in doc.relations if r.head.annotator == name]
            yield replace(doc, status=status, note=note, annotator=name, meta=dict(doc.meta), relations=relations), spans_of[name]


def _status(value: str) -> Status:
    try:
        return Status(value)
    except ValueError:  # edited by hand into something unknown: no decision
        return Status.NEW


def layer_file_names(layers: Iterable[str]) -> dict[str, str]:
    """Each annotator's file or folder name in a per-annotator export: the name itself where
    every OS allows it, made safe otherwise, unique ignoring case."""
    names, taken = {}, set()
    for layer in layers:
        base = _UNSAFE.sub("_", layer).strip(" .") or "annotator"
        base = f"{base}_" if base.casefold() in RESERVED_NAMES else base
        name, n = base, 2
        while name.casefold() in taken:
            name, n = f"{base}-{n}", n + 1
        taken.add(name.casefold())
        names[layer] = name
    return names
