"""Write the bundled copy of a spaCy pipeline package with only what the annotator loads.

Usage (annotator.spec runs it): python packaging/pruned_pipeline.py PACKAGE OUT_DIR

Every path that loads the bundled pipeline goes through annotator.nlp.pipeline.load_pipeline
(suggestions, the self-test, ``evaluate``'s pre-trained figures, ``train --base``'s list of
components to source), which keeps the tokenizer and the NER only: en_core_web_sm's NER embeds
on its own, so its tok2vec, tagger, parser, senter, attribute_ruler and lemmatizer are never
used (7.6 MB). But spaCy reads a package as its config lists it, and sourcing a component for
``train --base`` loads the whole source pipeline: removing folders alone breaks both. So the
pipeline the app loads is saved by spaCy itself (config, meta, tokenizer, vocab, ner), and
OUT_DIR/PACKAGE is a package of the same name holding it. The saved copy is checked to find
the same entities as the full package on the seed articles before it is used.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def prune(package: str, out_dir: Path) -> Path:
    """OUT_DIR/PACKAGE: the package's __init__.py and meta.json, its data folder saved pruned."""
    from annotator.nlp.pipeline import load_pipeline

    source = Path(importlib.util.find_spec(package).origin).parent
    meta = json.loads((source / "meta.json").read_text(encoding="utf-8"))
    data_name = f"{meta['lang']}_{meta['name']}-{meta['version']}"
    target = out_dir / package
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    shutil.copy2(source / "__init__.py", target / "__init__.py")
    nlp = load_pipeline(package).nlp
    nlp.to_disk(target / data_name)
    # The package's own meta.json names the data folder and the spaCy versions it loads with.
    (target / "meta.json").write_text((target / data_name / "meta.json").read_text(encoding="utf-8"), encoding="utf-8")
    _check_same_entities(package, target)
    return target


def _check_same_entities(package: str, target: Path) -> None:
    import spacy

    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    full = spacy.load(package)
    pruned = spacy.load(next(p for p in target.iterdir() if p.is_dir() and (p / "config.cfg").exists()))
    for text in texts:
        want = [(e.start_char, e.end_char, e.label_) for e in full(text).ents]
        got = [(e.start_char, e.end_char, e.label_) for e in pruned(text).ents]
        if want != got or not want:
            sys.exit(f"pruned_pipeline.py: the pruned {package} finds other entities than the full one; bundle it whole")
    print(f"pruned {package}: {pruned.pipe_names} of {full.pipe_names}, same entities on {len(texts)} seed articles")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python packaging/pruned_pipeline.py PACKAGE OUT_DIR")
    prune(sys.argv[1], Path(sys.argv[2]))
