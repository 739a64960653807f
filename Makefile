# Two entry points: `make run` (demo Odoo on localhost:8069) and `make test`.
PYTHON ?= python3
PORT ?= 8069

.PHONY: run stop test test-core lint deps

deps:
	$(PYTHON) -m pip install -q -r requirements-dev.txt

run:
	$(PYTHON) -m pip install -q -r requirements.txt
	$(PYTHON) scripts/kam_dev.py run --port $(PORT)

stop:
	$(PYTHON) scripts/kam_dev.py pg-stop

lint: deps
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .
	$(PYTHON) -m pylint --rcfile=.pylintrc kam_management

test: lint
	$(PYTHON) scripts/kam_dev.py test
