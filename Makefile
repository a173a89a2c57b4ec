# The two commands a new user runs: `make demo` and `make test`. Both do their own set-up.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Every extra a user can install (pyproject.toml [project.optional-dependencies]), for the tests of each.
EXTRAS := mock,testing,api,doctor,redis,otel,wsgi
# The development tools and every package the tests run on, pinned (`make upgrade` writes it); the
# package's own requirements stay ranges in pyproject.toml.
LOCK := requirements/dev.txt

.PHONY: check test demo docs browser redis clean node_modules bench soak screenshots js upgrade versions reference release-check

test: $(STAMP) browser redis node_modules
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m mypy
	$(BIN)/python -m pytest --cov --cov-report=term $(PYTEST_ARGS)
	$(MAKE) release-check

# The quick loop while you work: lint, types and tests/unit without the integration tests (no browser, no
# Node build, no server or redis-server), with fewer fuzz examples. make test runs everything.
check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m mypy
	PANDIUM_FUZZ_EXAMPLES=50 $(BIN)/python -m pytest tests/unit -m "not integration" -q $(PYTEST_ARGS)

# The development sets are dependency groups (pyproject.toml), which pip installs from 25.1 on.
$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade 'pip>=25.1'
	$(BIN)/python -m pip install --quiet -c $(LOCK) -e '.[$(EXTRAS)]' --group test
	touch $(STAMP)

# Newer releases of the tools and of what the tests run on, into $(LOCK); then run make test.
upgrade: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --all-extras --group test --group bench --universal \
		--python-version 3.11 --upgrade --quiet --output-file $(LOCK)

# The suite without browsers on each supported Python (pyenv's, else python3.X on the PATH; nothing is
# downloaded) with the pinned tools, and on Python 3.11 with the lowest versions pyproject.toml allows for
# the package's requirements and each extra's (uv's lowest-direct resolution). One environment each in
# .versions/; `make versions-3.12` or `make versions-lowest` runs one.
PYTHON_VERSIONS := 3.11 3.12 3.13
python_for = $(firstword $(wildcard $(HOME)/.pyenv/versions/$(1).*/bin/python) python$(1))
versions_run = .versions/$(1)/bin/python -m pytest -m "not browser" -p no:cacheprovider $(PYTEST_ARGS)
export UV_PYTHON_DOWNLOADS := never
# The oldest releases meet today's versions of their own dependencies, and warn of what those deprecate
# (Starlette 0.40's TestClient names anyio's old BlockingPortal alias): the floors' run checks behaviour,
# the pinned runs keep every warning an error.
LOWEST_WARNINGS := -W "ignore::DeprecationWarning"

versions: $(addprefix versions-,$(PYTHON_VERSIONS) lowest)

versions-3.%: $(STAMP) redis node_modules
	$(BIN)/uv venv --quiet --allow-existing --python $(call python_for,3.$*) .versions/3.$*
	$(BIN)/uv pip install --quiet --python .versions/3.$*/bin/python -c $(LOCK) -e '.[$(EXTRAS)]' --group test
	$(call versions_run,3.$*)

versions-lowest: $(STAMP) redis node_modules
	$(BIN)/uv venv --quiet --allow-existing --python $(call python_for,3.11) .versions/lowest
	$(BIN)/uv pip compile pyproject.toml --all-extras --resolution lowest-direct --no-deps --python-version 3.11 \
		--quiet --no-header --output-file .versions/lowest.txt
	$(BIN)/uv pip install --quiet --python .versions/lowest/bin/python -c .versions/lowest.txt \
		-e '.[$(EXTRAS)]' --group test
	$(call versions_run,lowest) $(LOWEST_WARNINGS)

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

# Rewrite docs/js-reference/ (committed), the JavaScript API reference, with TypeDoc from js/dist/types after `make js`
# changed the declarations; make test fails until you do (tests/integration/test_api_reference.py).
reference: node_modules
	rm -rf docs/js-reference
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

# The demo needs only the [mock] extra and the demo group, but shares the venv with the tests.
demo: $(STAMP)
	$(BIN)/python -m demo $(DEMO_ARGS)

# The README's pictures, taken from the running demo by headless Chromium.
screenshots: $(STAMP) browser
	$(BIN)/python -m demo.screenshots

clean:
	rm -rf $(VENV) .versions node_modules dist build site .pytest_cache .mypy_cache .hypothesis

# Benchmarks and the soak (bench/): figures go to docs/BENCHMARKS.md; the exit code checks the budgets.
BENCH_STAMP := $(VENV)/.bench-installed

$(BENCH_STAMP): $(STAMP) pyproject.toml $(LOCK)
	$(BIN)/python -m pip install --quiet -c $(LOCK) -e '.[$(EXTRAS)]' --group bench
	touch $(BENCH_STAMP)

bench: $(STAMP) $(BENCH_STAMP) browser
	$(BIN)/python -m bench $(BENCH_ARGS)
	$(BIN)/python -m bench latency $(LATENCY_ARGS)

soak: $(STAMP) $(BENCH_STAMP)
	$(BIN)/python -m bench.soak $(SOAK_ARGS)
