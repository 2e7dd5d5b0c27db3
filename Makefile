# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# pytest workers (pytest-xdist): 2 for a 2-core machine; `make test PYTEST_WORKERS=0` runs serially
PYTEST_WORKERS ?= 2

.PHONY: demo test suite test-extras lint typecheck check bench bench-peers clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# --no-compile: byte-compiling all 240 MB of the dependencies' sources costs ~1 CPU-minute; Python
# compiles (and caches) only the modules a command imports, on first use
$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet --no-compile -e '.[dev]'
	touch $(STAMP)

## demo: install, then run the main job on the sample project, offline
demo: $(STAMP)
	$(BIN)/llmops validate
	$(BIN)/llmops resolve support-bot
	$(BIN)/llmops eval support-bot
	$(BIN)/llmops gate support-bot
	demo/release-walk.sh $(BIN)/llmops

## test: install with dev extras, then lint, type-check and run the whole suite
# mypy (one core, ~45 s cold) runs alongside the suite, whose workers wait on git, servers and
# subprocesses often enough to leave it the time (mypy prints its result in one piece at its end)
test: $(STAMP) lint /usr/bin/chromium
	$(MAKE) --no-print-directory -j2 typecheck suite

suite: $(STAMP)
	$(BIN)/pytest -n $(PYTEST_WORKERS) --cov --cov-report=term

# the HTML report's tests drive the Debian browser (as root, once)
/usr/bin/chromium:
	export DEBIAN_FRONTEND=noninteractive; apt-get install -y -q chromium \
		|| { apt-get update -q && apt-get install -y -q chromium; }

## test-extras: the optional local-embeddings extra (CPU torch, ~1 min), then its tests
test-extras: $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev,local-embeddings]'
	$(BIN)/pytest tests/test_targets.py -k local

lint: $(STAMP)
	$(BIN)/ruff check llmops_cli tests bench
	$(BIN)/ruff format --check llmops_cli tests bench
	$(BIN)/actionlint .github/workflows/*.yml

typecheck: $(STAMP)
	$(BIN)/mypy

## bench: every benchmark, then the peers (installed into .bench/ on first use) side by side
bench: $(STAMP) bench-peers
	$(BIN)/python bench/startup.py
	$(BIN)/python bench/validate_scale.py
	$(BIN)/python bench/eval_throughput.py
	$(BIN)/python bench/registry_scale.py
	$(BIN)/python bench/drift_scale.py --big
	$(BIN)/python bench/canary_scale.py
	$(BIN)/python bench/guardrails_throughput.py
	$(BIN)/python bench/startup_vs_peers.py
	$(BIN)/python bench/eval_vs_peers.py
	$(BIN)/python bench/drift_vs_evidently.py
	$(BIN)/python bench/registry_vs_gto.py

# Peer tools at the versions bench/RESULTS.md names, each in its own folder (../shared/BENCH-NOTES.md)
bench-peers: .bench/promptfoo/node_modules/.bin/promptfoo .bench/evidently/bin/python \
	.bench/gto/bin/gto .bench/deepeval/bin/python

.bench/promptfoo/node_modules/.bin/promptfoo:
	mkdir -p .bench/promptfoo
	cd .bench/promptfoo && npm install --silent --no-audit --no-fund promptfoo@0.121.20 @libsql/client

.bench/evidently/bin/python:
	python3 -m venv .bench/evidently
	.bench/evidently/bin/pip install --quiet "evidently>=0.7,<0.8" "pandas<3" pyarrow

.bench/gto/bin/gto:
	python3 -m venv .bench/gto
	.bench/gto/bin/pip install --quiet "gto==1.10.1"

.bench/deepeval/bin/python:
	python3 -m venv .bench/deepeval
	.bench/deepeval/bin/pip install --quiet "deepeval==4.3.1"

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage
