# Every target creates .venv when it is missing; nothing needs conda or a PostHog account.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP_DEV := $(VENV)/.installed-dev
STAMP_NB  := $(VENV)/.installed-notebook

.PHONY: demo test lint notebooks bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_DEV): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

$(STAMP_NB): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[notebook]'
	touch $@

## make demo: the demo PostHog server plus JupyterLab on notebooks/ (Ctrl-C stops both)
demo: $(STAMP_NB)
	$(BIN)/python -m posthog_frames.demo --jupyter notebooks

## make test: the whole suite (unit, integration against the demo server, notebooks under nbval)
test: $(STAMP_DEV)
	POSTHOG_FRAMES_PROGRESS=0 $(BIN)/python -m pytest

lint: $(STAMP_DEV)
	$(BIN)/ruff check posthog_frames tests benchmarks
	$(BIN)/ruff format --check posthog_frames tests benchmarks

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
