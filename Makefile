# Two commands do everything on a fresh machine: `make book` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NPM_STAMP := node_modules/.installed
HTML := _build/html
export PYTHONHASHSEED := 0
# Chapters draw charts with the book's own shipped scripts (companion.charts reads this).
export COMPANION_CHART_RENDERER := book

# Builds and tests run with the network cut (only loopback): nothing may be fetched after install.
NETCUT := .ci/netcut

.PHONY: book book-student test bench screenshots lab serve zip zip-student clean install system-deps lock help

help:
	@echo "make book    build the book into $(HTML) (creates $(VENV), installs, executes every chapter)"
	@echo "make book-student   the student edition, solutions left out, into _build/student/_build/html"
	@echo "make bench   benchmarks: build times, page weight, chart drawing time (writes bench/results.json)"
	@echo "make screenshots   every page at 1280 and 390 px, into _build/screenshots/ (builds the book if needed)"
	@echo "make test    run the whole test suite (one build of the book, shared; Chromium installed if missing)"
	@echo "make lab     JupyterLab with the chapters opening as notebooks"
	@echo "make serve   serve $(HTML) on http://127.0.0.1:8000/"
	@echo "make zip     pack $(HTML) into _build/companion-book.zip (opens from disk when unpacked)"
	@echo "make lock    re-resolve requirements.lock from pyproject.toml (needs network)"

install: $(STAMP) $(NPM_STAMP)

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --requirement requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation --editable .
	mkdir -p $(VENV)/share/jupyter/lab/settings
	cp jupyter/lab-overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	touch $@

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

system-deps:
	bash .ci/system-deps

book: install
	$(NETCUT) $(BIN)/python -m companion.build

bench: install system-deps
	$(NETCUT) $(BIN)/python bench/run.py

screenshots: install system-deps
	@test -f $(HTML)/index.html || $(MAKE) book
	$(NETCUT) $(BIN)/python bench/screenshots.py

book-student: install
	$(NETCUT) $(BIN)/python -m companion.build --student

test: install system-deps
	$(NETCUT) $(BIN)/python -m pytest

lab: install
	# Charts in JupyterLab use Altair's offline renderer, not the book build's.
	env -u COMPANION_CHART_RENDERER $(BIN)/jupyter lab $$( [ "$$(id -u)" -eq 0 ] && echo --allow-root ) --ServerApp.root_dir=. book/

zip: install
	@test -f $(HTML)/index.html || $(MAKE) book
	$(BIN)/python -m companion.build --zip

zip-student: install
	@test -f _build/student/_build/html/index.html || $(MAKE) book-student
	$(BIN)/python -m companion.build --zip --student

serve:
	@test -f $(HTML)/index.html || { echo "No $(HTML)/index.html: run 'make book' first."; exit 1; }
	@echo "Serving the book at http://127.0.0.1:8000/ (Ctrl-C stops)"
	$(BIN)/python -m http.server 8000 --bind 127.0.0.1 --directory $(HTML)

clean:
	rm -rf _build

lock:
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile --python-version 3.11 --no-header pyproject.toml -o requirements.lock
