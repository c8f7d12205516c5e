# Jiayuan — the two commands: `make demo` and `make test` (see README.md).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# xstatic-bootstrap still builds with pkg_resources, which setuptools 81 removed.
export PIP_CONSTRAINT := $(CURDIR)/build-constraints.txt
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install demo test coverage lint format bench clean-demo messages

$(BIN)/activate:
	$(PY) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/activate requirements.lock pyproject.toml
	$(BIN)/pip install -q -r requirements.lock
	$(BIN)/pip install -q --no-deps -e .
	touch $@

install: $(VENV)/.installed

demo: install
	DEBUG=1 $(BIN)/jiayuan demo --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	JIAYUAN_ALLOW_INSECURE_KEY=1 $(BIN)/jiayuan makemigrations --check --dry-run

test: lint
	$(BIN)/pytest -n 2 --dist loadfile

# The suite with line and branch coverage of src/jiayuan (a summary; files fully covered are left out).
coverage: install
	$(BIN)/pytest -n 2 --dist loadfile -q --cov=jiayuan --cov-branch --cov-report=term-missing:skip-covered

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python bench/estate.py
	$(BIN)/python bench/requests.py
	$(BIN)/python bench/billing.py
	$(BIN)/python bench/scope.py
	$(BIN)/python bench/indicators.py

clean-demo:
	rm -f var/jiayuan.sqlite3 var/demo.env

# Refresh the English catalogue (Chinese is the source language, docs/decisions/0002).
messages: install
	cd src/jiayuan && DEBUG=1 ../../$(BIN)/jiayuan makemessages -l en --no-obsolete --ignore 'settings*'
	cd src/jiayuan && DEBUG=1 ../../$(BIN)/jiayuan compilemessages -l en
