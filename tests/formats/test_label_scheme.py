"""The label scheme that travels with an export: new labels keep colour and hotkey, old ones their look."""

from __future__ import annotations

import json

from format_helpers import jsonl, write

from annotator.core.model import Label
from annotator.transfer.importing import import_paths


def test_new_labels_are_created_with_their_look_and_existing_ones_keep_theirs(store, tmp_path):
    src = jsonl(tmp_path / "corpus.jsonl", {"text": "HMS Victory in Paris", "spans": [{"start": 0, "end": 11, "label": "SHIP"}]})
    write(tmp_path / "corpus.labels.json", json.dumps({"labels": [
        {"name": "SHIP", "color": "#123456", "hotkey": "s", "description": "Vessels"},
        {"name": "GPE", "color": "#000000", "hotkey": "x"},
        {"name": "PLANE", "color": "#654321", "hotkey": "p"},  # 'p' is PERSON's in the default scheme
    ]}))
    report = import_paths(store, [src])
    assert report.labels_created == ["PLANE", "SHIP"]
    labels = {label.name: label for label in store.labels()}
    assert labels["SHIP"] == Label("SHIP", "#123456", "s", "Vessels")
    assert labels["PLANE"] == Label("PLANE", "#654321", None)
    assert (labels["GPE"].color, labels["GPE"].hotkey) == ("#feca74", "g")
    assert labels["PERSON"].hotkey == "p"


def test_brat_confs_give_colours_and_hotkeys(store, tmp_path):
    folder = tmp_path / "brat"
    write(folder / "a.txt", "HMS Victory")
    write(folder / "a.ann", "T1\tSHIP 0 11\tHMS Victory\n")
    write(folder / "annotation.conf", "# comment\n[entities]\nSHIP\n\tFRIGATE\n!Abstract\n[relations]\n")
    write(folder / "visual.conf", "[labels]\nSHIP | Ship\n[drawing]\nSPAN_DEFAULT\tfgColor:black, bgColor:lightgreen\nSHIP\tbgColor:#123456, fgColor:white\n")
    write(folder / "kb_shortcuts.conf", "S\tSHIP\n")
    import_paths(store, [folder])
    labels = {label.name: label for label in store.labels()}
    assert (labels["SHIP"].color, labels["SHIP"].hotkey) == ("#123456", "S")
    assert "FRIGATE" in labels and "Abstract" not in labels and "!Abstract" not in labels
