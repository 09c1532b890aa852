# The two commands a newcomer needs:
#   make workbook   build the venv, run every notebook on the bundled data into build/, write the report
#   make test       build the venv if missing and run the whole test suite
# and for working interactively: make lab, make dashboard, make bench.
# Installs are pinned by requirements/lock.txt (every package, every supported Python);
# make test-latest installs the newest releases instead, to find upstream breakage on purpose;
# make lock regenerates the lock after a change to pyproject.toml's dependencies.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.govkit-installed
LOCK   := requirements/lock.txt
LATEST ?= .venv-latest

.PHONY: workbook test test-latest lock lab dashboard bench lint clean venv

venv: $(STAMP)

$(STAMP): pyproject.toml $(LOCK)
	@$(PYTHON) -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] <= (3, 13) else "govkit supports Python 3.11 to 3.13 (see README); set PYTHON=python3.12, for example")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c $(LOCK) -e ".[dev]"
	@touch $(STAMP)

workbook: $(STAMP)
	$(PY) -m govkit notebooks --out build
	$(PY) -m govkit run --out build/report --force
	@echo
	@echo "Done. Executed notebooks: build/notebooks/   HTML: build/html/   Report: build/report/report.html"

test: $(STAMP)
	$(PY) -m pytest

# The same suite on the newest releases of every dependency (no lock): run it before a workshop
# season or a lock update, so that upstream breakage is found on purpose, not in a room.
test-latest:
	$(PYTHON) -m venv $(LATEST)
	$(LATEST)/bin/python -m pip install --quiet --upgrade pip
	$(LATEST)/bin/python -m pip install --quiet --upgrade --upgrade-strategy eager -e ".[dev]"
	GOVKIT_UNLOCKED=1 $(LATEST)/bin/python -m pytest

# Regenerate the lock with uv (in its own throwaway venv, so the project's venv stays as locked).
lock:
	$(PYTHON) -m venv build/uv-venv
	build/uv-venv/bin/python -m pip install --quiet uv
	build/uv-venv/bin/uv pip compile pyproject.toml --extra dev --universal --fork-strategy fewest \
		--python-version 3.11 -c requirements/lock-constraints.txt -o $(LOCK)
	$(PY) requirements/make_environment.py

lab: $(STAMP)
	$(VENV)/bin/jupyter lab notebooks/

# Voila, with its kernel clients polling in slices (govkit._notebooks.patch_kernel_channels).
dashboard: $(STAMP)
	$(PY) -c "import sys; from govkit._notebooks import patch_kernel_channels; patch_kernel_channels(); from voila.app import main; sys.exit(main())" notebooks/dashboard.ipynb

bench: $(STAMP)
	@for script in benchmarks/bench_*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

lint: $(STAMP)
	$(PY) -m ruff check govkit tests benchmarks notebooks

clean:
	rm -rf build .pytest_cache $(LATEST)
