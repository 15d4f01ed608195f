#!/usr/bin/env bash
# Smoke test of a built bundle (CI runs it after packaging/build.sh):
# the self-test, plus what it does not cover: the verbs and pre-annotation in 2 worker
# processes (a frozen app re-executes itself for them). Data goes to a temporary HOME.
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
