# Two commands do all the set-up: `make run` and `make test` (see README).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := app

.PHONY: install run serve worker test lint bench translations translations-update db seed clean

$(BIN)/activate: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/activate

install: $(BIN)/activate translations

translations: $(BIN)/activate
	$(BIN)/pybabel -q compile -d app/translations

instance/config.py:
	mkdir -p instance
	$(BIN)/python -c "import secrets; print(f'SECRET_KEY = {secrets.token_hex(32)!r}')" > instance/config.py

db: install instance/config.py
	$(BIN)/flask db upgrade

seed: db
	$(BIN)/flask seed --demo

# The worker (outbox, scheduled reminders) runs beside the app and stops with it.
run: seed
	$(BIN)/huey_consumer app.worker.huey --workers 2 --quiet & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/flask run --host 127.0.0.1 --port 5000

# Production: gunicorn with gunicorn.conf.py on the configured database (DATABASE_URL, or SQLite in
# instance/), migrated first; no demo data. BIND and WEB_CONCURRENCY override address and workers.
# The worker runs beside it (a service manager may run `make worker` on its own instead).
serve: db
	$(BIN)/huey_consumer app.worker.huey --workers 2 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn -c gunicorn.conf.py 'app:create_app()'

worker: db
	$(BIN)/huey_consumer app.worker.huey --workers 2

test: install
	$(BIN)/pytest -q

lint: install
	$(BIN)/ruff check app tests seed migrations bench gunicorn.conf.py

# The benchmark (README, Benchmark; not part of `make test`): a generated register of BENCH_SCALE assignments
# (instance/bench.db, or BENCH_DB=postgresql://…, kept for the next run) under gunicorn beside a bare Flask
# app, page by page with wrk; the result in bench/results/. Settings: BENCH_* in the environment.
bench: install
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) instance/app.db

# After adding or changing UI strings: refresh the English catalog, then translate the new entries.
translations-update: $(BIN)/activate
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -k _lp:1c,2 -o app/translations/messages.pot .
	$(BIN)/pybabel -q update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching
