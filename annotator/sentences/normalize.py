"""The form two sentences are compared in, and the words their shingles are made of.

normalize(): NFKC, case folded, quote and dash variants made plain, invisible format
characters (soft hyphen, zero-width space) dropped, white space runs made one space.
words(): runs of letters and digits; characters of scripts written without spaces
(CJK, kana, Thai, Lao, Khmer, Myanmar) are a word each, so such text still has shingles.
"""

from __future__ import annotations

import re
import unicodedata

_PLAIN = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u00b4`\u2039\u203a", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\ufe58\ufe63\uff0d", "-"),
        **dict.fromkeys("\u00ad\u200b\u2060\ufeff", None),
    }
)
_UNSPACED = "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORDS = re.compile(rf"[{_UNSPACED}]|[^\W_{_UNSPACED}]+")


def normalize(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().translate(_PLAIN).split())


def words(normalized: str) -> list[str]:
    return _WORDS.findall(normalized)


def shingles(word_list: list[str]) -> list[str]:
    """Word bigrams (a one-word sentence: its word): a rewrite that swaps a word keeps most."""
    if len(word_list) < 2:
        return list(word_list)
    return [f"{a} {b}" for a, b in zip(word_list, word_list[1:])]
