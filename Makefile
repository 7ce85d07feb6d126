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
	$(PY) -m pytest tests -q
