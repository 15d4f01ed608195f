"""`annotator train` against `python -m spacy train` on the same DocBin pair and config (issue 13, Performance).

Usage: python bench/bench_train.py [--documents 300] [--steps 200] [--seed 0] [--rounds 2] [--keep DIR]
       python bench/bench_train.py --train T.spacy --dev D.spacy --config C.cfg [--steps N] ...

Without files, a corpus is generated (tests/training/treaty_corpus.py: news-like sentences naming
treaties and countries, every span accepted), imported into a database, and `annotator train`
writes its DocBins (OUT/corpus/train.spacy, dev.spacy) once; the config is the one `annotator
train` generates (spaCy's init config: English NER, CPU, efficiency). Then, in each round, in
alternating order, each side runs in its own subprocess on those files with the same max steps
and seed (and the same eval frequency, from the config):
- annotator: ``annotator.training.run.train_files``, the training path of `annotator train`
  (init_nlp and spaCy's training loop, our step logger and progress records, cancel checks, the
  staging folder, the best pipeline moved into OUT_DIR and its config rewritten);
- spacy: ``python -m spacy train CONFIG --paths.train T --paths.dev D --output OUT`` (console log).
The database export and split are in neither (they are `annotator train`'s own work before it
trains). Each side keeps its best wall and CPU time (the child's user + system); the ratio
spacy / annotator is our speed as a fraction of spaCy's (target >= 0.95x); both runs must reach
the same dev F1 (same seed, same steps).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "training"))

TARGET = 0.95
OURS = (
    "import sys; from pathlib import Path; from annotator.training.run import train_files; "
    "f = train_files(*map(Path, sys.argv[1:5]), progress=lambda record: None); "
    "print(f.meta['performance']['ents_f'])"
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=300)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--train", type=Path)
    parser.add_argument("--dev", type=Path)
    parser.add_argument("--config", type=Path)
    parser.add_argument("--keep", type=Path, help="work in this folder and leave it (default: a temporary one)")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench_train_"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        return run(args, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def run(args, work: Path) -> int:
    train, dev, config = (args.train, args.dev, args.config) if args.train else corpus(work, args.documents, args.seed)
    config = same_settings(config, work / "bench.cfg", args.steps, args.seed)
    print(f"corpus: {train} ({train.stat().st_size:,} bytes), {dev}; config {config}; {args.steps} steps, seed {args.seed}")
    sides = {
        "annotator": lambda out: [sys.executable, "-c", OURS, str(config), str(train), str(dev), str(out)],
        "spacy": lambda out: [sys.executable, "-m", "spacy", "train", str(config), "--paths.train", str(train),
                              "--paths.dev", str(dev), "--output", str(out)],
    }
    best = {name: (float("inf"), float("inf")) for name in sides}
    scores = {}
    for round_ in range(args.rounds):
        for name in (list(sides) if round_ % 2 == 0 else list(sides)[::-1]):
            out = work / f"{name}-{round_}"
            wall, cpu = timed(sides[name](out))
            scores[name] = f1_of(out, name)
            best[name] = (min(best[name][0], wall), min(best[name][1], cpu))
            print(f"round {round_ + 1} {name:<9} wall {wall:7.2f} s  cpu {cpu:7.2f} s  dev F1 {scores[name]:.4f}")
    for name, (wall, cpu) in best.items():
        print(f"best {name:<9} wall {wall:7.2f} s  cpu {cpu:7.2f} s")
    wall_ratio, cpu_ratio = best["spacy"][0] / best["annotator"][0], best["spacy"][1] / best["annotator"][1]
    same = abs(scores["annotator"] - scores["spacy"]) < 1e-6
    print(f"same dev F1: {'yes' if same else 'NO'} ({scores['annotator']:.4f} / {scores['spacy']:.4f})")
    ok = cpu_ratio >= TARGET and same
    print(f"annotator train speed vs spacy train: {wall_ratio:.3f}x wall, {cpu_ratio:.3f}x cpu (target >= {TARGET}x, cpu) {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


def corpus(work: Path, documents: int, seed: int) -> tuple[Path, Path, Path]:
    """A generated database trained on once by the verb (2 steps): its DocBins and config."""
    from treaty_corpus import treaty_store

    db = treaty_store(work, documents, seed=seed + 13)
    out = work / "verb"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-m", "annotator", "--db", str(db), "train", str(out), "--max-steps", "2", "--seed", str(seed)],
                   check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return out / "corpus" / "train.spacy", out / "corpus" / "dev.spacy", out / "config.cfg"


def same_settings(source: Path, target: Path, steps: int, seed: int) -> Path:
    """The config with both sides' max steps, seed and eval frequency fixed in the file itself."""
    from spacy.util import load_config

    from annotator.training.config import EVAL_EVERY

    config = load_config(source, interpolate=False)
    config["training"]["max_steps"] = steps
    config["training"]["eval_frequency"] = max(1, min(EVAL_EVERY, steps // 10))
    config["system"]["seed"] = seed
    config.to_disk(target)
    return target


def timed(command: list[str]) -> tuple[float, float]:
    before, start = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(ROOT)})
    wall, after = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def f1_of(out: Path, name: str) -> float:
    meta = out / ("meta.json" if name == "annotator" else "model-best/meta.json")
    return json.loads(meta.read_text())["performance"]["ents_f"]


if __name__ == "__main__":
    sys.exit(main())
