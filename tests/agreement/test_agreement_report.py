"""agreement() on a real store of three annotators, against the same figures computed from the
plain data with scikit-learn, the krippendorff package and brute force, to 1e-9."""

from __future__ import annotations

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score, confusion_matrix, precision_recall_fscore_support

from agreement_corpus import ANNOTATORS, LABELS, Corpus, build
from annotator.agreement import report
from annotator.agreement.report import agreement, document_agreement
from annotator.core.text import content_hash
from annotator.core.model import AnnotationError, Document, Span
from annotator.store import Store
from test_agreement_tagging import reference_tags

TOLERANCE = 1e-9
TEXT = "Marie Curie met Pierre."


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Corpus:
    return build(tmp_path_factory.mktemp("agreement") / "three.db")


def opened(corpus: Corpus) -> Store:
    return Store(corpus.path, annotator="alice")


def token_strings(text: str, spans: set, labels=LABELS) -> list[str]:
    """IOB tags as strings, from the reference tagger (a tie of one extent: the first label by name)."""
    labels = sorted(labels)
    number = {name: i for i, name in enumerate(labels, start=1)}
    ordered = sorted(((s, e, number[label]) for s, e, label in spans), key=lambda x: (x[0], -x[1], x[2]))
    tags, _ = reference_tags(text, ordered)
    return ["O" if t == 0 else ("B-" if t % 2 else "I-") + labels[(t + 1) // 2 - 1] for t in tags]


def expected_pair(corpus: Corpus, a: str, b: str, docs: list[int], labels=LABELS) -> dict:
    keep = lambda spans: {x for x in spans if x[2] in labels}  # noqa: E731
    span_a = {(d, *x) for d in docs for x in keep(corpus.spans[a][d])}
    span_b = {(d, *x) for d in docs for x in keep(corpus.spans[b][d])}
    union = sorted(span_a | span_b)
    y_true = [x[3] if x in span_a else "-" for x in union]
    y_pred = [x[3] if x in span_b else "-" for x in union]
    p, r, f, _ = precision_recall_fscore_support(y_true, y_pred, labels=list(labels), average="micro", zero_division=0)
    overlaps = lambda x, others: any(o[0] == x[0] and o[3] == x[3] and o[1] < x[2] and x[1] < o[2] for o in others)  # noqa: E731
    partial_p = sum(overlaps(x, span_a) for x in span_b) / len(span_b)
    partial_r = sum(overlaps(x, span_b) for x in span_a) / len(span_a)
    ta = [t for d in docs for t in token_strings(corpus.texts[d], keep(corpus.spans[a][d]), labels)]
    tb = [t for d in docs for t in token_strings(corpus.texts[d], keep(corpus.spans[b][d]), labels)]
    tagged = [i for i, (x, y) in enumerate(zip(ta, tb)) if x != "O" or y != "O"]
    codes = {t: i for i, t in enumerate(sorted(set(ta) | set(tb)))}
    return {
        "documents": len(docs), "spans_a": len(span_a), "spans_b": len(span_b), "tokens": len(ta),
        "precision_exact": p, "recall_exact": r, "f1_exact": f,
        "precision_partial": partial_p, "recall_partial": partial_r,
        "f1_partial": 2 * partial_p * partial_r / (partial_p + partial_r),
        "kappa_tokens": cohen_kappa_score(ta, tb),
        "tokens_o_excluded": len(tagged),
        "kappa_tokens_o_excluded": cohen_kappa_score([ta[i] for i in tagged], [tb[i] for i in tagged]),
        "alpha_tokens": krippendorff.alpha(reliability_data=[[codes[t] for t in ta], [codes[t] for t in tb]], level_of_measurement="nominal"),
        "label_tokens": ([t[2:] if t != "O" else "O" for t in ta], [t[2:] if t != "O" else "O" for t in tb]),
        "span_sets": (span_a, span_b),
    }


def check_pair(ours: dict, expected: dict) -> None:
    for key, value in expected.items():
        if key in ("label_tokens", "span_sets"):
            continue
        assert ours[key] == pytest.approx(value, abs=TOLERANCE), key
    names = ours["confusion"]["labels"]
    la, lb = expected["label_tokens"]
    assert ours["confusion"]["matrix"] == confusion_matrix(la, lb, labels=names).tolist()
    assert set(names) == set(la) | set(lb)
    span_a, span_b = expected["span_sets"]
    labels = sorted({x[3] for x in span_a | span_b})
    y_true = [x[3] if x in span_a else "-" for x in sorted(span_a | span_b)]
    y_pred = [x[3] if x in span_b else "-" for x in sorted(span_a | span_b)]
    p, r, f, _ = precision_recall_fscore_support(y_true, y_pred, labels=labels, average=None, zero_division=0)
    for i, label in enumerate(labels):
        per = ours["per_label"][label]
        assert (per["precision_exact"] or 0, per["recall_exact"] or 0, per["f1_exact"]) == pytest.approx((p[i], r[i], f[i]), abs=TOLERANCE)
        expected_kappa = cohen_kappa_score([t == label for t in la], [t == label for t in lb])
        assert per["kappa_tokens"] == pytest.approx(expected_kappa, abs=TOLERANCE)
        assert (per["tokens_a"], per["tokens_b"]) == (la.count(label), lb.count(label))


def both_done(corpus: Corpus, a: str, b: str) -> list[int]:
    return [d for d in corpus.doc_ids if d in corpus.done[a] and d in corpus.done[b]]


def test_every_pair_of_documents_both_marked_done(corpus):
    with opened(corpus) as store:
        result = agreement(store)
    assert result["annotators"] == list(ANNOTATORS) and result["documents_counted"] == "both done"
    assert [(p["a"], p["b"]) for p in result["pairs"]] == [("alice", "bob"), ("alice", "carol"), ("bob", "carol")]
    for pair in result["pairs"]:
        check_pair(pair, expected_pair(corpus, pair["a"], pair["b"], both_done(corpus, pair["a"], pair["b"])))
    tagging = result["pairs"][0]["token_tagging"]["a"]
    assert tagging["snapped"] and tagging["left_out_overlapping"]  # the corpus has cut and nested spans


def test_statuses_chosen_and_all_documents(corpus):
    in_progress = corpus.doc_ids[-2]  # alice: in progress, bob: done
    with opened(corpus) as store:
        chosen = agreement(store, ["alice", "bob"], statuses=["done", "in_progress"])
        every = agreement(store, ["bob", "alice"], all_documents=True)
    assert chosen["documents_counted"] == "both in_progress or done"
    check_pair(chosen["pairs"][0], expected_pair(corpus, "alice", "bob", both_done(corpus, "alice", "bob") + [in_progress]))
    assert every["documents_counted"] == "all" and "all_annotators" not in every
    check_pair(every["pairs"][0], expected_pair(corpus, "bob", "alice", corpus.doc_ids))


def test_one_label_or_two(corpus):
    with opened(corpus) as store:
        result = agreement(store, ["alice", "carol"], labels=["GPE", "PERSON"])
    assert result["labels"] == ["GPE", "PERSON"]
    pair = result["pairs"][0]
    assert set(pair["per_label"]) == {"GPE", "PERSON"}
    check_pair(pair, expected_pair(corpus, "alice", "carol", both_done(corpus, "alice", "carol"), labels=("GPE", "PERSON")))


def test_alpha_of_all_three_with_missing_values(corpus):
    """A token's value is missing for an annotator who did not mark its document done."""
    rows = {name: [] for name in ANNOTATORS}
    codes: dict[str, int] = {}
    for d in corpus.doc_ids:
        tags = {name: token_strings(corpus.texts[d], corpus.spans[name][d]) for name in ANNOTATORS}
        for name in ANNOTATORS:
            rows[name] += [codes.setdefault(t, len(codes)) if d in corpus.done[name] else np.nan for t in tags[name]]
    expected = krippendorff.alpha(reliability_data=[rows[n] for n in ANNOTATORS], level_of_measurement="nominal")
    with opened(corpus) as store:
        group = agreement(store)["all_annotators"]
    assert group["alpha_tokens"] == pytest.approx(expected, abs=TOLERANCE)
    assert group["tokens"] == int(sum((~np.isnan(np.array([rows[n] for n in ANNOTATORS]))).sum(axis=0) >= 2))


def test_small_batches_give_the_same_figures(corpus, monkeypatch):
    with opened(corpus) as store:
        whole = agreement(store, all_documents=True)
        monkeypatch.setattr(report, "BATCH_CHARS", 300)  # a batch every document or two
        batched = agreement(store, all_documents=True)
    assert _same(batched, whole)


def _same(x, y) -> bool:
    if isinstance(x, dict):
        assert x.keys() == y.keys()
        return all(_same(x[k], y[k]) for k in x)
    if isinstance(x, list):
        assert len(x) == len(y)
        return all(_same(a, b) for a, b in zip(x, y))
    assert x == pytest.approx(y, abs=TOLERANCE) if isinstance(x, float) else x == y
    return True


def test_lowest_documents_and_the_windows_per_document_figure(corpus):
    docs = both_done(corpus, "alice", "bob")
    f1 = {}
    for d in docs:
        a, b = corpus.spans["alice"][d], corpus.spans["bob"][d]
        f1[d] = 2 * len(a & b) / (len(a) + len(b))
    with opened(corpus) as store:
        lowest = agreement(store, ["alice", "bob"], lowest=3)["pairs"][0]["lowest"]
        per_document = document_agreement(store, "Alice", "bob")
        page = document_agreement(store, "alice", "bob", documents=corpus.doc_ids[3:7])
    expected = sorted(f1.items(), key=lambda x: (x[1], x[0]))[:3]
    assert [x["doc_id"] for x in lowest] == [d for d, _ in expected]
    assert [x["f1_exact"] for x in lowest] == pytest.approx([f for _, f in expected], abs=TOLERANCE)
    assert lowest[0]["title"].startswith("paragraph ")
    assert set(per_document) == set(corpus.doc_ids)  # every document, whatever its status
    assert page == {d: per_document[d] for d in corpus.doc_ids[3:7]}
    for d in corpus.doc_ids:
        a, b = corpus.spans["alice"][d], corpus.spans["bob"][d]
        assert per_document[d] == pytest.approx(2 * len(a & b) / (len(a) + len(b)) if a or b else None)


def test_refusals_say_why(corpus, tmp_path):
    with opened(corpus) as store:
        with pytest.raises(AnnotationError, match="no annotator 'dave'.*known: alice, bob, carol"):
            agreement(store, ["alice", "dave"])
        with pytest.raises(AnnotationError, match="needs two annotators or more; --annotators names alice"):
            agreement(store, ["alice", " ALICE "])
        with pytest.raises(AnnotationError, match="no label 'WEAPONS'"):
            agreement(store, labels=["WEAPONS"])
        with pytest.raises(AnnotationError, match="no document counts: none has status skipped for two of"):
            agreement(store, statuses=["skipped"])
    with Store(tmp_path / "one.db", annotator="alice") as store:
        store.add_documents([(Document(None, "t", TEXT, content_hash=content_hash(TEXT)), [Span(0, 11, "PERSON")])])
        with pytest.raises(AnnotationError, match=r"needs two annotators or more with spans or statuses; this database has alice \(1 spans\)"):
            agreement(store)
