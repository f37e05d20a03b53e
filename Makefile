# nav-sikkerhet: `make run` starts the app with demo data, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Debian packages: gettext compiles the catalogues, Pango/fonts are what WeasyPrint renders with.
DEB_RUNTIME := gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
# poppler-utils: `pdfinfo`, which a letter test asks whether the PDF is tagged; prometheus: `promtool`, which
# checks the metrics page; bubblewrap: `bwrap`, which runs the app as the image does (read-only root, user 10001).
DEB_TEST := chromium poppler-utils prometheus bubblewrap
SUDO := $(shell [ "$$(id -u)" = 0 ] && echo "" || (command -v sudo >/dev/null && echo sudo || echo none))

export ENVIRONMENT ?= development

.PHONY: install install-test debian-runtime debian-test run test lint messages bench worker beat clean

define apt_install
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$(SUDO)" = none ]; then echo "Missing Debian packages:$$missing (run as root or install sudo)"; exit 1; fi; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
endef

# npm and python3-venv only when the machine lacks them (a Node or Python from elsewhere is fine).
DEB_TOOLS := $(shell command -v npm >/dev/null || echo npm) \
	$(shell $(PYTHON) -c "import ensurepip, venv" 2>/dev/null || echo python3-venv)

debian-runtime:
	$(call apt_install,$(DEB_RUNTIME) $(DEB_TOOLS))

debian-test:
	$(call apt_install,$(DEB_TEST))

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

.env:
	echo "ENVIRONMENT=development" > .env

install: debian-runtime $(VENV)/.installed node_modules/.installed .env
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0

install-test: install debian-test

run: install
	$(BIN)/python manage.py collectstatic --noinput -v 0
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py demo_data
	$(BIN)/python manage.py runserver 127.0.0.1:8000

lint: install
	$(BIN)/ruff check .

test: install-test lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

messages: install
	$(BIN)/python manage.py makemessages -l nb -l nn -l en --ignore=.venv --ignore=node_modules --ignore=tests \
		--ignore=staticfiles --ignore=bench --no-obsolete
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules

bench: install
	@for f in bench/*.py; do [ -e "$$f" ] && $(BIN)/python "$$f"; done; true

worker: install
	$(BIN)/celery -A nav_sikkerhet worker -l info

beat: install
	$(BIN)/celery -A nav_sikkerhet beat -l info

clean:
	rm -rf $(VENV) node_modules staticfiles db.sqlite3
