# Two commands a new user needs: `make demo` and `make test`. Both build .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXAMPLE ?= examples/card-fraud/system.yaml

.PHONY: demo test check lint docs bench validate-capacity clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[dev,spark]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/mlreview check $(EXAMPLE)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest

docs: $(STAMP)
	$(BIN)/mlreview rules --full --format markdown > docs/rules.md
	$(BIN)/mlreview schema -o schema/mlreview.schema.json
	sed '/^## Field reference/,$$d' docs/manifest.md > docs/manifest.md.tmp
	$(BIN)/mlreview schema --format markdown >> docs/manifest.md.tmp
	mv docs/manifest.md.tmp docs/manifest.md

bench: $(STAMP)
	$(BIN)/python -m benchmarks.bench_speed
	$(BIN)/python -m benchmarks.bench_stages

validate-capacity: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python -m benchmarks.queue_tail
	$(BIN)/python -m benchmarks.validate_capacity

clean:
	rm -rf $(VENV) build dist src/*.egg-info .mypy_cache .ruff_cache
