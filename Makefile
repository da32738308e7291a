# The README's two commands: `make run` and `make test`. Each sets up the
# virtualenv first (once, and again when pyproject.toml changes).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test setup browser clean-venv

run: $(STAMP)
	$(BIN)/presswash clean seeds --out data/clean

test: $(STAMP) browser
	$(BIN)/python -m pytest

# Debian's chromium for the report's browser test, installed when missing.
# Not fatal: without it (no root, no apt) that one test is skipped and says why.
browser:
	-@sh tools/ensure-chromium.sh

setup: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "presswash needs Python 3.11 or newer; set PYTHON=python3.11 (or newer)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

clean-venv:
	rm -rf $(VENV)
