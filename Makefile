# Two commands set up everything on a fresh machine with Python 3.11+ and make:
#   make run   — the app with the demo trust at http://127.0.0.1:8000 (SQLite, tasks in-process)
#   make test  — the whole test suite (uses DATABASE_URL / REDIS_URL when they are set)

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install lint migrate seed worker beat clean

$(STAMP): requirements-dev.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "QI Portal needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	env -u DATABASE_URL -u REDIS_URL DEBUG=true $(BIN)/python manage.py migrate --noinput
	env -u DATABASE_URL -u REDIS_URL DEBUG=true $(BIN)/python manage.py seed_demo
	env -u DATABASE_URL -u REDIS_URL DEBUG=true $(BIN)/python manage.py runserver 127.0.0.1:8000

test: $(STAMP)
	DEBUG=true $(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

worker: $(STAMP)
	$(BIN)/celery -A qi_portal worker -Q charts,dashboards --loglevel=INFO

beat: $(STAMP)
	$(BIN)/celery -A qi_portal beat --loglevel=INFO

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache
