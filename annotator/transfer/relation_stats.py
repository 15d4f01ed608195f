"""Relations per label and state in the store's annotator's layer, for the ``stats`` verb."""

from __future__ import annotations

from annotator.core.model import State
from annotator.store.service import Store


def relation_stats(store: Store) -> dict[str, dict[str, int]]:
    """``{label: {"accepted": n, "suggested": n, "rejected": n}}``, labels in scheme order, unused ones left out."""
    out: dict[str, dict[str, int]] = {}
    for state in State:
        for label, count in store.relation_counts((state,)).items():
            out.setdefault(label, {st.value: 0 for st in State})[state.value] = count
    order = {label.name: i for i, label in enumerate(store.relation_labels())}
    return dict(sorted(out.items(), key=lambda item: order.get(item[0], len(order))))
