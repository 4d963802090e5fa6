# The two commands of the README: `make serve` and `make test`. Each installs what it needs first.
VENV := .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: serve test debian-packages

serve: $(VENV)/.installed
	$(VENV)/bin/flyte-launch serve

test: $(VENV)/.installed-test node_modules/.package-lock.json debian-packages
	$(PY) -m pytest

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

# axe-core (accessibility checks in Chromium), pinned by package-lock.json
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --silent

# Debian's Chromium (Playwright's own browser download is not reachable from these machines) and Redis
# (the session store of several replicas), both driven for real by the tests.
debian-packages:
	@command -v chromium >/dev/null && command -v redis-server >/dev/null || \
	  ($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium redis-server >/dev/null)
