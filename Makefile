# The two commands a new user runs: `make demo` and `make test`. Both do their own set-up.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: test demo browser clean

test: $(STAMP) browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

browser:
	@scripts/ensure-chromium.sh

clean:
	rm -rf $(VENV) node_modules dist build .pytest_cache .mypy_cache .hypothesis
