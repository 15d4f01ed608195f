# Two commands: `make run` (set up, open the app on the seeded default DB) and `make test`.
# Everything goes into .venv; re-running is a no-op once the lock has been installed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test bench bundle lock clean

setup: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

run: setup
	$(BIN)/annotator

test: setup
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

bench: setup
	for script in bench/bench_*.py; do QT_QPA_PLATFORM=offscreen $(BIN)/python $$script || exit 1; done

# The one-folder PyInstaller bundle in dist/annotator/, then its self-test and smoke test.
bundle: setup
	packaging/build.sh
	packaging/smoke.sh

# Re-resolve the pinned versions and hashes (needs uv: pip install uv).
lock:
	uv pip compile --universal --python-version 3.11 --generate-hashes --no-header --all-extras pyproject.toml -o requirements.lock

clean:
	rm -rf $(VENV) build dist *.egg-info
