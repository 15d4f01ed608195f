"""CoNLL-2003 style IOB2: ``token<TAB>tag`` per line, a blank line between sentences,
``-DOCSTART-`` (then a blank line) before every document.

Export: tokens from spaCy's English rules, sentences from its rule-based sentencizer and
line breaks (never inside a span). What IOB cannot carry is reported per span and left out:
spans off token boundaries, spans overlapping an earlier one, notes, relations. Text between tokens
(spacing, line breaks) is not kept.
Import: one document per ``-DOCSTART-`` (the whole file without one); the text is the
tokens joined by spaces, one sentence a line, and is marked ``tokenized: conll`` so a
re-export writes the same tokens and sentences. The label scheme travels in ``NAME.labels.json``. Space-separated columns (the original
CoNLL-2003 files) are read too: first column the token, last the tag. IOB1, BIOES and
BILUO tags are understood.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.model import AnnotationError, Label, Span, State
from annotator.core import limits
from annotator.core.text import TextError, document_too_long, iter_lines
from annotator.formats import scheme
from annotator.formats.records import ExportLog, LabelScheme, ReadOptions, Record, build_document, checked_span, describe
from annotator.formats.tokenization import PRETOKENIZED, non_overlapping, placed_on_tokens, spacy_doc
from annotator.formats.atomic import atomic_text_writer
from annotator.core.problems import Problem

NAME = "conll"
DOCSTART = "-DOCSTART-"
_TAG = re.compile(r"^([BIESLU])-(.+)$")


# -- reading ------------------------------------------------------------------


@dataclass
class _Document:
    """Tokens of one document as read: sentences of (token, tag, line number)."""

    sentences: list[list[tuple[str, str, int]]] = field(default_factory=lambda: [[]])
    chars: int = 0  # length of the text the tokens will make, plus one (a separator per token)

    def add(self, token: str, tag: str, number: int) -> None:
        self.sentences[-1].append((token, tag, number))
        self.chars += len(token) + 1

    def end_sentence(self) -> None:
        if self.sentences[-1]:
            self.sentences.append([])

    def __bool__(self) -> bool:
        return any(self.sentences)


def read(path: Path, options: ReadOptions = ReadOptions()) -> Iterator[Record | Problem | LabelScheme]:
    """Streamed: a document is checked and handed on at the next ``-DOCSTART-`` (or the end),
    so memory holds one document's tokens, whatever the file's size."""
    sidecar, known = scheme.sidecar_and_known(path, options.known_labels)
    if sidecar is not None:
        yield sidecar
    name, any_document = str(path), False
    for item in _parse(path, options.encoding):
        if isinstance(item, Problem):
            yield item
        else:
            any_document = True
            yield from _record(item, name, known)
    if not any_document:
        yield Problem(name, "no tokens, skipped", warning=True)


def _parse(path: Path, encoding: str | None) -> Iterator[_Document | Problem]:
    """The documents of the file and a Problem for every bad line, in file order.

    A file that cannot be read on (bad bytes, an overlong line, a document past
    MAX_DOCUMENT_CHARS) ends with a Problem at that line.
    """
    name, current = str(path), _Document()
    try:
        for number, line in _lines(path, encoding):
            columns = line.split("\t") if "\t" in line else line.split()
            if not columns or not line.strip():
                current.end_sentence()
            elif columns[0] == DOCSTART:
                if current:
                    yield current
                current = _Document()
            elif len(columns) < 2 or not columns[0]:
                yield Problem(name, "expected 'token<TAB>tag'", number)
            elif " " in columns[0]:
                yield Problem(name, f"token {columns[0]!r} contains a space", number)
            elif columns[-1] != "O" and not _TAG.match(columns[-1]):
                yield Problem(name, f"tag {columns[-1]!r} is not O, B-, I-, E-, S-, L- or U- with a label", number)
            else:
                current.add(columns[0], columns[-1], number)
                if current.chars - 1 > limits.MAX_DOCUMENT_CHARS:
                    yield Problem(name, f"{document_too_long(current.chars - 1)} (a -DOCSTART- line starts a new document); not read further", number)
                    return
    except TextError as error:
        yield Problem(name, str(error), error.line)
        return
    except OSError as error:
        yield Problem(name, str(error))
        return
    if current:
        yield current


def _lines(path: Path, encoding: str | None) -> Iterator[tuple[int, str]]:
    """Numbered lines ending in ``\n``, ``\r\n`` or a lone ``\r`` (old Mac files): a CR-only
    file would otherwise be one line, and its tokens lost."""
    number = 0
    for _, line in iter_lines(path, encoding):
        for part in (line[:-1] if line.endswith("\r") else line).split("\r"):
            number += 1
            yield number, part


def _record(document: _Document, path: str, known) -> Iterator[Record | Problem]:
    spans, problems = [], []
    offset = 0
    sentences = [s for s in document.sentences if s]
    text = "\n".join(" ".join(token for token, _, _ in sentence) for sentence in sentences)
    for sentence in sentences:
        for start, end, label, number in _entities(sentence, offset):
            try:
                spans.append(checked_span(text, start, end, label, known=known))
            except AnnotationError as error:
                problems.append(Problem(path, str(error), number))
        offset += len(" ".join(token for token, _, _ in sentence)) + 1
    yield from problems
    if not problems:
        try:
            yield build_document(text, source_path=path, meta={"tokenized": PRETOKENIZED}), spans
        except TextError as error:
            yield Problem(path, str(error), document.sentences[0][0][2])


def _entities(sentence: list[tuple[str, str, int]], offset: int) -> Iterator[tuple[int, int, str, int]]:
    """(start, end, label, line) of the entities of one sentence whose text starts at ``offset``."""
    open_span = None  # [start, end, label, line]
    for token, tag, number in sentence:
        match = _TAG.match(tag)
        prefix, label = match.groups() if match else ("O", "")
        continues = open_span is not None and prefix in "IEL" and open_span[2] == label
        if open_span is not None and not continues:
            yield tuple(open_span)
            open_span = None
        if prefix != "O":
            if continues:
                open_span[1] = offset + len(token)
            else:
                open_span = [offset, offset + len(token), label, number]
            if prefix in "ESLU":
                yield tuple(open_span)
                open_span = None
        offset += len(token) + 1
    if open_span is not None:
        yield tuple(open_span)


# -- writing ------------------------------------------------------------------


def write(out: Path, items: Iterable[Record], labels: list[Label], log: ExportLog, relation_labels=()) -> None:
    with atomic_text_writer(out) as handle:
        for doc, spans in items:
            handle.write(f"{DOCSTART}\tO\n\n")
            handle.write(_document_lines(doc, spans, log))
            log.documents += 1
    scheme.write_sidecar(out, labels, relation_labels)


def _document_lines(doc, spans: list[Span], log: ExportLog) -> str:
    sdoc = spacy_doc(doc, sentences=True)
    tags = ["O"] * len(sdoc)
    for span, found in _carried(doc, sdoc, spans, log):
        tags[found.start : found.end] = [f"B-{span.label}"] + [f"I-{span.label}"] * (len(found) - 1)
        log.spans += 1
    out, pending_break = [], False
    for token, tag in zip(sdoc, tags):
        pending_break = pending_break or (token.i > 0 and token.is_sent_start)
        if token.is_space:
            pending_break = pending_break or "\n" in token.text
            continue
        if pending_break and out and not tag.startswith("I-"):
            out.append("\n")
            pending_break = False
        out.append(f"{token.text}\t{tag}\n")
    return "".join(out) + "\n"


def _carried(doc, sdoc, spans: list[Span], log: ExportLog) -> list[tuple[Span, object]]:
    """The spans IOB can carry, with their spaCy spans; every other one is reported."""
    if doc.note:
        log.lost(doc, "CoNLL has no place for a document note; not exported")
    if doc.relations:
        log.lost(doc, f"{len(doc.relations)} relation(s) not carried by CoNLL; not exported")
    placed = placed_on_tokens(doc, sdoc, spans, log)
    kept, overlapping = non_overlapping(placed, key=lambda pair: (pair[0].start, pair[0].end))
    for span, _ in overlapping:
        log.lost(doc, f"{describe(doc.text, span)} overlaps another span; IOB cannot carry overlaps, not exported")
    for span, _ in kept:
        if span.note:
            log.lost(doc, f"note of {describe(doc.text, span)}: CoNLL has no place for notes; not exported")
        if span.state != State.ACCEPTED:
            log.lost(doc, f"{describe(doc.text, span)} is {span.state}; CoNLL cannot mark it, exported as an entity")
    return kept
