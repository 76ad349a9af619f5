# ckanext-catalogue: `make run` serves the portal, `make test` runs the suite.
# Both install what is missing and start the services first (idempotent).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
FUZZ_VENV := .venv-fuzz
STATE := .stack
CKAN := $(VENV)/bin/ckan
INI ?= development.ini
TEST_INI ?= test.ini
PYTEST_ARGS ?=
CKAN_VERSION := 2.12.0

# Fuzzing: `make test` runs a quick schemathesis pass; `make fuzz` a long one.
FUZZ_SECONDS ?= 900

comma := ,

.PHONY: help install system venv fuzz-venv assets fuzz bench services solr-home db test-db run worker scheduler demo stop lint test doctor status clean cluster cluster-stack test-cluster

help:
	@echo "make run     install, start services, migrate, load the demo, serve http://127.0.0.1:5000"
	@echo "make test    install, lint, start services, prepare the test databases, run the whole suite"
	@echo "make lint    ruff, pyright and the import layers of the package"
	@echo "make stop    stop the services (and job worker) that make run/test/cluster started"
	@echo "make cluster        start the cluster stack (ZooKeeper, 2 SolrCloud nodes, a PostgreSQL replica)"
	@echo "                    and the portal on it: 2 gunicorn web processes on :5001, 2 job workers"
	@echo "make test-cluster   run the suite on the cluster stack (test-cluster.ini)"
	@echo "make doctor  check database, Solr, Redis, DataStore and job worker"
	@echo "make fuzz    long schemathesis run of every API against a served test portal"
	@echo "make bench   benchmarks on the test stack; results in bench/results/, report in bench/reports/latest.*"

install: system venv fuzz-venv assets

system:
	@stack/bin/system-packages.sh

venv: $(VENV)/.installed

# Reinstalled only when a requirements or packaging file changes.
$(VENV)/.installed: requirements.txt dev-requirements.txt pyproject.toml setup.py setup.cfg
	@[ -x $(VENV)/bin/python ] || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip wheel "setuptools>=77,<81"
	$(VENV)/bin/pip install -q "ckan[requirements]==$(CKAN_VERSION)" -r requirements.txt -r dev-requirements.txt
	$(VENV)/bin/pip install -q --no-deps -e .
	@touch $@

# Front-end libraries from npm (package-lock.json pins them), copied where
# webassets serves them from.
LEAFLET := ckanext/catalogue/assets/vendor/leaflet
assets: $(LEAFLET)/.installed

$(LEAFLET)/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf $(LEAFLET) && mkdir -p $(LEAFLET)
	cp -r node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css node_modules/leaflet/dist/images \
	  node_modules/leaflet/LICENSE $(LEAFLET)/
	@touch $@

fuzz-venv: $(FUZZ_VENV)/.installed

$(FUZZ_VENV)/.installed: fuzz-requirements.txt
	@[ -x $(FUZZ_VENV)/bin/python ] || $(PYTHON) -m venv $(FUZZ_VENV)
	$(FUZZ_VENV)/bin/pip install -q --upgrade pip
	$(FUZZ_VENV)/bin/pip install -q -r fuzz-requirements.txt
	@touch $@

services: install
	@stack/bin/services.sh start

solr-home: install
	@stack/bin/services.sh solr-home

status:
	@stack/bin/services.sh status

db: services
	@stack/bin/databases.sh $(INI)

test-db: services
	@stack/bin/databases.sh $(TEST_INI)

# Background job worker for the portal; `make stop` ends it.
worker: db
	@if [ -f $(STATE)/worker.pid ] && kill -0 $$(cat $(STATE)/worker.pid) 2>/dev/null; then \
	  echo "==> worker: running"; \
	else \
	  echo "==> worker: starting (log in $(STATE)/worker.log)"; \
	  nohup $(CKAN) -c $(INI) jobs worker > $(STATE)/worker.log 2>&1 & echo $$! > $(STATE)/worker.pid; \
	fi

demo: db
	@$(CKAN) -c $(INI) catalogue demo

# Every hour: purge expired archived items, queue the due updates of
# software catalogs; `make stop` ends it. A deployment runs `ckan catalogue
# schedule` from cron instead.
scheduler: db
	@if [ -f $(STATE)/scheduler.pid ] && kill -0 $$(cat $(STATE)/scheduler.pid) 2>/dev/null; then \
	  echo "==> scheduler: running"; \
	else \
	  echo "==> scheduler: starting (log in $(STATE)/scheduler.log)"; \
	  nohup $(CKAN) -c $(INI) catalogue schedule --every 60 > $(STATE)/scheduler.log 2>&1 & echo $$! > $(STATE)/scheduler.pid; \
	fi

# `make run` and `make test` time each phase and print the times (a
# second `make run` on the same machine does only what is missing).
PHASE := stack/bin/phases.sh run
SUB := $(MAKE) --no-print-directory

run:
	@rm -f $(STATE)/phases.log
	@$(PHASE) install $(SUB) install
	@$(PHASE) services $(SUB) services
	@$(PHASE) migrations $(SUB) db
	@$(PHASE) workers $(SUB) worker scheduler
	@$(PHASE) demo $(SUB) demo
	@stack/bin/phases.sh report "make run"
	@echo "==> serving http://127.0.0.1:5000 (Ctrl-C stops the web process; make stop stops the services)"
	@$(CKAN) -c $(INI) run --host 127.0.0.1 --port 5000

doctor: install
	@$(CKAN) -c $(INI) catalogue doctor

# Lint first: ruff, pyright (ckanext-files' strict rule set, pyproject.toml)
# and the package's import layers (no cycle, dependencies point down).
lint: venv
	$(VENV)/bin/ruff check ckanext bench
	$(VENV)/bin/pyright
	$(VENV)/bin/python stack/bin/import-layers.py

test:
	@rm -f $(STATE)/phases.log
	@$(PHASE) install $(SUB) install
	@$(PHASE) lint $(SUB) lint
	@$(PHASE) services $(SUB) services
	@$(PHASE) migrations $(SUB) test-db
	@mkdir -p test-artifacts
	@$(PHASE) tests $(VENV)/bin/pytest --ckan-ini=$(TEST_INI) -m "not cluster" --durations=15 $(PYTEST_ARGS); \
	  status=$$?; stack/bin/phases.sh report "make test"; exit $$status

fuzz: test-db
	@mkdir -p test-artifacts
	CATALOGUE_FUZZ_SECONDS=$(FUZZ_SECONDS) $(VENV)/bin/pytest --ckan-ini=$(TEST_INI) -k schemathesis -s \
	  ckanext/catalogue/tests/api/test_openapi.py

# Benchmarks (not part of `make test`): results in bench/results/, the report
# also as bench/reports/latest.{md,json,svg}. The N items of each size are
# imported once (bulk_import) and searched (search_latency), one N at a time.
BENCH_SIZES ?= 1000,10000,100000
# Hierarchy and group purge: their targets are at 1k and 10k.
BENCH_SMALL_SIZES ?= 1000,10000
# test.ini with the defaults a portal runs (bench/bench.ini says which).
BENCH_INI := bench/bench.ini
# BENCH_STACK=cluster: the search benchmark also runs on the cluster stack
# (bench/bench-cluster.ini), and the report shows both side by side.
BENCH_STACK ?= single
BENCH_CLUSTER_INI := bench/bench-cluster.ini
bench: test-db $(if $(filter cluster,$(BENCH_STACK)),cluster-stack)
	@stack/bin/system-packages.sh wrk
	@mkdir -p bench/results && rm -f bench/results/*.json bench/results/*.md
	$(VENV)/bin/python bench/single_write.py --ini $(BENCH_INI)
	@for n in $(subst $(comma), ,$(BENCH_SIZES)); do \
	  echo "==> bench: N=$$n"; \
	  $(VENV)/bin/python bench/bulk_import.py --ini $(BENCH_INI) --sizes $$n --keep --append || exit 1; \
	  $(VENV)/bin/python bench/search_latency.py --ini $(BENCH_INI) --sizes $$n --reuse --append || exit 1; \
	done
	$(VENV)/bin/python bench/hierarchy.py --ini $(BENCH_INI) --sizes $(BENCH_SMALL_SIZES)
	$(VENV)/bin/python bench/http_throughput.py --ini $(BENCH_INI)
	$(VENV)/bin/python bench/software_import.py --ini $(BENCH_INI)
	$(VENV)/bin/python bench/group_purge.py --ini $(BENCH_INI) --sizes $(BENCH_SMALL_SIZES)
	@if [ "$(BENCH_STACK)" = cluster ]; then \
	  for n in $(subst $(comma), ,$(BENCH_SIZES)); do \
	    echo "==> bench: N=$$n on the cluster stack"; \
	    $(VENV)/bin/python bench/search_latency.py --ini $(BENCH_CLUSTER_INI) --stack cluster --sizes $$n --append || exit 1; \
	  done; \
	fi
	$(VENV)/bin/python bench/report.py

# The cluster stack (stack/bin/cluster.sh): ZooKeeper, two SolrCloud nodes
# (collections ckan and ckan_test, 2 shards x 2 replicas) and a hot-standby
# PostgreSQL replica for DataStore reads; `make cluster` adds the portal on
# it (cluster.ini): 2 gunicorn web processes on port 5001 and 2 job workers.
# test-cluster.ini points the suite at the same stack (the tests start the
# web and job processes they need).
CLUSTER_INI := test-cluster.ini
CLUSTER_PORTAL_INI := cluster.ini
cluster-stack: services
	@stack/bin/cluster.sh start

cluster: cluster-stack
	@stack/bin/databases.sh $(CLUSTER_PORTAL_INI)
	@stack/bin/cluster.sh start-app $(CLUSTER_PORTAL_INI)
	@echo "==> serving http://127.0.0.1:5001 (load the demo: $(CKAN) -c $(CLUSTER_PORTAL_INI) catalogue demo; make stop stops it all)"

test-cluster: test-db cluster-stack
	@mkdir -p test-artifacts
	$(VENV)/bin/pytest --ckan-ini=$(CLUSTER_INI) --durations=15 $(PYTEST_ARGS)

stop:
	@stack/bin/cluster.sh stop
	@stack/bin/services.sh stop

clean: stop
	rm -rf $(STATE) stack/solr/target test-artifacts node_modules ckanext/catalogue/assets/vendor
