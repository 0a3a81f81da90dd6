# A fresh clone needs only `make run` or `make test`: each creates .venv and installs first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	# An old pip skips lxml's html-clean extra, which trafilatura needs.
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The service, in the foreground: polls the due feeds, sends the daily digest; Ctrl-C stops it.
run: $(STAMP)
	$(BIN)/monitor run

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff format --check src tests bench
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

# `make bench PAGES=DIR` runs the poll benchmark on a folder of real pages.
bench: $(STAMP)
	$(BIN)/python bench/poll.py $(if $(PAGES),--pages $(PAGES))
	$(BIN)/python bench/match.py
	$(BIN)/python bench/relevance.py
	$(BIN)/python bench/clusters.py $(if $(PAGES),--pages $(PAGES))

clean:
	rm -rf $(VENV)
