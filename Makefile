# Two commands set everything up on a fresh machine:
#   make book    build the book into _build/html (executes all three frameworks)
#   make test    run the test suite (unit tests, and checks of the built book)
# Both create the virtual environment .venv on first use.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# Tools run other tools by name (nbgrader runs alembic): the environment's
# bin directory comes first on PATH, as if it were activated.
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
BUILD := _build

# Data sets are cached here; d2lshim downloads what is missing (and checks its
# sha1).  Without network, copy the file from DATA_MIRROR if there is one.
export D2LSHIM_DATA_DIR ?= $(CURDIR)/$(BUILD)/data
DATA_MIRROR ?= ../shared/data
AIRFOIL := $(D2LSHIM_DATA_DIR)/airfoil_self_noise.dat

.PHONY: book test data notebooks assignments bench clean clean-cache env

env: $(VENV)/.installed

$(VENV)/.installed: requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

data: $(VENV)/.installed
	@mkdir -p $(D2LSHIM_DATA_DIR)
	@if [ ! -f $(AIRFOIL) ] && [ -f $(DATA_MIRROR)/airfoil_self_noise.dat ]; then \
		cp $(DATA_MIRROR)/airfoil_self_noise.dat $(AIRFOIL).tmp && mv $(AIRFOIL).tmp $(AIRFOIL); \
		echo "seeded $(AIRFOIL) from $(DATA_MIRROR)"; fi
	$(PY) -c "from d2lshim import _data; print('data:', _data.download('airfoil'))"

# tools/build_book.py is `jupyter-book build` without a 2-second import.
book: data
	$(PY) tools/build_book.py . --builder html -n -W --keep-going

# The tests check what the build executed, so they build first (a no-op when
# nothing changed).
test: book
	$(PY) -m pytest

notebooks: data
	$(PY) tools/notebooks.py --out notebooks

bench: data
	$(PY) -m d2lshim.bench

# The execution cache (_build/framework_cache) survives `make clean`: it is
# keyed by code and environment and is never stale.  `make clean-cache`
# drops it, so that the next build executes every framework again.
clean:
	rm -rf $(BUILD)/html $(BUILD)/jupyter_execute $(BUILD)/.doctrees $(BUILD)/notebooks

clean-cache:
	rm -rf $(BUILD)/framework_cache

assignments: data
	$(PY) tools/assignments.py --out assignments
