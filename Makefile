# The two commands a new user runs: `make demo` and `make test`. Both do their own set-up.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: test demo docs browser redis clean node_modules bench soak screenshots js reference release-check

test: $(STAMP) browser redis node_modules
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m mypy
	$(BIN)/python -m pytest $(PYTEST_ARGS)
	$(MAKE) release-check

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# esbuild and TypeScript (pinned in package-lock.json): the loader's build and its type tests; publint and
# arethetypeswrong for make release-check; TypeDoc (typedoc/, its own lock) for the JavaScript API reference;
# re-installed when the lock file changes.
node_modules: node_modules/.installed

node_modules/.installed: package-lock.json typedoc/package-lock.json
	npm ci --no-audit --no-fund
	npm ci --no-audit --no-fund --prefix typedoc
	touch $@

# Rebuild js/dist/ (committed) from js/src/ after changing the loader; make test fails until you do.
js: node_modules
	node js/build.mjs

# Rewrite docs/js/ (committed), the JavaScript API reference, with TypeDoc from js/dist/types after `make js`
# changed the declarations; make test fails until you do (tests/integration/test_api_reference.py).
reference: node_modules
	rm -rf docs/js
	npm run --silent reference

browser:
	@scripts/ensure-chromium.sh

# redis-server for the RedisTicketStore tests (they start and stop their own on a free port).
redis:
	@scripts/ensure-redis.sh

# The sdist, the wheel and the npm tarball built, linted (twine, check-wheel-contents, validate-pyproject,
# publint, arethetypeswrong) and each installed into an empty environment and imported
# (scripts/release_check.py; RELEASE_ARGS="--out dist" keeps the artefacts). make test runs it last.
release-check: $(STAMP) node_modules
	$(BIN)/python scripts/release_check.py $(RELEASE_ARGS)

# The docs site (mkdocs.yml, docs/) into site/. --strict makes a broken link, anchor or snippet an error;
# make test builds it too (tests/integration/test_docs_site.py). The variable silences Material's end-of-life banner.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

# The demo needs only the [demo] extra, but shares the venv with the tests.
demo: $(STAMP)
	$(BIN)/python -m demo $(DEMO_ARGS)

# The README's pictures, taken from the running demo by headless Chromium.
screenshots: $(STAMP) browser
	$(BIN)/python -m demo.screenshots

clean:
	rm -rf $(VENV) node_modules dist build site .pytest_cache .mypy_cache .hypothesis

# Benchmarks and the soak (bench/): figures go to docs/BENCHMARKS.md; the exit code checks the budgets.
BENCH_STAMP := $(VENV)/.bench-installed

$(BENCH_STAMP): $(STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(BENCH_STAMP)

bench: $(STAMP) $(BENCH_STAMP) browser
	$(BIN)/python -m bench $(BENCH_ARGS)

soak: $(STAMP) $(BENCH_STAMP)
	$(BIN)/python -m bench.soak $(SOAK_ARGS)
