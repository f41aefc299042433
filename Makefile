# Shortcuts for those who have make; dev.py needs only Python 3.11+ and pip.
PY ?= python3

.PHONY: run test e2e lint bench-engine clean

run:
	$(PY) dev.py run

test:
	$(PY) dev.py test $(PYTEST_ARGS)

e2e:
	$(PY) dev.py test -n 0 -m e2e $(PYTEST_ARGS)

lint:
	$(PY) dev.py test --co -q >/dev/null
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/python manage.py check
	.venv/bin/python manage.py makemigrations --check --dry-run

bench-engine:
	.venv/bin/python benchmarks/engine.py

clean:
	rm -rf .venv var/*.sqlite3*
