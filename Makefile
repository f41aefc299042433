# Shortcuts for those who have make; dev.py needs only Python 3.11+ and pip.
PY ?= python3

.PHONY: run test e2e lint checks coverage bench-engine clean

run:
	$(PY) dev.py run

test:
	$(PY) dev.py test $(PYTEST_ARGS)

e2e:
	$(PY) dev.py test -n 0 -m e2e $(PYTEST_ARGS)

# The checks CI enforces (CONTRIBUTING.md).
lint:
	$(PY) dev.py test --co -q >/dev/null
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy kaohe
	.venv/bin/python manage.py check
	.venv/bin/python manage.py makemigrations --check --dry-run

# The repository checks CI reports (and enforces once .ci/run's switches say so); make goes on past
# a failing one so that all three are printed.
checks:
	$(PY) dev.py test --co -q >/dev/null
	-.venv/bin/lint-imports --no-logo
	-.venv/bin/python scripts/check_local_imports.py
	-.venv/bin/python scripts/check_sizes.py

# The SQLite suite with coverage and its floor, as CI runs it.
coverage:
	$(PY) dev.py test -m "not e2e" --cov --cov-report=term $(PYTEST_ARGS)

bench-engine:
	.venv/bin/python benchmarks/engine.py

clean:
	rm -rf .venv var/*.sqlite3* .coverage .coverage.* .import_linter_cache .grimp_cache
