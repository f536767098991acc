# Two commands for a newcomer: `make chat` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False

.PHONY: setup chat test index eval bench load clean

setup: $(STAMP)

# torch first, pinned: a CPU wheel lies on this machine; an unpinned torch pulls a CUDA build.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q "torch==2.13.0"
	$(PY) -m pip install -q -e ".[all,dev]"
	touch $(STAMP)

chat: setup
	$(VENV)/bin/tmo chat

test: setup
	$(PY) -m pytest

index: setup
	$(VENV)/bin/tmo index

eval: setup
	$(VENV)/bin/tmo eval

bench: setup
	$(PY) bench/bench_retrieval.py

load: setup
	$(PY) bench/load_app.py

# The OpenAI-compatible API on 127.0.0.1:8000 (docs/serve.md), and its load benchmark (1 vs 2 workers).
.PHONY: serve load-serve
serve: setup
	$(VENV)/bin/tmo serve

load-serve: setup
	$(PY) bench/load_serve.py

clean:
	rm -rf $(VENV) index/*.faiss index/*.json .pytest_cache
