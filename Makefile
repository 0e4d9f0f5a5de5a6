# casebundle developer tasks. `make check` = lint + types + import contracts + tests.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup run test test-fast test-render test-browser screenshots lint types imports check lock bench samples clean fuzz

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q -c constraints.txt -e '.[dev]'
	touch $@

run: setup
	$(BIN)/casebundle run

test: setup
	$(BIN)/python -m pytest -n 2

test-fast: setup
	$(BIN)/python -m pytest -n 2 -m "not slow and not browser"

# The web app in Debian's chromium (apt-get install -y chromium), with a real run.
test-browser: setup
	$(BIN)/python -m pytest -m browser

# Regenerate the README's pictures of the web app.
screenshots: setup
	CASEBUNDLE_SCREENSHOTS=docs/images $(BIN)/python -m pytest -m browser

# Longer fuzzing of the readers than the normal suite runs (about 2,000 examples).
fuzz: setup
	CASEBUNDLE_FUZZ_EXAMPLES=$${CASEBUNDLE_FUZZ_EXAMPLES:-2000} $(BIN)/python -m pytest -q \
		tests/pipeline/ingest/test_fuzz_read.py

# Print every kind of output with LibreOffice and Chromium and check the PDFs.
test-render: setup
	$(BIN)/python -m pytest -m render

lint: setup
	$(BIN)/ruff check pipeline flows tests benchmarks sample_inputs

types: setup
	$(BIN)/mypy

# import contracts in pyproject.toml [tool.importlinter], plus module-level cycles
imports: setup
	$(BIN)/lint-imports --no-cache --no-logo
	$(BIN)/python -m tests.support.imports pipeline flows

check: lint types imports test

# Re-pin every dependency after changing pyproject.toml.
lock: setup
	$(BIN)/pip freeze --exclude-editable > constraints.txt

bench: setup
	$(BIN)/python benchmarks/redaction_eval.py
	$(BIN)/python benchmarks/throughput.py
	$(BIN)/python benchmarks/identity_eval.py

samples: setup
	$(BIN)/python sample_inputs/make_samples.py

clean:
	rm -rf outputs/*/ .pytest_cache .mypy_cache .ruff_cache
