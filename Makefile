# The two commands: `make demo` runs the product, `make test` runs the whole suite.
VENV ?= .venv
PY := $(VENV)/bin/python
export VENV

.PHONY: setup ui demo serve test test-quick

setup:
	@bash scripts/bootstrap.sh

# The web UI (build/google-video); the server mounts it only if it exists when it starts.
ui:
	@[ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund
	npm run build

demo: setup ui
	$(PY) -m devstack.demo

serve: setup ui
	bash scripts/serve.sh

test: setup ui
	@bash scripts/system-deps.sh
	npm test
	$(PY) -m pytest tests -q --durations=25

# The daily loop: SQLite only, no browser, no restarts or fuzzing (about 9 minutes here).
test-quick: setup
	GV_TEST_DATABASES=sqlite GV_SKIP_UI=1 $(PY) -m pytest tests -q -m "not ui and not slow" --durations=10
