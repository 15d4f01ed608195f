"""Generated news documents that name treaties (TREATY, a label spaCy's pipelines do not know)
and countries (GPE), with every such span accepted: a corpus to teach a new label from."""

from __future__ import annotations

import json
import random
from pathlib import Path

from annotator.store import Store
from annotator.transfer.importing import import_paths

TREATIES = (
    "New START", "Paris Agreement", "INF Treaty", "Kyoto Protocol", "Treaty of Versailles", "Open Skies Treaty",
    "Non-Proliferation Treaty", "Good Friday Agreement", "Minsk Agreement", "Anti-Ballistic Missile Treaty",
    "Chemical Weapons Convention", "Montreal Protocol", "Treaty of Lisbon", "Schengen Agreement", "Oslo Accords",
    "Dayton Agreement", "Camp David Accords", "Outer Space Treaty", "Arms Trade Treaty", "Geneva Protocol",
)
COUNTRIES = ("Russia", "France", "Germany", "Japan", "Ukraine", "Brazil", "Canada", "India", "Turkey", "Norway", "Egypt", "Chile")
PEOPLE = ("the foreign minister", "a senior diplomat", "the prime minister", "an official", "the president", "a spokeswoman")
SYLLABLES = ("ka", "lo", "mir", "te", "vun", "sa", "do", "rek", "bi", "nul", "fa", "gor")
# {T}: a treaty, {C} and {D}: countries, {P}: a person (not annotated), {N}: a number, {W}: made-up
# words (every sentence gets its own, so that sentences of one template are not near copies, which
# the leak-free split would keep together: 40 documents would be one linked set).
TEMPLATES = (
    "{C} said on Monday it would withdraw from the {T} by the end of the year.",
    "Talks on extending the {T} stalled after {C} raised new objections.",
    "{P} of {C} called the {T} a cornerstone of security in Europe.",
    "Under the {T}, {C} and {D} agreed to cut their arsenals by {N} percent.",
    "Critics in {C} argue that the {T} has failed to stop the build-up.",
    "The {T} was signed {N} years ago and ratified by {C} soon after.",
    "{C} accused {D} of violating the {T} during last week's exercises.",
    "Negotiators from {C} and {D} met in Vienna to discuss the future of the {T}.",
    "The weather in the capital was mild, and markets in {C} closed higher.",
    "{P} said {C} remains committed to the {T} despite the pressure.",
    "Analysts expect {D} to follow {C} out of the {T} within {N} months.",
    "Farmers in {C} protested against fuel prices for a {N}th day.",
)


def document(rng: random.Random, sentences: int = 3) -> dict:
    """One record: sentences from the templates, TREATY and GPE spans placed by construction."""
    text, spans = "", []
    for template in rng.sample(TEMPLATES, sentences):
        template = template[:-1] + ", {W} reported."
        if text:
            text += " "
        values = {"T": rng.choice(TREATIES), "C": rng.choice(COUNTRIES), "P": rng.choice(PEOPLE), "N": str(rng.randint(2, 40))}
        values["W"] = " ".join("".join(rng.choices(SYLLABLES, k=3)) for _ in range(5))
        values["D"] = rng.choice([c for c in COUNTRIES if c != values["C"]])
        pieces = template.replace("{", "\0{").replace("}", "}\0").split("\0")
        for piece in pieces:
            if piece.startswith("{"):
                key, value = piece[1:-1], values[piece[1:-1]]
                if key in "TCD":
                    spans.append({"start": len(text), "end": len(text) + len(value), "label": "TREATY" if key == "T" else "GPE"})
                text += value[0].upper() + value[1:] if not text or text.endswith(". ") else value
            else:
                text += piece
    return {"text": text, "spans": spans, "meta": {"status": "done"}}


def write_corpus(path: Path, documents: int, seed: int = 13, sentences: int = 3) -> Path:
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as handle:
        for _ in range(documents):
            handle.write(json.dumps(document(rng, sentences)) + "\n")
    return path


def treaty_store(folder: Path, documents: int = 40, seed: int = 13, annotator: str = "default") -> Path:
    """A database of ``documents`` generated documents, all done, their spans accepted."""
    db = folder / "treaties.db"
    with Store(db, annotator=annotator) as store:
        report = import_paths(store, [write_corpus(folder / "treaties.jsonl", documents, seed)])
        assert report.added == documents
    return db
