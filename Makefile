# Two entry points: `make run` (demo Odoo on localhost:8069) and `make test`.
PYTHON ?= python3

.PHONY: run test lint deps

deps:
	$(PYTHON) -m pip install -q -r requirements-dev.txt

run:
	$(PYTHON) -m pip install -q "pandas>=1.5"
	$(PYTHON) scripts/kam_dev.py run

lint: deps
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .
	$(PYTHON) -m pylint --rcfile=.pylintrc kam_management

test: lint
	$(PYTHON) -m pytest
