# The one entry point. Each target sets up .venv with only what it needs:
#   make install / make report   the library and its runtime dependencies
#   make test                    + the `test` extra (pytest, the pygambit oracle, nbclient)
#   make lint                    + the `lint` extra (ruff, mypy)
#   make docs                    + the `docs` extra (MkDocs), builds site/ (warnings are errors)
# One stamp per extra: a target re-installs only when pyproject.toml is newer than its stamp,
# so `make test` after `make report` only adds the test extra.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PIP    := $(BIN)/python -m pip install --quiet

.PHONY: install report test bench lint docs clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) -e .
	@touch $(STAMP)

$(VENV)/.installed-%: $(STAMP)
	$(PIP) -e ".[$*]"
	@touch $@

install: $(STAMP)

report: $(STAMP)
	$(BIN)/qa-games report --out report

test: $(VENV)/.installed-test
	MPLBACKEND=Agg $(BIN)/python -m pytest -q -n 2 --durations=15

bench: $(VENV)/.installed-test $(VENV)/.installed-bench
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

lint: $(VENV)/.installed-lint
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy src/qa_games

docs: $(VENV)/.installed-docs
	$(BIN)/mkdocs build --strict --site-dir site

clean:
	rm -rf $(VENV) report build dist site .cache
