# Two commands do everything on a fresh machine with Python 3.11:
#   make book   - create .venv, install, re-execute the chapters whose code or
#                 library changed, build _build/html
#   make test   - create .venv, install, run every test (what CI runs)
# For authors:
#   make sync                 - after editing a chapter's .md or .ipynb, bring
#                               its twin in line (outputs are kept)
#   make execute [CHAPTERS=05] - re-execute the stale chapters (or the named ones)
#   make format               - ruff format + fixes, on the .ipynb and their .md

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
export TF_CPP_MIN_LOG_LEVEL ?= 3
PYTEST := $(BIN)/python -m pytest

.PHONY: book test lint unit-tests unit-tests-tf unit-tests-jax notebook-tests \
        notebook-tests-a notebook-tests-b book-tests \
        colab-test bench-memory clean vendor-js chromium sync execute format

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.book-installed: $(BIN)/python requirements.txt pyproject.toml
	$(BIN)/python -m pip install --quiet -r requirements.txt -e .
	touch $@

$(VENV)/.test-installed: $(VENV)/.book-installed requirements-test.txt
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	touch $@

book: sync vendor-js
	$(BIN)/python -m tools.build_book

# Chapters are pairs chapters/NN_name.md + .ipynb (jupytext.toml): whichever
# of the two was edited last is copied into the other; outputs are kept. The
# repository (_config.yml) is written into every install cell and the README.
sync: $(VENV)/.book-installed
	$(BIN)/python -m tools.sync_chapters

execute: sync
	$(BIN)/python -m tools.execute_notebooks $(CHAPTERS)

# ruff edits the .ipynb files, so their .md twins are then written from them.
format: $(VENV)/.test-installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
	$(BIN)/jupytext --quiet --to md:myst chapters/[0-9][0-9]_*.ipynb

# JavaScript the HTML book serves itself instead of loading it from CDNs:
# RequireJS and the ipywidgets embed manager (widget outputs), and MathJax
# (equations), from the npm registry at the versions in package-lock.json.
# _vendor/ (git-ignored) is the book's html_static_path: it lands in _static/.
VENDOR := _vendor
$(VENDOR)/.stamp: package.json package-lock.json Makefile tools/static/widgets-mathjax3.js
	command -v npm >/dev/null || (apt-get update && apt-get install -y npm)
	npm ci --ignore-scripts --no-audit --no-fund
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/requirejs $(VENDOR)/widgets $(VENDOR)/mathjax/output
	cp node_modules/requirejs/require.js $(VENDOR)/requirejs/
	cd node_modules/@jupyter-widgets/html-manager/dist && \
	  cp embed-amd.js embed.js.LICENSE.txt *.woff *.woff2 *.ttf *.eot *.svg $(CURDIR)/$(VENDOR)/widgets/
	cp tools/static/widgets-mathjax3.js $(VENDOR)/widgets/mathjax3-shim.js
	cd node_modules/mathjax && cp LICENSE $(CURDIR)/$(VENDOR)/mathjax/ && cd es5 && \
	  cp -r tex-mml-chtml.js input a11y ui sre adaptors $(CURDIR)/$(VENDOR)/mathjax/ && \
	  cp -r output/chtml $(CURDIR)/$(VENDOR)/mathjax/output/
	touch $@

vendor-js: $(VENDOR)/.stamp

# Headless Chromium for the browser test (Debian's package; Playwright drives it).
chromium:
	@command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium) || \
	  echo "chromium could not be installed: the browser test will be skipped"

# Every part is timed; the times are printed at the end.
TIMES := $(VENV)/.test-times
TIMED = @start=$$(date +%s); trap 'echo "$@: $$(( $$(date +%s) - start )) s" >> $(TIMES)' EXIT;

# The parts after lint run two at a time (`-j2`, as many as CI's cores; each
# part's output is printed whole when it ends), in this order, so that the two
# lanes end together: the chapters in two halves (each chapter once), the
# unit tests, then the book and the simulated Colab.
PARTS := notebook-tests-a unit-tests-jax notebook-tests-b unit-tests-tf \
  book-tests colab-test

test: $(VENV)/.test-installed vendor-js chromium
	@rm -f $(TIMES)
	@start=$$(date +%s); \
	  $(MAKE) --no-print-directory lint && \
	  $(MAKE) --no-print-directory -j2 --output-sync=target $(PARTS); \
	  status=$$?; \
	  echo "Time of each part (two run at once):"; cat $(TIMES); \
	  echo "make test: $$(( $$(date +%s) - start )) s in all"; exit $$status

# ruff over the library, tests, tools, benchmarks and the chapters' code cells.
lint: $(VENV)/.test-installed
	$(TIMED) $(BIN)/ruff check . && $(BIN)/ruff format --check .

# The library's unit tests, on TensorFlow (the default backend), then on JAX
# those whose results can differ between backends (the others are marked
# backend_independent: pyproject.toml). On a CPU, JAX compiles one small XLA
# program per variable shape while a model is built; without LLVM's optimizer
# that is ~8x faster (DenseNet-100: 99 s -> 13 s) and the results are the same.
unit-tests: unit-tests-tf unit-tests-jax

unit-tests-tf: $(VENV)/.test-installed
	$(TIMED) $(PYTEST) tests/unit

unit-tests-jax: $(VENV)/.test-installed
	$(TIMED) KERAS_BACKEND=jax XLA_FLAGS=--xla_backend_optimization_level=0 \
	  $(PYTEST) tests/unit -m "not backend_independent"

# Every notebook executed with nbval: chapters 1-5, then the rest.
NBVAL = $(PYTEST) --nbval-lax --sanitize-with tests/book/nbval_sanitize.cfg
CHAPTERS_A := $(sort $(wildcard chapters/0[1-5]_*.ipynb))
CHAPTERS_B := $(filter-out $(CHAPTERS_A),$(sort $(wildcard chapters/*.ipynb)))
notebook-tests: notebook-tests-a notebook-tests-b
notebook-tests-a: $(VENV)/.test-installed
	$(TIMED) $(NBVAL) $(CHAPTERS_A)
notebook-tests-b: $(VENV)/.test-installed
	$(TIMED) $(NBVAL) $(CHAPTERS_B)

# The book's structure and Sphinx build, its pages in Chromium, the workflows.
book-tests: $(VENV)/.test-installed vendor-js chromium
	$(TIMED) $(PYTEST) tests/book

# The install cell as Colab runs it: a fresh venv of Colab's packages
# (tests/colab/colab-runtime.txt; kept in ~/.cache/densenet_lib, rebuilt when
# that file changes), google.colab imported in its kernel, densenet_lib
# installed from a git clone of the work tree, chapters 2 and 8 executed.
colab-test: $(VENV)/.test-installed
	$(TIMED) $(PYTEST) tests/colab

# The memory benchmark (benchmarks/README.md), with its peer, torch and
# torchvision, in a venv of its own; it rewrites the JSON chapter 7 reads.
BENCH := .venv-bench
$(BENCH)/.installed: requirements.txt pyproject.toml benchmarks/requirements.txt
	$(PYTHON) -m venv $(BENCH)
	$(BENCH)/bin/python -m pip install --quiet -r requirements.txt -e . \
	  -r benchmarks/requirements.txt
	touch $@

bench-memory: $(BENCH)/.installed
	$(BENCH)/bin/python benchmarks/bench_memory.py \
	  --json densenet_lib/recorded/bench_memory.json

clean:
	rm -rf _build $(VENV) $(VENDOR) node_modules $(BENCH)
