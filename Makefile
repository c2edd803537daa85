# Two commands do all the set-up: `make run` and `make test` (see README).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := app

.PHONY: install run test lint translations db seed clean

$(BIN)/activate: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/activate

install: $(BIN)/activate translations

translations: $(BIN)/activate
	$(BIN)/pybabel compile --use-fuzzy -d app/translations -f -q

instance/config.py:
	mkdir -p instance
	$(BIN)/python -c "import secrets; print(f'SECRET_KEY = {secrets.token_hex(32)!r}')" > instance/config.py

db: install instance/config.py
	$(BIN)/flask db upgrade

seed: db
	$(BIN)/flask seed --demo

run: seed
	$(BIN)/flask run --host 127.0.0.1 --port 5000

test: install
	$(BIN)/pytest -q

lint: install
	$(BIN)/ruff check app tests seed migrations

clean:
	rm -rf $(VENV) instance/app.db
