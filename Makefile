# The two set-up commands (README.md): `make run` and `make test`.
#
# Both create .venv when it is missing and install the project into it. An install is recorded in
# a stamp file that is older than pyproject.toml only when the dependencies may have changed, so a
# second run skips pip entirely. The front-end packages (package.json, the BPMN editor) are
# installed the same way: `npm ci` from package-lock.json, stamped in node_modules/.installed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
# Extra pytest arguments, e.g. `make test PYTEST_ARGS="-k claim -x"`.
PYTEST_ARGS ?=
# Test processes (pytest-xdist): one per core by default; TEST_WORKERS=0 runs in this process.
TEST_WORKERS ?= auto

# A partner agency's own system next to the demo (README: "Partner systems"): bhxh or thue.
# The main demo is on MAIN_PORT (PORT of `make run`), bhxh on the next port and thue on the one
# after, unless BHXH_PORT / THUE_PORT say otherwise; `make run-partner` serves on PORT when given.
PARTNER ?= bhxh
MAIN_PORT ?= $(PORT)
BHXH_PORT ?= $(shell expr $(MAIN_PORT) + 1)
THUE_PORT ?= $(shell expr $(MAIN_PORT) + 2)
PARTNER_DEFAULT_PORT = $(if $(filter thue,$(PARTNER)),$(THUE_PORT),$(BHXH_PORT))
PARTNER_PORT = $(if $(filter file,$(origin PORT)),$(PARTNER_DEFAULT_PORT),$(PORT))

.PHONY: run run-partner test install install-test npm-install

run: install npm-install
	$(BIN)/motcua init-db
	$(BIN)/motcua demo --main-port $(PORT) --bhxh-port $(BHXH_PORT) --thue-port $(THUE_PORT)
	$(BIN)/motcua serve --host $(HOST) --port $(PORT) --demo-stand-ins

run-partner: install npm-install
	DATABASE_URL=sqlite:///$(CURDIR)/instance/$(PARTNER).sqlite $(BIN)/motcua init-db
	DATABASE_URL=sqlite:///$(CURDIR)/instance/$(PARTNER).sqlite $(BIN)/motcua demo --as $(PARTNER) --main-port $(MAIN_PORT)
	DATABASE_URL=sqlite:///$(CURDIR)/instance/$(PARTNER).sqlite $(BIN)/motcua serve --host $(HOST) --port $(PARTNER_PORT)

test: install-test npm-install
	$(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test
npm-install: node_modules/.installed

# Exactly what package-lock.json pins; redone only when package.json or the lockfile changes.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# The test extra includes the project itself, so it also satisfies `make run`.
$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@
