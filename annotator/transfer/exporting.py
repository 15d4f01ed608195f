"""Streaming, atomic export of a Store to the native JSONL format."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from annotator.core.model import State
from annotator.formats.native_jsonl import record
from annotator.store.service import Progress, Store
from annotator.transfer.atomic import atomic_text_writer


class ExportError(RuntimeError):
    pass


@dataclass
class ExportReport:
    documents: int = 0
    spans: int = 0


def export_jsonl(
    store: Store,
    out: Path,
    *,
    statuses: Iterable[str] | None = None,
    labels: Iterable[str] | None = None,
    include_suggestions: bool = False,
    progress: Progress | None = None,
) -> ExportReport:
    """Write one line per document. The old file stays intact if anything fails."""
    states = (State.ACCEPTED, State.SUGGESTED) if include_suggestions else (State.ACCEPTED,)
    report = ExportReport()
    total = store.count_documents() if progress else 0
    with atomic_text_writer(out) as handle:
        for doc, spans in store.iter_export(statuses=statuses, labels=labels, states=states):
            data = record(doc, spans)
            for span in data["spans"]:  # the promise of every export: offsets are exact
                if doc.text[span["start"] : span["end"]] != span["text"]:
                    raise ExportError(f"document {doc.id}: span {span['start']}-{span['end']} does not match its text")
            handle.write(json.dumps(data, ensure_ascii=False) + "\n")
            report.documents += 1
            report.spans += len(spans)
            if progress:
                progress(report.documents, total)
    return report
