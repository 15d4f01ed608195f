"""Helpers shared by the benchmark scripts: corpus generation and timing of whole commands."""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def seed_sentences() -> list[str]:
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt")))
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if len(s.strip()) > 20]


def article(rng: random.Random, sentences: list[str], size: int, number: int) -> str:
    """A news-like text of about ``size`` characters, unique through its first line."""
    parts, length = [f"Article {number}: {rng.choice(sentences)[:60]}"], 0
    while length < size:
        paragraph = " ".join(rng.choice(sentences) for _ in range(rng.randint(2, 4)))
        parts.append(paragraph)
        length += len(paragraph) + 2
    return "\n\n".join(parts)


def timed_command(args: list[str], env: dict | None = None) -> float:
    """Wall time of a whole command (interpreter start-up included)."""
    start = time.perf_counter()
    subprocess.run(args, check=True, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def python_command(code: str, *args: str) -> list[str]:
    return [sys.executable, "-c", code, *args]


def annotator_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "annotator", *args]
