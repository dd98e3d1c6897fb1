# Two commands do everything on a fresh machine with Python 3.11:
#   make book   - create .venv, install, execute every notebook, build _build/html
#   make test   - create .venv, install, run every test (what CI runs)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
export TF_CPP_MIN_LOG_LEVEL ?= 3
PYTEST := $(BIN)/python -m pytest

.PHONY: book test unit-tests notebook-tests clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.book-installed: $(BIN)/python requirements.txt pyproject.toml
	$(BIN)/python -m pip install --quiet -r requirements.txt -e .
	touch $@

$(VENV)/.test-installed: $(VENV)/.book-installed requirements-test.txt
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	touch $@

book: $(VENV)/.book-installed
	$(BIN)/python tools/build_book.py

test: unit-tests notebook-tests

# The library's unit tests, on TensorFlow (the default backend) and on JAX.
# On a CPU, JAX compiles one small XLA program per variable shape while a
# model is built; without LLVM's optimizer that is ~8x faster (DenseNet-100:
# 99 s -> 13 s) and the results are the same.
unit-tests: $(VENV)/.test-installed
	$(PYTEST) tests/unit
	KERAS_BACKEND=jax XLA_FLAGS=--xla_backend_optimization_level=0 $(PYTEST) tests/unit

# Every notebook executed with nbval, and the book's structure and Sphinx build.
notebook-tests: $(VENV)/.test-installed
	$(PYTEST) --nbval-lax --sanitize-with tests/book/nbval_sanitize.cfg chapters tests/book

clean:
	rm -rf _build $(VENV)
