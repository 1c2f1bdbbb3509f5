# The two commands a new user needs: `make up` (whole stack, in the background) and `make test` (whole suite).
SHELL := /bin/bash
.DEFAULT_GOAL := help
export NX_DAEMON := false
export NX_NO_CLOUD := true
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED := true
REPORTS := .data/reports

# Container image (build, hadolint, runtime layout) and Kubernetes manifests (render, kubeconform) targets.
include deploy/images/images.mk
include deploy/k8s/k8s.mk

.PHONY: help deps tools build up down status migrate lint unit e2e test faults faults-quick bench bench-codec bench-memory explain clean

help:
	@echo "make up     install what is missing, start Kafka, FerretDB, versitygw, mailpit and the five services"
	@echo "make down   stop everything make up started"
	@echo "make test   lint, unit tests, then end-to-end tests against a separate test stack"
	@echo "make bench        throughput: pipeline vs one-process baseline (RECORDS=N, default 1000000)"
	@echo "make bench-codec   what a records batch costs to encode and decode, against JSON alone"
	@echo "make bench-memory  peak memory of every service, small vs 10x larger export"
	@echo "make explain       the database's plan for every kind of export query (MONGODB_URI, ACCOUNT_ID)"
	@echo "make images        build the container image (docker, podman or buildah); make images-lint checks it"
	@echo "make k8s-validate  render every deploy/k8s overlay and validate it with kubeconform (shipped schemas)"
	@echo "make migrate       create the MongoDB indexes (MONGODB_URI, else the local stack's; ARGS=--check only reports)"
	@echo "make faults fault-injection campaign (kills, broker and database restarts) with exactly-once checks"

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

deps: node_modules/.package-lock.json

tools:
	@bash deploy/local/install.sh

build: deps
	npx tsc -p tsconfig.build.json && npx tsc-alias -p tsconfig.build.json

up: tools build
	@bash deploy/local/stack.sh up
	@bash deploy/local/print-welcome.sh

down:
	@bash deploy/local/stack.sh down

status:
	@bash deploy/local/stack.sh status

# The indexes (libs/mongo/src/indexes.ts); services never create them. MONGODB_URI=... for a real database.
migrate: build
ifdef MONGODB_URI
	node dist/tools/migrate/migrate.js $(ARGS)
else
	@bash deploy/local/stack.sh migrate
endif

lint: deps
	npx prettier --check --log-level warn .
	npx tsc --noEmit -p tsconfig.json
	npx nx run-many -t lint --outputStyle=static

# The one unit-test entry (also `npm test`): every project's jest run through Nx, cached, one report per project.
unit: deps
	npm test --silent

e2e: tools build
	@bash deploy/local/install.sh test-servers
	@bash test/support/install-chromium.sh
	@mkdir -p $(REPORTS)
	npx jest -c test/jest.config.js --runInBand --json --outputFile=$(REPORTS)/e2e.json

test: tools build
	@rm -rf $(REPORTS)
	$(MAKE) lint
	$(MAKE) images-lint
	$(MAKE) k8s-validate
	$(MAKE) unit
	$(MAKE) e2e
	$(MAKE) faults-quick
	@node tools/ci/summarize.js $(REPORTS)/unit/*.json $(REPORTS)/e2e.json

# Fault-injection campaign (docs/reliability.md): 20 seeded runs of 200,000 records, two replicas of every service.
# Replay one run with: make faults FAULT_ARGS="--runs 1 --seed 7"
FAULT_ARGS ?= --runs 20 --seed 1 --records 200000 --replicas 2
faults: tools build
	@bash deploy/local/install.sh test-servers
	npx ts-node --transpile-only test/faults/run-faults.ts $(FAULT_ARGS)

# The reduced campaign that `make test` runs: one seeded run of 20,000 records, two replicas of every service.
faults-quick: tools build
	@bash deploy/local/install.sh test-servers
	npx ts-node --transpile-only test/faults/run-faults.ts --runs 1 --seed 1 --records 20000 --replicas 2

# Throughput benchmark: the pipeline against one process doing the same export (prints figures, ratios, a JSON line).
RECORDS ?= 1000000
bench: tools build
	npx ts-node --transpile-only test/bench/throughput.ts --records $(RECORDS) $(BENCH_ARGS)

# Codec micro-benchmark: ms per 500-record batch on the records topic, against JSON.parse / JSON.stringify.
bench-codec:
	npx ts-node --transpile-only libs/contracts/bench/codec.bench.ts $(BENCH_ARGS)

# Memory benchmark: peak RSS of every service for a small and a 10x larger export (prints figures and ratios).
BENCH_ARGS ?= --small 20000 --large 200000
bench-memory: tools build
	npx ts-node --transpile-only test/bench/memory.ts $(BENCH_ARGS)

# The plan of every kind of export query (read-only), against MONGODB_URI (default: the local stack), ACCOUNT_ID.
explain: build
	node dist/tools/explain/explain-export-queries.js

clean: down
	rm -rf dist .data coverage
