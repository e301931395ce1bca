# The two commands of the quick start are `make demo` and `make test`; the rest serve them.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: demo test install browser lint format migrate

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv==0.13.9

$(VENV)/.installed: $(PY) pyproject.toml uv.lock
	$(VENV)/bin/uv sync --frozen --inexact --quiet
	touch $@

install: $(VENV)/.installed

migrate: install
	DEBUG=1 $(PY) manage.py migrate --no-input

# Runs the portal on the embedded defaults (SQLite, no other service) with the demo catalog,
# and one Celery worker (with beat) that is also the local CPU serving host. On exit the
# model services it started are stopped too.
demo: export DEBUG = 1
demo: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo
	@trap 'trap - EXIT INT TERM; $(PY) manage.py stop_services; kill $$(jobs -p) 2>/dev/null; wait' EXIT INT TERM; \
	$(VENV)/bin/celery -A portal worker -B -Q default,build,gates,inference,host.local -c 2 -l WARNING \
	  --schedule var/celerybeat-schedule & \
	$(PY) manage.py runserver --noreload 127.0.0.1:$(PORT)

# The whole suite. DATABASE_URL / REDIS_URL select real services; unset, embedded defaults.
test: install browser
	$(VENV)/bin/pytest

# Browser tests drive Debian's Chromium (Playwright cannot download its own browser here).
browser:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "Browser tests need Chromium: sudo apt-get install chromium" >&2; exit 1; fi; }

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format:
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
