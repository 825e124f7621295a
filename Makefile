# A newcomer needs two commands: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint bench loadtest messages clean

$(PY):
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

run: $(VENV)/.installed
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} $(PY) manage.py load_demo
	@echo "API docs: http://$(HOST):$(PORT)/api/docs/   admin: http://$(HOST):$(PORT)/admin/"
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.installed
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .

bench: $(VENV)/.installed
	@for script in bench/directory.py bench/matching.py bench/subsidies_export.py; do echo "== $$script"; $(PY) $$script || exit 1; done

# gunicorn + a Celery worker + PostgreSQL + Redis on 127.0.0.1, 60 s at 16 clients (bench/load.py).
LOAD_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/tcyss_load
loadtest: $(VENV)/.installed
	@psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='tcyss_load'" | grep -q 1 \
		|| createdb -h 127.0.0.1 -U postgres tcyss_load
	DATABASE_URL=$(LOAD_DATABASE_URL) $(PY) bench/load.py $(LOAD_ARGS)

messages: $(VENV)/.installed
	$(PY) manage.py makemessages -l ja -l en --no-wrap --ignore '.venv/*' --ignore 'var/*' --ignore 'tests/*' --ignore 'bench/*'
	$(PY) manage.py compilemessages --ignore '.venv/*'

clean:
	rm -rf $(VENV) var db.sqlite3 .pytest_cache .mypy_cache .ruff_cache
