# huixun — every target sets itself up on a fresh Debian machine (Python 3.11, root, no venv).
# `make serve` and `make test` are the whole quick start; nothing else has to be installed by hand.

PYTHON    ?= python3
VENV      := .venv
BIN       := $(VENV)/bin
PY        := $(BIN)/python
INDEX_DIR ?= $(or $(HUIXUN_INDEX_DIR),var/index)
DEMO      := data/demo
APT_GET   := DEBIAN_FRONTEND=noninteractive apt-get

.PHONY: serve test lint bench bench-scale reliability eval-extract eval-search demo-index venv install install-test system-test-deps clean

venv: $(PY)
$(PY):
	$(PYTHON) -m venv $(VENV)
	# The pip that ships with Python 3.11.7 (23.2.1) mishandles some extras: upgrade it first.
	$(BIN)/pip install --quiet --upgrade pip

install: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml | $(PY)
	$(BIN)/pip install --quiet -e .
	touch $@

install-test: $(VENV)/.installed-test
$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed

# Debian's chromium drives the browser tests (Playwright never downloads a browser here); without a CJK
# font, Chinese renders as empty boxes in screenshots.
system-test-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! dpkg -s fonts-wqy-microhei >/dev/null 2>&1; then \
		$(APT_GET) update -qq && $(APT_GET) install -y -qq chromium fonts-wqy-microhei; \
	fi

# An index another huixun version built (another schema) cannot be opened: the demo index in the default
# place is rebuilt (atomically); any other index is the operator's to rebuild from its own sources.
demo-index: install
	@if [ ! -e "$(INDEX_DIR)/live" ]; then \
		echo "building the demo index in $(INDEX_DIR)"; \
		$(BIN)/huixun index $(DEMO) --index-dir "$(INDEX_DIR)"; \
	elif $(BIN)/huixun stats --index-dir "$(INDEX_DIR)" >/dev/null 2>&1; then \
		echo "index present in $(INDEX_DIR)"; \
	elif [ "$(INDEX_DIR)" = "var/index" ]; then \
		echo "rebuilding the demo index in $(INDEX_DIR) for this huixun version"; \
		$(BIN)/huixun index $(DEMO) --index-dir "$(INDEX_DIR)" --rebuild; \
	else \
		$(BIN)/huixun stats --index-dir "$(INDEX_DIR)" >/dev/null; \
	fi

serve: install demo-index
	HUIXUN_INDEX_DIR="$(INDEX_DIR)" $(BIN)/huixun serve

test: install-test system-test-deps
	$(BIN)/ruff check .
	$(BIN)/pytest -q

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: install-test
	@command -v wrk >/dev/null 2>&1 || ($(APT_GET) update -qq && $(APT_GET) install -y -qq wrk)
	@for b in bench/bench_index.py bench/bench_query.py bench/bench_http.py bench/bench_ingest.py; do \
		if [ -f $$b ]; then echo "== $$b"; $(PY) $$b || exit 1; fi; \
	done
	@echo "results in bench/results/"

# Scale: indexes of 100,000, 300,000 and 1,000,000 documents (the benchmark corpus repeated with new ids,
# built once per size under var/scale/ and reused while their inputs are unchanged), the bench query set
# over HTTP with one worker; writes bench/results/bench_scale.md. SIZES="100000 300000" for fewer.
SIZES ?= 100000 300000 1000000
bench-scale: install-test
	$(PY) bench/bench_scale.py --sizes $(SIZES)

# Fault, load and hostile-input campaigns against real gunicorn (at most 15 minutes on 2 cores: the ten-minute
# soak runs beside the campaigns that measure no latency; reads ../shared/corpus/). Writes
# bench/results/reliability.md (SOAK=120 for a shorter try).
SOAK ?= 600
reliability: install-test system-test-deps
	@command -v wrk >/dev/null 2>&1 || ($(APT_GET) update -qq && $(APT_GET) install -y -qq wrk)
	$(PY) bench/reliability.py --soak-seconds $(SOAK)

eval-extract: install-test
	$(PY) scripts/eval_extract.py

eval-search: install-test
	$(PY) scripts/eval_search.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache
