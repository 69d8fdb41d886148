# GovMall — `make run` and `make test` on a fresh machine with Python 3.11.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Parallel test workers (2 on CI's 2-core machines).
TEST_WORKERS ?= auto

.PHONY: run test install migrate demo worker serve lint lock check-deploy clean

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "GovMall needs Python 3.11 (set PYTHON=/path/to/python3.11)")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

# The worker runs in the background for as long as the server does.
run: demo
	@echo "Starting the background worker and the server on http://$(HOST):$(PORT)/ (Ctrl-C stops both)"
	@$(PY) manage.py run_huey > var/worker.log 2>&1 & WORKER=$$!; \
	 trap 'kill $$WORKER 2>/dev/null' EXIT INT TERM; \
	 $(PY) manage.py runserver --noreload $(HOST):$(PORT)

lint: install
	$(VENV)/bin/lint-imports

test: install lint
	$(VENV)/bin/pytest -n $(TEST_WORKERS) -q

check-deploy: install
	$(VENV)/bin/pytest -q govmall/core/tests/test_deploy_check.py

lock:
	$(PY) -m pip freeze --exclude-editable > constraints.txt

clean:
	rm -rf $(VENV) var
