import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.model import Span, State
from annotator.formats import prodigy
from annotator.transfer.exporting import export_jsonl
from annotator.transfer.importing import import_paths

HARD_PIECES = [
    "👩‍🔬", "🇫🇷", "👍🏽", "e\u0301", "東京", "\u200fשלום\u200f", "مرحبا", "\r\n", "\n", " ", "Marie", "Curie", "\u00a0", "\t",
]


def export_lines(store, tmp_path, **kwargs):
    out = tmp_path / "out.jsonl"
    export_jsonl(store, out, **kwargs)
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(st.lists(st.sampled_from(HARD_PIECES), min_size=2, max_size=25), st.data())
def test_every_exported_span_slices_its_text(tmp_path_factory, parts, data):
    from annotator.store import Store

    folder = tmp_path_factory.mktemp("x")
    text = "".join(parts)
    bounds = sorted({0, *(len("".join(parts[:i])) for i in range(len(parts) + 1))})
    pairs = data.draw(st.lists(st.tuples(st.sampled_from(bounds), st.sampled_from(bounds)), max_size=5))
    spans = [{"start": a, "end": b, "label": "X", "text": text[a:b]} for a, b in {tuple(sorted(p)) for p in pairs} if a < b]
    spans = [s for s in spans if s["text"].strip("\r\n")]  # a span of only a CR is dropped by normalization
    src = folder / "in.jsonl"
    src.write_text(json.dumps({"text": text, "spans": spans}) + "\n", encoding="utf-8")
    with Store(folder / "db.sqlite") as store:
        if not text.strip():
            return
        import_paths(store, [src])
        (line,) = export_lines(store, folder)
    normalized = text.replace("\r\n", "\n")
    assert line["text"] == normalized
    assert len(line["spans"]) == len(spans)
    for got in line["spans"]:
        assert line["text"][got["start"] : got["end"]] == got["text"]
    assert sorted(s["text"] for s in line["spans"]) == sorted(s["text"].replace("\r\n", "\n") for s in spans)


def test_export_record_shape(store, tmp_path):
    src = tmp_path / "a.jsonl"
    src.write_text(json.dumps({"text": "👩‍🔬 Marie Curie won", "spans": [{"start": 0, "end": 15, "label": "PERSON", "note": "with emoji"}]}) + "\n")
    import_paths(store, [src])
    store.set_document_note(1, "checked")
    (line,) = export_lines(store, tmp_path)
    assert line["answer"] == "accept"
    (span,) = line["spans"]
    assert "tokens" not in line  # the native export leaves tokens to --format prodigy
    assert span == {"start": 0, "end": 15, "label": "PERSON", "text": "👩‍🔬 Marie Curie", "source": "human", "annotator": "default", "note": "with emoji"}
    assert line["meta"]["doc_id"] == 1 and line["meta"]["note"] == "checked" and line["meta"]["status"] == "new"


def test_filters(store, tmp_path):
    src = tmp_path / "a.jsonl"
    rows = [
        {"text": "Alice met Bob", "spans": [{"start": 0, "end": 5, "label": "PERSON"}, {"start": 10, "end": 13, "label": "ORG"}]},
        {"text": "Carol", "meta": {"status": "done"}},
    ]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    import_paths(store, [src])
    store.add_span(2, Span(0, 5, "PERSON", source="model", state=State.SUGGESTED))
    assert [len(l["spans"]) for l in export_lines(store, tmp_path)] == [2, 0]
    assert [len(l["spans"]) for l in export_lines(store, tmp_path, include_suggestions=True)] == [2, 1]
    assert [[s["label"] for s in l["spans"]] for l in export_lines(store, tmp_path, labels=["ORG"])] == [["ORG"], []]
    assert [l["text"] for l in export_lines(store, tmp_path, statuses=["done"])] == ["Carol"]


def test_interrupted_export_keeps_the_old_file(store, tmp_path, monkeypatch):
    src = tmp_path / "a.jsonl"
    src.write_text("".join(json.dumps({"text": f"doc {i}"}) + "\n" for i in range(5)))
    import_paths(store, [src])
    out = tmp_path / "out.jsonl"
    out.write_text("previous export\n")
    calls = {"n": 0}
    real = prodigy.record

    def failing(doc, spans, *args):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(doc, spans, *args)

    monkeypatch.setattr(prodigy, "record", failing)
    with pytest.raises(KeyboardInterrupt):
        export_jsonl(store, out)
    assert out.read_text() == "previous export\n"
    assert [p.name for p in tmp_path.iterdir() if "partial" in p.name] == []
