#!/usr/bin/env bash
# Smoke test of a built bundle (CI runs it after packaging/build.sh):
# the self-test, plus what it does not cover: rapidfuzz and hashlib inside the bundle, the
# verbs and pre-annotation in 2 worker processes (a frozen app re-executes itself for them).
# Data goes to a temporary HOME.
# Usage: packaging/smoke.sh [dist/annotator]
set -euo pipefail
bundle=$(cd "${1:-$(dirname "$0")/../dist/annotator}" && pwd)
exe="$bundle/annotator"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME="$work/home" XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config" XDG_CACHE_HOME="$work/cache"
export QT_QPA_PLATFORM=offscreen
unset ANNOTATOR_DB

"$exe" --version
"$exe" --self-test

# Python code run by the bundle's own interpreter, started as multiprocessing starts its
# workers (entry.py calls freeze_support()): the bundle unpickles an exec() of the code
# from an inherited pipe. Exit status 1 and a traceback if the code raises.
in_bundle() {
    python3 - "$exe" "$1" <<'PY'
import os, pickle, subprocess, sys
exe, code = sys.argv[1:]
class Run:
    def __reduce__(self):
        return exec, (code + "\nimport os, sys\nsys.stdout.flush()\nos._exit(0)",)
read, write = os.pipe()
child = subprocess.Popen([exe, "--multiprocessing-fork", f"pipe_handle={read}"], pass_fds=[read])
os.close(read)
with os.fdopen(write, "wb") as pipe:
    pickle.dump({}, pipe)  # no preparation data: the bundle keeps its own sys.path
    pickle.dump(Run(), pipe)
sys.exit(child.wait())
PY
}
# rapidfuzz's compiled distance modules (the others are left out), and no OpenSSL:
# hashlib's sha256 is CPython's own.
in_bundle '
import hashlib, importlib.util
from rapidfuzz.distance import Indel, Levenshtein
score = Indel.normalized_similarity("abc", "abd")
ops = [tuple(op) for op in Levenshtein.opcodes("abc", "abd")]
assert abs(score - 2 / 3) < 1e-9, score
assert ops == [("equal", 0, 2, 0, 2), ("replace", 2, 3, 2, 3)], ops
for f in (Indel.normalized_similarity, Levenshtein.opcodes):
    assert f.__module__.startswith("rapidfuzz.distance.metrics_cpp"), f.__module__
from rapidfuzz.distance import metrics_cpp  # the build CPUs without AVX2 use
assert metrics_cpp.indel_normalized_similarity("abc", "abd") == score
assert importlib.util.find_spec("ssl") is None, "ssl is bundled"
assert hashlib.sha256(b"abc").hexdigest().startswith("ba7816bf"), "sha256"
print(f"smoke: rapidfuzz in the bundle: Indel {score:.3f}, Levenshtein.opcodes {len(ops)} ops ({Indel.normalized_similarity.__module__}); no ssl")
'

# 40 distinct articles from the bundled seeds: several batches, so 2 processes really run.
mkdir "$work/articles"
for i in $(seq 1 40); do
    { echo "Smoke article $i"; cat "$bundle"/_internal/seeds/*.txt; } > "$work/articles/a$i.txt"
done
"$exe" --db "$work/smoke.db" import "$work/articles"
"$exe" --db "$work/smoke.db" preannotate --processes 2
"$exe" --db "$work/smoke.db" export "$work/out.jsonl" --include-suggestions
python3 - "$work/out.jsonl" <<'PY'
import json, sys
records = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
spans = [(r["text"], s) for r in records for s in r["spans"]]
assert len(records) == 40, f"{len(records)} documents exported, expected 40"
assert all(r["spans"] for r in records), "a document has no suggestions"
bad = [s for text, s in spans if text[s["start"]:s["end"]] != s["text"]]
assert not bad, f"{len(bad)} span(s) with wrong offsets, e.g. {bad[0]}"
print(f"smoke: 40 documents pre-annotated in 2 processes, {len(spans)} spans exported, offsets exact")
PY
