# Every target creates .venv when it is missing; nothing needs conda or a PostHog account.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP_DEV := $(VENV)/.installed-dev
STAMP_NB  := $(VENV)/.installed-notebook
STAMP_TYPING := $(VENV)/.installed-typing
STAMP_MUTATION := $(VENV)/.installed-mutation

.PHONY: demo test test-oldest test-package doctor lint notebooks bench test-browser mutation \
	clean record-example replay-example

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_DEV): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

$(STAMP_TYPING): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev,typing]'
	touch $@

$(STAMP_MUTATION): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev,mutation]'
	touch $@

$(STAMP_NB): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[notebook]'
	touch $@

## make demo: the demo PostHog server plus JupyterLab on notebooks/ (Ctrl-C stops both)
## (DEMO_PORT=0 picks any free port when 8010 is taken)
DEMO_PORT ?= 8010
demo: $(STAMP_NB)
	$(BIN)/python -m posthog_frames.demo --port $(DEMO_PORT) --jupyter notebooks

# Notebooks and tests never use a real PostHog account, whatever the calling shell has set.
# Nor a cassette named in the shell, which every client would record to or replay from.
NO_ACCOUNT := env -u POSTHOG_PERSONAL_API_KEY -u POSTHOG_HOST -u POSTHOG_PROJECT_ID -u POSTHOG_FRAMES_DEMO \
	-u POSTHOG_FRAMES_CASSETTE -u POSTHOG_FRAMES_CASSETTE_MODE POSTHOG_FRAMES_PROGRESS=0 MPLBACKEND=Agg

SUITE := -m pytest tests posthog_frames $(wildcard notebooks/*.ipynb) --doctest-modules --nbval --nbval-current-env --nbval-sanitize-with notebooks/nbval_sanitize.cfg

## make test: the whole suite (unit, integration against the demo server, every docstring
## example, notebooks under nbval)
test: $(STAMP_DEV)
	$(NO_ACCOUNT) $(BIN)/python $(SUITE)

# The oldest supported environment: every dependency at its floor (constraints/oldest.txt, the
# same versions as pyproject.toml's lower bounds), in a venv of its own.
OLDEST       := .venv-oldest
STAMP_OLDEST := $(OLDEST)/.installed-oldest

$(OLDEST)/bin/python:
	$(PYTHON) -m venv $(OLDEST)
	$(OLDEST)/bin/python -m pip install --quiet --upgrade pip

$(STAMP_OLDEST): pyproject.toml constraints/oldest.txt | $(OLDEST)/bin/python
	$(OLDEST)/bin/python -m pip install --quiet -e '.[dev]' -c constraints/oldest.txt
	touch $@

## make test-oldest: the whole suite again with the lowest supported version of every dependency
test-oldest: $(STAMP_OLDEST)
	$(NO_ACCOUNT) POSTHOG_FRAMES_OLDEST=1 $(OLDEST)/bin/python $(SUITE)

## make test-package: build the sdist and the wheel, install the wheel (not editable) in a fresh
## venv and run the README's quick start there against the demo server
test-package: $(STAMP_DEV)
	$(NO_ACCOUNT) POSTHOG_FRAMES_PACKAGE=1 $(BIN)/python -m pytest tests/package -v -s -p no:cacheprovider

## make notebooks: re-execute every notebook against a fresh demo server and save the outputs
notebooks: $(STAMP_DEV)
	$(NO_ACCOUNT) $(BIN)/python scripts/run_notebooks.py notebooks/*.ipynb

## make record-example: run docs/examples/ci-report.ipynb against a fresh demo server, storing
## every answer in its cassette (pseudonymised) and the outputs in the notebook
EXAMPLE := docs/examples/ci-report
record-example: $(STAMP_DEV)
	$(NO_ACCOUNT) $(BIN)/posthog-frames record $(EXAMPLE).ipynb --cassette $(EXAMPLE).cassette.json --demo

## make replay-example: replay it under nbval from the cassette alone (no server, no key), as CI
## would; fails on an error, a request never recorded, or an output that changed
replay-example: $(STAMP_DEV)
	$(NO_ACCOUNT) $(BIN)/posthog-frames replay $(EXAMPLE).ipynb --cassette $(EXAMPLE).cassette.json

## make bench: the benchmark table (ratios against baselines run side by side)
bench: $(STAMP_DEV)
	$(BIN)/python benchmarks/run.py

## make test-browser: the notebooks and the FilterBuilder in a real headless Chromium
test-browser: $(STAMP_DEV) $(STAMP_NB)
	bash scripts/test_browser.sh

## make mutation: mutation testing of the pure modules (frames/trends, frames/funnels, filters,
## http/paging, frames/persons; MODULES="filters" for some, ONLY=concat_person_pages for one
## function), a score per module and every survivor not listed in tests/mutation/equivalent.toml.
## Tens of minutes: not part of make test. JOBS=1 (the default) mutants run at once.
MODULES ?=
ONLY ?=
JOBS ?= 1
mutation: $(STAMP_MUTATION)
	$(NO_ACCOUNT) POSTHOG_FRAMES_FIXTURES=$(abspath ../shared/posthog-fixtures) \
		$(BIN)/python scripts/mutation.py $(MODULES) $(if $(ONLY),--only '$(ONLY)') --jobs $(JOBS)

## make lint: ruff, and mypy on the package and on typical uses of its public API
lint: $(STAMP_DEV) $(STAMP_TYPING)
	$(BIN)/ruff check posthog_frames tests benchmarks scripts conftest.py
	$(BIN)/ruff format --check posthog_frames tests benchmarks scripts conftest.py
	$(BIN)/mypy posthog_frames tests/typing/public_api.py

clean:
	rm -rf $(VENV) $(OLDEST) build dist *.egg-info .pytest_cache mutants
