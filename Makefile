# The two commands: `make demo` runs the product, `make test` runs the whole suite.
VENV ?= .venv
PY := $(VENV)/bin/python
export VENV

.PHONY: setup demo serve test

setup:
	@bash scripts/bootstrap.sh

demo: setup
	$(PY) -m devstack.demo

serve: setup
	bash scripts/serve.sh

test: setup
	@if [ "$${GV_TEST_DATABASES:-sqlite,postgresql}" != sqlite ]; then bash scripts/system-deps.sh; fi
	$(PY) -m pytest tests -q
