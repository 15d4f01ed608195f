#!/usr/bin/env bash
# Build the one-folder bundle dist/annotator/ from this checkout with the pinned
# dependencies (.venv from requirements.lock; `make setup` creates it when missing).
# Then run the bundle's self-test:  dist/annotator/annotator --self-test
set -euo pipefail
cd "$(dirname "$0")/.."

make setup
started=$SECONDS
# --clean: no stale analysis from an older checkout; build/ and dist/ are gitignored.
.venv/bin/pyinstaller --noconfirm --clean --log-level WARN \
    --workpath build/pyinstaller --distpath dist packaging/annotator.spec
size=$(du -sm dist/annotator | cut -f1)
echo "built dist/annotator/ (${size} MB) in $((SECONDS - started)) s"
