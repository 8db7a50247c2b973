# Two commands set everything up on a fresh machine:
#   make book    build the book into _build/html (executes every framework)
#   make test    run the test suite (unit tests, and checks of the built book)
# Both create the environments on first use: .venv for the book's tools, and
# one per framework in .venvs/<tag> from its lock (environments/<tag>.txt),
# each a Jupyter kernel of its own (pipeline/environments.py).
# `make book EDITION=course` builds the course edition (no solutions) into
# _build/html-course from the same execution cache.

# The interpreter the environment is made with: found by
# tools/supported_python.sh (3.11 or 3.12), or named with PYTHON=.
PYTHON ?=
VENV ?= .venv
PY := $(VENV)/bin/python
# Tools run other tools by name (nbgrader runs alembic): the environment's
# bin directory comes first on PATH, as if it were activated.
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
BUILD := _build
# full: the public book, with worked solutions; course: the book a class
# reads while the exercises are graded (see the 教师指南, instructors.md).
EDITION ?= full
BUILD_BOOK = $(PY) tools/build_book.py . --builder html -n -W --keep-going --edition

# Data sets are cached where a reader's kernel looks too ($D2LSHIM_DATA_DIR,
# else the platform cache directory): after an offline `make book` the
# notebooks run offline as well.  d2lshim downloads what is missing (and
# checks its sha1); without network, the file is copied from DATA_MIRROR if
# there is one.
DATA_MIRROR ?= ../shared/data

.PHONY: book test data notebooks assignments bench mutation clean clean-cache env envs pdf

env: $(VENV)/.installed

# uv fills the environments (much faster than pip) from the indexes pip's
# configuration names; PIP_EXTRA_INDEX_URL can point at PyTorch's CPU-only
# wheel index on Linux: see the README.  pip installs the uv that
# requirements.txt pins and the book's pipeline package (editable), which the
# tools import.
$(VENV)/.installed: requirements.txt pyproject.toml pipeline/pyproject.toml
	@test -x $(PY) || { base=$$(PYTHON="$(PYTHON)" sh tools/supported_python.sh) && \
		echo "creating $(VENV) with $$base" && $$base -m venv $(VENV); }
	$(PY) -m pip install --quiet $$(grep '^uv==' requirements.txt) --no-deps -e pipeline
	$(PY) tools/environments.py book
	touch $@

# Each framework's environment, made or remade when its lock changed; a
# framework whose environment cannot be made stops here, before anything runs.
envs: env
	$(PY) tools/environments.py make

data: env
	$(PY) tools/seed_data.py $(DATA_MIRROR)

# tools/build_book.py: sphinx-build on the conf.py that `jupyter-book config
# sphinx` writes into _build/conf, one edition at a time.
book: data envs
	$(BUILD_BOOK) $(EDITION)

# One PDF per framework from the execution cache (XeLaTeX; see the README for
# the TeX packages and fonts); `make pdf EDITION=course`: the course edition's.
pdf: book
	$(PY) tools/build_pdf.py --edition $(EDITION)

# The tests check what the build executed and what each edition publishes,
# so they build both editions first (a no-op when nothing changed; the course
# edition executes nothing of its own).
test: data envs
	$(BUILD_BOOK) full
	$(BUILD_BOOK) course
	$(PY) tools/build_pdf.py --edition full
	$(PY) tools/build_pdf.py --edition course
	$(PY) tools/environments.py pytest

# notebooks/ (notebooks-course/ for EDITION=course: tools/notebooks.py names it)
notebooks: data envs
	$(PY) tools/notebooks.py --edition $(EDITION)

# Mutation testing of d2lshim (tools/mutation.py, about 35 minutes): the share
# of seeded defects its tests catch, each framework module in its environment.
mutation: envs data
	$(PY) tools/mutation.py --fail-under 95

# d2lshim's training speed per framework (each in its environment) and the
# build's speed goals (no-change rebuild, prose edit): min/median/max.
bench: book
	$(PY) tools/environments.py bench
	$(PY) tools/bench_build.py

# The execution cache (_build/framework_cache) survives `make clean`: it is
# keyed by code and environment and is never stale.  `make clean-cache`
# drops it, so that the next build executes every framework again (the site
# notices: a page whose outputs are missing from the cache is read again).
clean:
	rm -rf $(BUILD)/html* $(BUILD)/jupyter_execute $(BUILD)/.doctrees* $(BUILD)/notebooks* \
		$(BUILD)/conf $(BUILD)/pdf $(BUILD)/pdf-build

clean-cache:
	rm -rf $(BUILD)/framework_cache

assignments: data envs
	$(PY) tools/assignments.py --out assignments
