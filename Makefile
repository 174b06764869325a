# Everything runs from a project virtualenv that `setup` creates, so a fresh clone needs only python3.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup demo test lint bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

setup: $(BIN)/.installed

## The main job on the embedded default: the quickstart against the local GitHub emulator.
demo: setup
	$(BIN)/github-runner-groups demo

test: setup
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict provider/

bench: setup
	$(BIN)/python benchmarks/bench_runner_groups.py

clean:
	rm -rf $(VENV) .pulumi-state .pytest_cache .mypy_cache .ruff_cache
