"""The relation steps of a merge (store.merge_steps): relation labels, then relations, as SQL
with OTHER attached as ``other``.

- Relation labels are matched by name; a new one comes with its look, direction, allowed ends
  (mapped through the entity label mapping) and hotkey (only if ours is free); the same name
  with another colour keeps ours (a conflict).
- A relation's ends are mapped through the span mapping (their span -> ours at the same place
  in the same layer, which the span step made or found). One already here (the same ends,
  label and layer; for an undirected label also the other way round) is not copied: a re-run
  adds nothing; a different state or note keeps ours and is reported.
"""

from __future__ import annotations

_TEMP = (
    "CREATE TEMP TABLE merge_spans (theirs INTEGER PRIMARY KEY, ours INTEGER NOT NULL)",
    "CREATE TEMP TABLE merge_relation_labels (theirs INTEGER PRIMARY KEY, ours INTEGER NOT NULL)",
)
# Their relation r with its ends, label, document and layer in our terms.
_RELATIONS = """FROM other.relations r
    JOIN temp.merge_documents d ON d.theirs = r.document_id
    JOIN temp.merge_annotators a ON a.theirs = r.annotator
    JOIN temp.merge_relation_labels rl ON rl.theirs = r.label_id
    JOIN temp.merge_spans h ON h.theirs = r.head_id
    JOIN temp.merge_spans t ON t.theirs = r.tail_id"""
_SAME = "m.head_id = h.ours AND m.tail_id = t.ours AND m.label_id = rl.ours AND m.annotator = a.ours"
_SAME_OR_REVERSED = (
    f"(({_SAME}) OR (m.head_id = t.ours AND m.tail_id = h.ours AND m.label_id = rl.ours AND m.annotator = a.ours "
    "AND (SELECT directed FROM main.relation_labels WHERE id = rl.ours) = 0))"
)


def merge_relation_labels(steps) -> None:
    """Their relation labels into ours (after the entity labels: ``temp.merge_labels`` is full)."""
    for sql in _TEMP:
        steps.con.execute(sql)

    def ends(ours: int, theirs: int) -> None:  # the entity labels allowed at its ends, in our ids
        steps.con.execute(
            'INSERT INTO main.relation_label_ends (relation_label_id, "end", label_id) '
            'SELECT ?, e."end", l.ours FROM other.relation_label_ends e JOIN temp.merge_labels l ON l.theirs = e.label_id '
            "WHERE e.relation_label_id = ?",
            (ours, theirs),
        )

    steps.merge_labels("relation_labels", ("directed",), "relation label", steps.report.relation_labels_added, "merge_relation_labels", ends)


def merge_relations(steps, spans_from: str, same_span: str) -> None:
    """Their relations into ours (after the spans: each of theirs has its span here now).
    ``spans_from``/``same_span``: the span step's mapping SQL (their span x, ours m)."""
    con, report = steps.con, steps.report
    con.execute(f"INSERT INTO temp.merge_spans SELECT x.id, m.id {spans_from} JOIN main.spans m ON {same_span}")
    total = steps._one(f"SELECT count(*) {_RELATIONS}")[0]
    differing = steps._one(f"SELECT count(*) {_RELATIONS} JOIN main.relations m ON {_SAME} WHERE m.state IS NOT r.state OR m.note IS NOT r.note")[0]
    if differing:
        _conflicts(steps)
    report.relations_added = con.execute(
        "INSERT INTO main.relations (document_id, head_id, tail_id, label_id, source, state, note, annotator, provenance, created_at, updated_at) "
        "SELECT d.ours, h.ours, t.ours, rl.ours, r.source, r.state, r.note, a.ours, r.provenance, r.created_at, r.updated_at "
        f"{_RELATIONS} WHERE NOT EXISTS (SELECT 1 FROM main.relations m WHERE {_SAME_OR_REVERSED}) ORDER BY r.id"
    ).rowcount
    report.relations_present, report.relations_conflicting = total - report.relations_added - differing, differing
    steps._all_mapped("relations", total)


def _conflicts(steps) -> None:
    rows = steps.con.execute(
        f"SELECT d.ours, a.ours, rl.ours, m.head_id, m.tail_id, m.state, r.state, m.note, r.note {_RELATIONS} JOIN main.relations m ON {_SAME} "
        f"WHERE m.state IS NOT r.state OR m.note IS NOT r.note ORDER BY d.ours, m.id LIMIT {steps.conflicts_shown}"
    ).fetchall()
    names = dict(steps.con.execute("SELECT id, name FROM main.relation_labels"))
    for doc_id, who, label_id, head, tail, state, their_state, note, their_note in rows:
        what = steps.differences(("state", state, their_state), ("note", note, their_note))
        steps._conflict("relation", doc_id, who, f"document {doc_id}: {who}'s {names[label_id]} relation from span {head} to span {tail}: {what}")
