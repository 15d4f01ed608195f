"""Generated news articles in which about a fifth of the sentences are rewritten copies of
sentences of earlier articles, with the true copies recorded (for bench/bench_copies*.py).

Usage: python bench/copies_corpus.py OUT.jsonl [--articles 10000] [--seed 1] [--size 5000] [--truth TRUTH.jsonl]
writes one ``{"text", "meta": {"title", "index"}}`` line per article (``annotator import`` reads it)
and, with --truth, one ``{"index", "sentences": [[start, end, family, kind, parent], ...]}`` line per article.

An article is a headline line, then paragraphs (lines, blank lines between) of English-like
sentences of 8-40 words: a main clause and optional clauses (attribution, time, relative,
participle) drawn from a Zipf-weighted vocabulary (real news words first, then made-up words of
the same classes, so text is varied like news and unrelated sentences rarely look alike).
A share of the sentence slots (``copy_share``, default 0.2) is filled with runs of 1-3 consecutive
sentences of one earlier article, each rewritten one of four ways (KINDS, equally likely):
- exact: the same text;
- word swapped: 1-3 terms swapped as a spinner does (SWAPS: "Russia" -> "Russian Federation",
  "last year" -> "previous year", "U.S." -> "USA", "international" -> "worldwide", ...);
- clause added: one optional clause of 2-7 words inserted at a clause boundary;
- clause dropped: one optional clause dropped (sentences with one clause: a time or place
  phrase of the main clause).
A copied sentence may itself be a copy (syndication chains). 3% of articles repeat their
headline as their second paragraph, as seed 000 does (an exact copy inside one article).

The truth: every sentence has a ``family`` (the id of the origin sentence it derives from; an
origin is its own family), its ``kind`` ("origin", "headline" or a KIND) and its ``parent`` (the
(article index, start, end) it was rewritten from, or None). Offsets are code points into the
article text, end exclusive, and are exactly annotator.sentences.segment.sentence_spans of the
text: every article is checked (ValueError otherwise). Deterministic by seed; articles are
generated one at a time and only a bounded pool of earlier articles' sentences is kept, so
100,000 articles stream in constant memory.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotator.core.model import Document  # noqa: E402
from annotator.core.text import content_hash  # noqa: E402
from annotator.sentences.segment import sentence_spans  # noqa: E402

KINDS = ("exact", "word swapped", "clause added", "clause dropped")
HEADLINE_REPEAT = 0.03
POOL_ARTICLES = 400  # earlier articles copies are drawn from (random replacement: recent ones more often)

# Spinner swaps, both ways (a copy of a copy may swap back). Terms are common in the vocabulary.
SWAPS = [
    ("Russia", "Russian Federation"), ("last year", "previous year"), ("U.S.", "USA"), ("international", "worldwide"),
    ("said", "stated"), ("government", "administration"), ("officials", "authorities"), ("big", "large"),
    ("about", "around"), ("help", "assist"), ("president", "leader"), ("talks", "negotiations"),
    ("country", "nation"), ("important", "significant"), ("meeting", "summit"), ("company", "firm"),
    ("agreement", "accord"), ("began", "started"), ("showed", "indicated"), ("rejected", "dismissed"),
    ("warned", "cautioned"), ("criticized", "slammed"), ("plan", "proposal"), ("economy", "economic system"),
]

NOUNS = (
    "government officials president talks deal country sanctions election report agreement economy market company "
    "investors prices court police military forces troops border region city capital meeting summit plan policy law "
    "bill parliament vote campaign party leaders ministry statement spokesman agency crisis conflict negotiations "
    "trade tariffs exports oil gas energy pipeline bank bonds shares growth inflation rates budget debt treaty "
    "weapons missile program relations ties security minister investigation allegations protesters workers union "
    "strike factory farmers prices consumers households schools hospital patients doctors virus vaccine outbreak "
    "storm floods drought fire residents villages roads bridge airport flights passengers ship port coast"
).split()
ADJECTIVES = (
    "international new major senior former key economic political military foreign local national regional global "
    "big important recent strong weak public private official nuclear financial legal annual early late long "
    "short final initial"
).split()
VERBS = (
    "said announced rejected approved signed criticized warned urged agreed accused demanded blocked backed welcomed "
    "denied confirmed reported proposed launched ordered raised cut increased reduced expanded delayed canceled "
    "postponed discussed reviewed showed began"
).split()
INGS = "seeking citing ending raising blocking backing urging announcing rejecting expanding reviewing".split()
PLACES = (
    "Russia China Europe Iran Syria Turkey Germany France Britain Japan India Brazil Moscow Washington Beijing Tehran "
    "Brussels Ankara Berlin Paris London Tokyo Venezuela Ukraine Israel Egypt Mexico Canada"
).split()
PEOPLE = "Putin Trump Pompeo Lavrov Merkel Macron Johnson Erdogan Modi Maduro Peskov Maas Hunt Ushakov".split()
TIMES = [
    "on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "last year", "this week", "last month",
    "earlier this month", "in March", "in May", "in 2019", "on Sunday", "late on Saturday",
]
PREPS = "in with for against over after before under near".split()
MODALS = "will would could may must might".split()
BASES = "meet extend curb restore support end review block raise cut".split()

_SYLLABLES = ("ba be bi bo bu ca co cu da de di do fa fe fi fo ga ge go ha he ho ka ke ki ko la le li lo lu ma me mi "
              "mo mu na ne ni no nu pa pe pi po ra re ri ro ru sa se si so ta te ti to tu va ve vi vo za ze zo").split()
_ENDINGS = "n r s l t nd rk st x m".split()


@dataclass(frozen=True)
class GenSentence:
    start: int
    end: int
    family: int  # id of the origin sentence this one derives from
    kind: str  # "origin", "headline" or one of KINDS
    parent: tuple[int, int, int] | None  # (article index, start, end) it was rewritten from


@dataclass(frozen=True)
class Article:
    index: int
    title: str
    text: str
    sentences: list[GenSentence]  # in text order, the headline first


class _Words:
    """One word class: real words first, then made-up ones, picked with Zipf weights."""

    def __init__(self, rng: random.Random, real: list[str], made_up: int, capital: bool = False) -> None:
        invented = {self._invent(rng) for _ in range(made_up)} - set(real)
        self.words = list(real) + sorted(w.capitalize() if capital else w for w in invented)
        self.cum = list(accumulate(1 / (rank + 1) for rank in range(len(self.words))))

    @staticmethod
    def _invent(rng: random.Random) -> str:
        return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))) + rng.choice(_ENDINGS)

    def pick(self, rng: random.Random) -> str:
        return rng.choices(self.words, cum_weights=self.cum)[0]


class CopiesCorpus:
    """``CopiesCorpus(seed).articles(n)`` yields Article records, one at a time."""

    def __init__(self, seed: int = 1, size: int = 5000, copy_share: float = 0.2) -> None:
        self.rng = random.Random(seed)
        self.size, self.copy_share = size, copy_share
        vocab = random.Random(12345)  # the same vocabulary for every seed
        self.nouns = _Words(vocab, NOUNS, 4000)
        self.adjectives = _Words(vocab, ADJECTIVES, 800)
        self.verbs = _Words(vocab, VERBS, 1200)
        self.ings = _Words(vocab, INGS, 300)
        self.places = _Words(vocab, PLACES, 1500, capital=True)
        self.people = _Words(vocab, PEOPLE, 2500, capital=True)
        self.pool: list[tuple[int, list[tuple[GenSentence, list[str]]]]] = []
        self.next_family = 0
        self.copied = self.total = 0  # body sentences so far: the copies' share is kept at copy_share
        self.swaps = [(re.compile(rf"(?<![\w.]){re.escape(a)}(?![\w])"), b) for a, b in SWAPS]
        self.swaps += [(re.compile(rf"(?<![\w.]){re.escape(b)}(?![\w])"), a) for a, b in SWAPS]

    # -- phrases (natural case; the sentence's first letter is raised when rendered) ----------

    def noun_phrase(self) -> str:
        r, rng = self.rng.random(), self.rng
        if r < 0.35:
            return f"the {self.adjectives.pick(rng)} {self.nouns.pick(rng)}"
        if r < 0.55:
            return f"the {self.nouns.pick(rng)}"
        if r < 0.7:
            return self.people.pick(rng) if rng.random() < 0.5 else self.places.pick(rng)
        if r < 0.82:
            return f"{self.places.pick(rng)}'s {self.nouns.pick(rng)}"
        if r < 0.92:
            return f"the {self.nouns.pick(rng)} of {self.places.pick(rng)}"
        return f"the U.S. {self.nouns.pick(rng)}"

    def adjunct(self) -> str:
        """A phrase of the main clause: the time or place, droppable like a clause."""
        rng = self.rng
        if rng.random() < 0.5:
            return rng.choice(TIMES)
        return f"{rng.choice(PREPS)} {self.noun_phrase()}"

    def main_clause(self) -> list[str]:
        """The main clause as [core, adjunct, ...]: the core stays, adjuncts may be dropped."""
        rng = self.rng
        if rng.random() < 0.5:
            core = f"{self.noun_phrase()} {self.verbs.pick(rng)} {self.noun_phrase()}"
        else:
            core = f"{self.people.pick(rng)} {self.verbs.pick(rng)} that {self.noun_phrase()} {rng.choice(MODALS)} {rng.choice(BASES)} {self.noun_phrase()}"
        return [core] + [self.adjunct() for _ in range(rng.randint(0, 2))]

    def clause(self) -> str:
        """An optional clause (2-9 words)."""
        rng, r = self.rng, self.rng.random()
        if r < 0.2:
            return f"{self.people.pick(rng)} said" if rng.random() < 0.6 else "officials said"
        if r < 0.35:
            return f"according to {self.noun_phrase()}"
        if r < 0.6:
            return f"which {self.verbs.pick(rng)} {self.noun_phrase()}"
        if r < 0.8:
            return f"{self.ings.pick(rng)} {self.noun_phrase()} {self.adjunct()}"
        return f"{rng.choice(['after', 'while', 'despite'])} {self.noun_phrase()} {self.adjunct()}"

    def new_sentence(self) -> list[str]:
        """Clauses (each a list of parts joined by spaces; clauses by commas) of 8-40 words."""
        target = round(self.rng.triangular(8, 40, 18))
        clauses = [self.main_clause()]
        while _word_count(clauses) < target:
            clauses.append([self.clause()])
        while _word_count(clauses) > 40 and len(clauses) > 1:
            clauses.pop()
        if _word_count(clauses) < 8:
            clauses[0].append(self.adjunct())
        return clauses

    # -- rewrites -----------------------------------------------------------------------------

    def rewrite(self, clauses: list[list[str]], kind: str) -> list[list[str]] | None:
        """The clauses rewritten ``kind``'s way; None when the sentence offers nothing to change."""
        rng = self.rng
        if kind == "exact":
            return clauses
        if kind == "word swapped":
            return self._swapped(clauses)
        if kind == "clause added":
            result = [list(c) for c in clauses]
            result.insert(rng.randint(1, len(result)), [self.clause()])
            return result if _word_count(result) - _word_count(clauses) <= 7 else None
        droppable = [(i, j) for i, c in enumerate(clauses) for j in range(len(c)) if (i, j) != (0, 0) and (j > 0 or len(c) == 1)]
        if not droppable:
            return None
        i, j = rng.choice(droppable)
        result = [list(c) for c in clauses]
        del result[i][j]
        result = [c for c in result if c]
        return result if 5 <= _word_count(result) else None

    def _some_rewrite(self, clauses: list[list[str]]) -> tuple[str, list[list[str]]]:
        """A kind drawn at random; where the sentence offers nothing of it (no term to swap, no
        clause to drop), another try, then the other kinds in random order: kinds stay balanced."""
        first = self.rng.choice(KINDS)
        for kind in [first, first, first] + self.rng.sample(KINDS, len(KINDS)):
            rewritten = self.rewrite(clauses, kind)
            if rewritten is not None:
                return kind, rewritten
        return "exact", clauses

    def _swapped(self, clauses: list[list[str]]) -> list[list[str]] | None:
        text = "\x00".join("\x01".join(c) for c in clauses)  # separators keep the structure through re.sub
        present = [(pattern, new) for pattern, new in self.swaps if pattern.search(text)]
        if not present:
            return None
        for pattern, new in self.rng.sample(present, min(len(present), self.rng.randint(1, 3))):
            matches = list(pattern.finditer(text))
            hit = self.rng.choice(matches)
            text = text[: hit.start()] + new + text[hit.end():]
        return [c.split("\x01") for c in text.split("\x00")]

    # -- articles -------------------------------------------------------------------------------

    def articles(self, count: int, first: int = 0) -> Iterator[Article]:
        for index in range(first, first + count):
            yield self.article(index)

    def article(self, index: int) -> Article:
        rng = self.rng
        planned: list[tuple[list[list[str]], str, tuple | None, int]] = []  # clauses, kind, parent sentence, family
        length = 0
        while length < self.size:
            if self.pool and self.copied < self.copy_share * self.total and rng.random() < 0.3:
                run = self._copied_run()
                planned += run
                self.copied += len(run)
                self.total += len(run)
                length += sum(_char_count(c) for c, *_ in run)
            else:
                self.total += 1
                clauses = self.new_sentence()
                planned.append((clauses, "origin", None, self._family()))
                length += _char_count(clauses)
        headline = self._headline(index)
        return self._render(index, headline, planned)

    def _family(self) -> int:
        self.next_family += 1
        return self.next_family

    def _headline(self, index: int) -> str:
        words = f"{self.noun_phrase()} {self.verbs.pick(self.rng)} {self.noun_phrase()} {self.adjunct()}".split()
        return " ".join([f"{words[0][0].upper()}{words[0][1:]}"] + words[1:])

    def _copied_run(self) -> list:
        rng = self.rng
        doc, sentences = rng.choice(self.pool)
        at = rng.randrange(len(sentences))
        run = []
        for sentence, clauses in sentences[at: at + rng.randint(1, 3)]:
            kind, rewritten = self._some_rewrite(clauses)
            run.append((rewritten, kind, (doc, sentence.start, sentence.end), sentence.family))
        return run

    def _render(self, index: int, headline: str, planned: list) -> Article:
        lines, records, at = [headline], [GenSentence(0, len(headline), self._family(), "headline", None)], len(headline)
        if self.rng.random() < HEADLINE_REPEAT:
            at += 2
            lines.append(headline)
            records.append(GenSentence(at, at + len(headline), records[0].family, "exact", (index, 0, len(headline))))
            at += len(headline)
        body: list[tuple[GenSentence, list[list[str]]]] = []
        k = 0
        while k < len(planned):
            take = self.rng.randint(1, 4)
            at += 2  # a blank line between paragraphs
            pieces = []
            for clauses, kind, parent, family in planned[k: k + take]:
                sentence = _render_sentence(clauses)
                at += 1 if pieces else 0
                record = GenSentence(at, at + len(sentence), family, kind, parent)
                records.append(record)
                body.append((record, clauses))
                pieces.append(sentence)
                at += len(sentence)
            lines.append(" ".join(pieces))
            k += take
        article = Article(index, headline, "\n\n".join(lines), records)
        _check(article)
        self._remember(index, body)
        return article

    def _remember(self, index: int, body: list) -> None:
        if len(self.pool) < POOL_ARTICLES:
            self.pool.append((index, body))
        else:
            self.pool[self.rng.randrange(POOL_ARTICLES)] = (index, body)


def _word_count(clauses: list[list[str]]) -> int:
    return sum(len(part.split()) for clause in clauses for part in clause)


def _char_count(clauses: list[list[str]]) -> int:
    return sum(len(part) + 2 for clause in clauses for part in clause)


def _render_sentence(clauses: list[list[str]]) -> str:
    text = ", ".join(" ".join(parts) for parts in clauses) + "."
    return text[0].upper() + text[1:]


def _check(article: Article) -> None:
    """The recorded sentences must be exactly what the app's segmentation finds."""
    found = sentence_spans(article.text)
    expected = [(x.start, x.end) for x in article.sentences]
    if found != expected:
        wrong = next(i for i, (a, b) in enumerate(zip(found + [None] * len(expected), expected + [None] * len(found))) if a != b)
        raise ValueError(f"article {article.index}: sentence {wrong} is segmented as {found[wrong: wrong + 1]}, generated as {expected[wrong: wrong + 1]}")


def records(articles: Iterable[Article], seen: Callable[[Article], None] | None = None) -> Iterator[tuple[Document, list]]:
    """(Document, no spans) records for Store.add_documents; ``seen`` is told of each article."""
    for a in articles:
        if seen is not None:
            seen(a)
        yield Document(None, a.title, a.text, content_hash=content_hash(a.text), meta={"index": a.index}), []


def add_corpus_options(parser: argparse.ArgumentParser, size_help: str = "characters per article (the issue's ~5 KB)") -> None:
    """--articles, --seed and --size: the corpus of every bench built on this generator."""
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--size", type=int, default=5000, help=size_help)


@contextmanager
def work_folder(keep: Path | None) -> Iterator[Path]:
    """--keep's folder (made if missing, left in place), else a temporary one."""
    with tempfile.TemporaryDirectory() as tmp:
        work = keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        yield work


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    add_corpus_options(parser, "characters of body per article (about)")
    parser.add_argument("--truth", type=Path, help="also write the true sentences and copies here")
    args = parser.parse_args()
    truth = open(args.truth, "w", encoding="utf-8") if args.truth else None
    with open(args.out, "w", encoding="utf-8") as out:
        for a in CopiesCorpus(args.seed, args.size).articles(args.articles):
            out.write(json.dumps({"text": a.text, "meta": {"title": a.title, "index": a.index}}) + "\n")
            if truth:
                truth.write(json.dumps({"index": a.index, "sentences": [[x.start, x.end, x.family, x.kind, x.parent] for x in a.sentences]}) + "\n")
    if truth:
        truth.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
