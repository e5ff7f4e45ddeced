# crmlab: run the course, run the tests. Needs only Python 3.11+ and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
LOCK   := requirements/lock.txt
LECTURES := $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))
LECTURES_ZH := $(sort $(wildcard notebooks/zh/[0-9][0-9]_*.ipynb))
JOBS   ?= 2

.PHONY: help venv system course slides dashboards test test-fast lab notebooks exercises bench clean zh

help:
	@echo "make course     execute every lecture into build/course/: the course site (opens offline), exercises"
	@echo "make test       the whole test suite (creates .venv first)"
	@echo "make slides     reveal.js decks of every lecture in build/course/ (offline; key s: speaker notes)"
	@echo "make dashboards the interactive scenarios as Voila apps on http://127.0.0.1:8866/"
	@echo "make lab        JupyterLab on the course (lectures trusted: widgets show at once)"
	@echo "make notebooks  re-execute the committed notebooks in place"
	@echo "make exercises  build student versions and autograders into build/exercises/"
	@echo "make bench      run the benchmarks in benchmarks/"
	@echo "make zh         regenerate the Chinese edition notebooks/zh/ from the English lectures and i18n/zh/"

venv: $(STAMP)

$(STAMP): pyproject.toml $(LOCK)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "crmlab needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	-bash tools/setup_system.sh
	$(BIN)/python -m pip install --quiet -c $(LOCK) -e ".[dev,spark]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (crmlab)" >/dev/null
	touch $(STAMP)

system:
	@bash tools/setup_system.sh

course: $(STAMP)
	$(MAKE) --no-print-directory exercises
	$(BIN)/python -m crmlab.course run --exercises build/exercises --out build/course $(LECTURES) $(LECTURES_ZH)

slides: $(STAMP)
	$(BIN)/python -m crmlab.course site --slides --exercises build/exercises --out build/course $(LECTURES) $(LECTURES_ZH)

dashboards: $(STAMP)
	$(BIN)/python -m crmlab.dashboards serve --out build/dashboards

exercises: $(STAMP)
	$(BIN)/python -m crmlab.course exercises --out build/exercises

NBVAL := --nbval-lax --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout 900
# tests/test_notebooks.py executes every lecture and its Chinese edition with the defaults and compares
# their checked cells with the committed notebooks (tests/committed_outputs.py, nbval's comparison), so
# nbval executes only the other notebooks (notebooks/research/): one execution per parameter set
NBVAL_COVERED := --ignore-glob='notebooks/[0-9][0-9]_*.ipynb' --ignore-glob='notebooks/zh/[0-9][0-9]_*.ipynb'

test: $(STAMP) system
	@if [ -f ../shared/tools/check_course.py ]; then $(BIN)/python ../shared/tools/check_course.py; fi
	$(BIN)/ruff check crmlab tests benchmarks tools
	$(BIN)/python -m pytest -n $(JOBS) --dist loadgroup tests
	$(BIN)/python -m pytest -n $(JOBS) --dist loadfile $(NBVAL) $(NBVAL_COVERED) notebooks

test-fast: $(STAMP)
	$(BIN)/python -m pytest -n $(JOBS) -m "not notebook" tests

lab: $(STAMP)
	$(BIN)/jupyter trust $(LECTURES) $(LECTURES_ZH) >/dev/null
	$(BIN)/jupyter lab notebooks/

notebooks: $(STAMP)
	$(BIN)/python -m crmlab.course execute-in-place $(LECTURES)

zh: $(STAMP)
	$(BIN)/python -m crmlab.glossary
	$(BIN)/python -m crmlab.edition build --execute $(LECTURES)

bench: $(STAMP)
	for b in benchmarks/bench_*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf build .pytest_cache
