# RayPort: `make run` runs it on the embedded defaults, `make test` runs every test.
# Needs only Python >= 3.11, Node >= 20 and make; uv is installed on first use.

SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-backend test-frontend lint typecheck install uv web bench chaos fuzz openapi clean

uv:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || \
	  python3 -m pip install --quiet --user uv 2>/dev/null || \
	  python3 -m pip install --quiet --user --break-system-packages uv

install: uv
	$(UV) sync --frozen

web:
	@if [ -f frontend/package.json ]; then \
	  npm --prefix frontend ci --no-audit --no-fund --loglevel=error && npm --prefix frontend run build; \
	fi

run: install web
	$(UV) run rayport dev --host $(HOST) --port $(PORT)

# The web app is checked and built first: the browser tests (tests/e2e) run against the build.
test: test-frontend test-backend

test-backend: install
	$(UV) run pytest

test-frontend:
	@if [ -f frontend/package.json ]; then \
	  npm --prefix frontend ci --no-audit --no-fund --loglevel=error && \
	  npm --prefix frontend run check:api && \
	  npm --prefix frontend run lint && npm --prefix frontend run typecheck && \
	  npm --prefix frontend test && npm --prefix frontend run build; \
	fi

lint: install
	$(UV) run ruff check src tests
	$(UV) run ruff format --check src tests

typecheck: install
	$(UV) run mypy src

# After changing the API: regenerate the schema and the web app's types (CI checks drift).
openapi: install
	$(UV) run rayport openapi > frontend/openapi.json
	npm --prefix frontend run gen:api

# Fault-injection tests, full profile (>= 20 notifier kills, longer outages; ~15 min at most).
# `make test` runs the quick profile of the same tests. Replay a run: RAYPORT_CHAOS_SEED=<seed>.
chaos: install
	RAYPORT_CHAOS_FULL=1 $(UV) run pytest tests/chaos -s

# The API fuzzer, long profile: every operation as every caller, 100 examples each.
# `make test` runs the quick profile. RAYPORT_FUZZ_EXAMPLES / RAYPORT_FUZZ_SEED override.
fuzz: install
	RAYPORT_FUZZ_EXAMPLES=$${RAYPORT_FUZZ_EXAMPLES:-100} $(UV) run pytest tests/fuzz -q

# Every benchmark in one run (~20 min; needs wrk), then the table of bench/README.md in
# bench/results/table.md. One benchmark alone: `uv run python -m bench.<name>`.
bench: install
	$(UV) run python -m bench.table

clean:
	rm -rf .venv data frontend/node_modules frontend/dist
