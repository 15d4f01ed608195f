"""One module per file format: read records (with problems named by file and line) and write them.

Every format module has ``NAME`` and ``read(path, options)`` yielding records, problems and
label schemes; the export formats also have ``write(out, items, labels, log, relation_labels=...)``.
A record is ``(Document, spans)``; its relations are ``Document.relations``, whose ends are
Span objects of that span list (see relation_records).
"""

from __future__ import annotations

from functools import cache
from types import ModuleType

IMPORT_FORMATS = ("prodigy", "doccano", "brat", "spacy", "conll", "text")
# "jsonl" is the native export: Prodigy records without tokens (fast); "prodigy" adds tokens.
EXPORT_FORMATS = ("jsonl", "prodigy", "doccano", "brat", "spacy", "conll")
# The files each format is read from, when a folder is walked.
EXTENSIONS = {
    "prodigy": (".jsonl",),
    "doccano": (".jsonl",),
    "brat": (".ann",),
    "spacy": (".spacy",),
    "conll": (".conll", ".iob", ".iob2"),
    "text": (".txt",),
}


@cache  # called once per file on import: 10,000 files must not mean 10,000 import look-ups
def module(name: str) -> ModuleType:
    """The module of a format, imported on demand (spaCy is slow to import)."""
    from importlib import import_module

    return import_module(f"annotator.formats.{_MODULES[name]}")


_MODULES = {
    "prodigy": "prodigy",
    "jsonl": "prodigy",
    "doccano": "doccano",
    "brat": "brat",
    "spacy": "docbin",
    "conll": "conll",
    "text": "plain_text",
}
