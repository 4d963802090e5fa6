# The two commands of the README: `make serve` and `make test`. Each installs what it needs first.
VENV := .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: serve test chromium

serve: $(VENV)/.installed
	$(VENV)/bin/flyte-launch serve

test: $(VENV)/.installed-test node_modules/.package-lock.json chromium
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

# Debian's Chromium: Playwright's own browser download is not reachable from these machines.
chromium:
	@command -v chromium >/dev/null || ($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium >/dev/null)
