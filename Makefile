# casebundle developer tasks. `make check` = lint + types + tests.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup run test test-fast test-render lint types check lock bench samples clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q -c constraints.txt -e '.[dev]'
	touch $@

run: setup
	$(BIN)/casebundle run

test: setup
	$(BIN)/python -m pytest

test-fast: setup
	$(BIN)/python -m pytest -m "not slow"

# Print every kind of output with LibreOffice and Chromium and check the PDFs.
test-render: setup
	$(BIN)/python -m pytest -m render


lint: setup
	$(BIN)/ruff check pipeline flows tests benchmarks sample_inputs

types: setup
	$(BIN)/mypy

check: lint types test

# Re-pin every dependency after changing pyproject.toml.
lock: setup
	$(BIN)/pip freeze --exclude-editable > constraints.txt

bench: setup
	$(BIN)/python benchmarks/redaction_eval.py
	$(BIN)/python benchmarks/throughput.py

samples: setup
	$(BIN)/python sample_inputs/make_samples.py

clean:
	rm -rf outputs/*/ .pytest_cache .mypy_cache .ruff_cache
