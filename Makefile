# Two entry points: `make run` (demo Odoo on localhost:8069) and `make test`.
PYTHON ?= python3
PORT ?= 8069
# `make test-19`: the same suite on Odoo 19.0, with a Python whose `odoo` is
# 19.0 (ODOO19_PYTHON), or the 19.0 source tree (ODOO19_SRC, the folder of
# odoo-bin) and a Python that has its requirements. The addons for 19.0 are
# built from the source into .series/19.0 (scripts/kam_series.py). Both can
# be set once in the [19.0] section of ~/.config/kam_dev.conf (python, src).
ODOO19_CONFIG := $(shell $(PYTHON) scripts/kam_dev.py series-config 19.0 2>/dev/null)
ODOO19_PYTHON ?= $(or $(patsubst ODOO19_PYTHON=%,%,$(filter ODOO19_PYTHON=%,$(ODOO19_CONFIG))),$(PYTHON))
ODOO19_SRC ?= $(patsubst ODOO19_SRC=%,%,$(filter ODOO19_SRC=%,$(ODOO19_CONFIG)))
ODOO19 = env ODOO_SRC="$(ODOO19_SRC)" $(ODOO19_PYTHON)

.PHONY: run stop test test-19 test-core lint deps deps-19 pre-commit readme

deps:
	$(PYTHON) -m pip install -q -r requirements-dev.txt
	$(PYTHON) -m pip install -q --no-deps -r requirements-oca.txt

run:
	$(PYTHON) -m pip install -q -r requirements.txt
	$(PYTHON) -m pip install -q --no-deps -r requirements-oca.txt
	$(PYTHON) scripts/kam_dev.py run --port $(PORT)

stop:
	$(PYTHON) scripts/kam_dev.py pg-stop

lint: deps
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .
	$(PYTHON) -m pylint --rcfile=.pylintrc kam_management kam_reports

test: lint
	$(PYTHON) scripts/kam_dev.py test

# The lint runs once, on the source, also for `make test test-19`.
deps-19:
	$(ODOO19) scripts/kam_dev.py check-odoo --series 19.0
	$(ODOO19) scripts/kam_series.py build 19.0 > /dev/null
	$(ODOO19) -m pip install -q -r requirements-dev.txt
	$(ODOO19) -m pip install -q --no-deps -r .series/19.0/requirements-oca.txt

test-19: lint deps-19
	$(ODOO19) scripts/kam_dev.py test --series 19.0

# Odoo's own crm, sale and account tests with and without kam_management, in
# two fresh databases side by side (long: see README, Tests).
test-core:
	$(PYTHON) scripts/kam_dev.py core-test

pre-commit: deps
	pre-commit run --all-files

# README.rst and the Apps page of each addon, from its readme/ fragments and
# manifest; `make test` fails when they are out of date (tests/test_readme.py).
# The generator is OCA's and is not on PyPI, so `make deps` leaves it out:
#   pip install git+https://github.com/OCA/maintainer-tools pypandoc_binary
readme:
	oca-gen-addon-readme --org-name kam-odoo --repo-name key-account-management \
		--branch 18.0 --addons-dir . --no-commit --gen-html
