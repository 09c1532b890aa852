# The two commands a newcomer needs:
#   make workbook   build the venv, run every notebook on the bundled data into build/, write the report
#   make test       build the venv if missing and run the whole test suite
# and for working interactively: make lab, make dashboard, make bench.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.govkit-installed

.PHONY: workbook test lab dashboard bench lint clean venv

venv: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "govkit needs Python 3.10 or newer; set PYTHON=python3.x")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

workbook: $(STAMP)
	$(PY) -m govkit notebooks --out build
	$(PY) -m govkit run --out build/report --force
	@echo
	@echo "Done. Executed notebooks: build/notebooks/   HTML: build/html/   Report: build/report/report.html"

test: $(STAMP)
	$(PY) -m pytest

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
	rm -rf build .pytest_cache
