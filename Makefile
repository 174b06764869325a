# Everything runs from a project virtualenv that `setup` creates, so a fresh clone needs only python3.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup demo test test-sdk lint bench clean

## The package alone (what `make demo` needs), then the development tools and the examples' SDKs on top.
$(BIN)/.package: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e .
	touch $@

$(BIN)/.installed: $(BIN)/.package
	$(BIN)/python -m pip install -q -e '.[dev,examples]'
	touch $@

setup: $(BIN)/.installed

## The main job on the embedded default: the quickstart against the local GitHub emulator (no development tools).
demo: $(BIN)/.package
	$(BIN)/github-runner-groups demo

## Two workers (pytest-xdist): the suite is CPU-bound, and this machine has 2 cores.
test: setup
	$(BIN)/python -m pytest -q -n 2

## Test code checked with mypy --strict, one directory at a time (each has its own conftest module).
TYPED_TESTS := tests/conftest.py tests/hostile_check.py tests/enterprise_seed.py tests/lock_holder.py tests/unit tests/contract tests/hostile tests/engine tests/program tests/cli benchmarks

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict provider/
	for path in $(TYPED_TESTS); do MYPYPATH=provider:tests:tests/engine:benchmarks $(BIN)/mypy --strict $$path || exit 1; done

## The Pulumi SDKs that tests/engine and tests/program run against, each in its own .venv-sdk-VERSION: the oldest
## the package allows (the lower bound in pyproject.toml, read from there) and the newest release, pinned here.
## To move to a newer SDK: set SDK_NEWEST to its version, run `make test-sdk`, fix what fails, commit.
SDK_OLDEST := $(shell sed -n 's/.*"pulumi>=\([0-9.]*\),.*/\1/p' pyproject.toml).0
SDK_NEWEST := 3.272.0
SDK_VERSIONS := $(SDK_OLDEST) $(SDK_NEWEST)

.venv-sdk-%/bin/.installed: pyproject.toml
	$(PYTHON) -m venv .venv-sdk-$*
	.venv-sdk-$*/bin/python -m pip install -q --upgrade pip
	.venv-sdk-$*/bin/python -m pip install -q -e '.[dev]' 'pulumi==$*'
	touch $@

.PRECIOUS: .venv-sdk-%/bin/.installed

test-sdk: $(foreach version,$(SDK_VERSIONS),test-sdk-$(version))

test-sdk-%: .venv-sdk-%/bin/.installed
	@echo "== tests/engine and tests/program on pulumi $$(.venv-sdk-$*/bin/python -c 'import importlib.metadata as m; print(m.version("pulumi"))')"
	.venv-sdk-$*/bin/python -m pytest -q -n 2 -p no:cacheprovider tests/engine tests/program

bench: setup
	$(BIN)/python benchmarks/bench_runner_groups.py
	$(BIN)/python benchmarks/bench_budget.py

clean:
	rm -rf $(VENV) .venv-sdk-* .venv-wheel dist build .pulumi-state .pytest_cache .mypy_cache .ruff_cache
