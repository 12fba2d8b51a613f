# DriftWatch: every stage is a stand-alone script; this file chains them.
# Run `make` for the list of targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help
# The scripts behind `npm run --silent <name>`, started without npm's own start-up cost.
TSX := node --import tsx
# The stages run compiled: the same sources bundled by esbuild (make scripts-build), which
# start without tsx's loader (0.3-0.6 s a run). `npm run` and the sources keep tsx.
SCRIPTS := node_modules/.cache/driftwatch-scripts/current
SCRIPTS_BUILT := $(SCRIPTS)/.built
# Rebuilt when any file the current build was made from changes (the build lists them).
SCRIPT_SOURCES := $(wildcard $(shell cat $(SCRIPTS)/inputs.txt 2>/dev/null))
# A stage's compiled script, by its source's path without .ts (named as scriptBundles.ts names bundles).
stage = node $(SCRIPTS)/$(subst /,__,$(1)).mjs
GENERATE := $(call stage,generator/src/cli)
TRAIN := $(call stage,services/training/src/cli)
REGISTRY_CLI := $(call stage,services/registry/src/cli)
MONITOR := $(call stage,services/monitoring/src/cli)
CONTROL := $(call stage,services/control_plane/src/cli)
APPROVALS := $(call stage,services/control_plane/src/approvalsCli)
AUDIT_VERIFY := $(call stage,services/control_plane/src/auditVerifyCli)
DEMO_SUMMARY := $(call stage,services/control_plane/src/demoSummaryCli)
VERIFY_ACTIONS := $(call stage,services/control_plane/src/verifyActionsCli)
PREDICTIONS_TO_CSV := $(call stage,services/api/src/predictionsToCsvCli)
WATCH := $(call stage,services/watcher/src/watchCli)
REPLAY := $(call stage,services/watcher/src/replayCli)
DATA := shared/data
REGISTRY := shared/registry
REPORTS := shared/reports
# The dashboard's page script, bundled from services/api/dashboard/src (git-ignored).
DASHBOARD_BUNDLE := services/api/dashboard/build/dashboard.js
# The dataset spec every stage reads its columns from: a name in datasets/ or a YAML file.
DATASET ?= fraud

# Install when node_modules is missing or older than the lock file.
node_modules/.install-stamp: package-lock.json package.json
	npm ci --no-audit --no-fund
	@touch $@

# Each build in a directory of its own, made current by one rename: a stage already running keeps its build.
$(SCRIPTS_BUILT): node_modules/.install-stamp tsconfig.json $(SCRIPT_SOURCES)
	$(TSX) services/core/src/infrastructure/buildScripts.ts

.PHONY: scripts-build
scripts-build: $(SCRIPTS_BUILT) ## compile the stages' scripts (services/, generator/) to JavaScript: every target that runs a stage does it when a source changed

.PHONY: help
help: ## list the targets
	@echo "DriftWatch targets:"
	@grep -hE '^[a-zA-Z0-9_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-22s\033[0m %s\n", $$1, $$2}'

.PHONY: install
install: node_modules/.install-stamp ## install dependencies (npm ci) when needed

.PHONY: test
# The Debian packages the real-component tests use are installed (in CI) while the code is
# type-checked and linted: the download and the compiler overlap instead of adding up.
test: node_modules/.install-stamp ## typecheck and lint (side by side, while the test packages install), then run every test
	@logs=$$(mktemp -d); bash infra/ensure-test-packages.sh > "$$logs/packages" 2>&1 & packages=$$!; \
	  npx tsc --noEmit > "$$logs/tsc" 2>&1 & tsc=$$!; \
	  npx tsc --noEmit -p services/api/dashboard > "$$logs/tsc-dashboard" 2>&1 & page=$$!; \
	  npx eslint . > "$$logs/eslint" 2>&1; linted=$$?; \
	  wait $$tsc; typed=$$?; wait $$page; paged=$$?; wait $$packages; \
	  cat "$$logs/packages" "$$logs/tsc" "$$logs/tsc-dashboard" "$$logs/eslint"; rm -rf "$$logs"; \
	  [ $$typed -eq 0 ] && [ $$paged -eq 0 ] && [ $$linted -eq 0 ] || { echo "make test: the type-check or the lint failed (above)"; exit 1; }; \
	  npx vitest run

.PHONY: typecheck lint
typecheck: node_modules/.install-stamp ## tsc --noEmit (the services and the dashboard's page)
	npx tsc --noEmit
	npx tsc --noEmit -p services/api/dashboard
lint: node_modules/.install-stamp ## eslint
	npx eslint .

# --- data -------------------------------------------------------------------
.PHONY: gen-base gen-nodrift gen-feature gen-concept gen-blackfriday
gen-base: $(SCRIPTS_BUILT) ## reference data: base scenario -> shared/data/reference.csv
	$(GENERATE) --scenario base --out $(DATA)/reference.csv
gen-nodrift: $(SCRIPTS_BUILT) ## current data, no drift (control) -> shared/data/current.csv
	$(GENERATE) --scenario nodrift --out $(DATA)/current.csv
gen-feature: $(SCRIPTS_BUILT) ## current data with feature drift -> shared/data/current.csv
	$(GENERATE) --scenario drift_feature --out $(DATA)/current.csv
gen-concept: $(SCRIPTS_BUILT) ## current data with concept drift -> shared/data/current.csv
	$(GENERATE) --scenario drift_concept --out $(DATA)/current.csv
gen-blackfriday: $(SCRIPTS_BUILT) ## current data, black-friday shock -> shared/data/current.csv
	$(GENERATE) --scenario shock_black_friday --out $(DATA)/current.csv

TIMELINE ?= quarter
.PHONY: gen-timeline
gen-timeline: $(SCRIPTS_BUILT) ## a drift timeline (TIMELINE=quarter|calm|file.yaml): days, labels by arrival day -> shared/timelines/NAME/
	$(GENERATE) --timeline $(TIMELINE) --out shared/timelines/$(basename $(notdir $(TIMELINE)))

# --- training and registry ------------------------------------------------------
.PHONY: train promote-prod rollback registry
train: $(SCRIPTS_BUILT) ## train LR + RF on shared/data/reference.csv, register the best
	$(TRAIN) --data $(DATA)/reference.csv --dataset $(DATASET) --registry $(REGISTRY)
promote-prod: $(SCRIPTS_BUILT) ## promote the latest version to Production
	$(REGISTRY_CLI) promote latest --stage Production --registry $(REGISTRY) --reason "make promote-prod"
rollback: $(SCRIPTS_BUILT) ## restore the previous Production version (by the history)
	$(REGISTRY_CLI) rollback --registry $(REGISTRY) --reason "make rollback"
registry: $(SCRIPTS_BUILT) ## list the registered versions and their stages
	$(REGISTRY_CLI) list --registry $(REGISTRY)

# --- monitoring -------------------------------------------------------------------
.PHONY: monitor
monitor: $(SCRIPTS_BUILT) ## drift + quality + performance: the serving model's reference (policy reference.mode) vs current -> shared/reports/
	$(MONITOR) --current $(DATA)/current.csv --out $(REPORTS) --dataset $(DATASET) \
		$$( [ -n "$$($(REGISTRY_CLI) list --registry $(REGISTRY) --json 2>/dev/null | grep '"stage": "Production"')" ] \
			&& echo --reference serving --model production --registry $(REGISTRY) || echo --reference $(DATA)/reference.csv )

# --- serving -------------------------------------------------------------------------
PORT ?= 8000
.PHONY: serve monitor-live dashboard-build dashboard-shot
serve: node_modules/.install-stamp $(DASHBOARD_BUNDLE) ## the prediction API and the dashboard on http://127.0.0.1:$$PORT/ (DRIFTWATCH_API_KEY enables admin endpoints and approving)
	PORT=$(PORT) $(TSX) services/api/src/server.ts
dashboard-build: $(DASHBOARD_BUNDLE) ## bundle the dashboard's page script (services/api/dashboard/src -> build/dashboard.js)
$(DASHBOARD_BUNDLE): node_modules/.install-stamp $(wildcard services/api/dashboard/src/*.ts) services/core/src/domain/actionMarkers.ts
	$(TSX) services/api/dashboard/build.ts
dashboard-shot: node_modules/.install-stamp $(DASHBOARD_BUNDLE) ## a full-page screenshot of the dashboard on shared/ -> shared/reports/dashboard.png (Debian's chromium)
	$(TSX) services/api/dashboard/screenshotCli.ts --out $(REPORTS)/dashboard.png
monitor-live: $(SCRIPTS_BUILT) ## monitor the logged predictions (shared/predictions/) against the reference
	$(PREDICTIONS_TO_CSV) --out $(DATA)/live.csv --dataset $(DATASET)
	$(MONITOR) --current $(DATA)/live.csv --out $(REPORTS)/live --dataset $(DATASET) \
		$$( [ -n "$$($(REGISTRY_CLI) list --registry $(REGISTRY) --json 2>/dev/null | grep '"stage": "Production"')" ] \
			&& echo --reference serving --model production --registry $(REGISTRY) || echo --reference $(DATA)/reference.csv )

# --- docker (optional: nothing in the demos needs it) -------------------------------------
.PHONY: up down logs api-logs
up: ## api + prometheus + grafana with Docker (http://localhost:8000, :9090, :3000)
	docker compose up -d --build
down: ## stop the Docker stack
	docker compose down
logs: ## follow every container's log
	docker compose logs -f
api-logs: ## follow the API container's log
	docker compose logs -f api

# --- control plane ---------------------------------------------------------------
.PHONY: control approvals audit-verify
control: $(SCRIPTS_BUILT) ## sentinel -> planner -> release on shared/reports/monitoring_summary.json
	$(CONTROL) --dataset $(DATASET)
approvals: $(SCRIPTS_BUILT) ## list actions waiting for a human
	$(APPROVALS) list
audit-verify: $(SCRIPTS_BUILT) ## check the audit log's hash chain
	$(AUDIT_VERIFY)
.PHONY: verify-actions
verify-actions: $(SCRIPTS_BUILT) ## check independently that every action the control plane took was allowed (exit 4 if not)
	$(VERIFY_ACTIONS)

# --- demos: each starts from an empty shared/ and ends with a summary ------------------
DEMO_RESET = find shared -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
DEMO_BASE = $(DEMO_RESET) && $(GENERATE) --scenario base --out $(DATA)/reference.csv \
	&& $(TRAIN) --data $(DATA)/reference.csv --model lr --registry $(REGISTRY) \
	&& $(REGISTRY_CLI) promote latest --stage Production --registry $(REGISTRY) --reason "initial model"
DEMO_MONITOR = $(MONITOR) --reference serving --current $(DATA)/current.csv --out $(REPORTS) \
	--dataset fraud --model production --registry $(REGISTRY)

.PHONY: demo-drift-feature demo-drift-feature-again demo-drift-concept demo-black-friday demo-rollback demo-nodrift demos
demo-drift-feature: $(SCRIPTS_BUILT) ## base -> train -> promote -> feature drift -> monitor -> control (retrain, promote)
	$(DEMO_BASE) && $(GENERATE) --scenario drift_feature --out $(DATA)/current.csv \
		&& $(DEMO_MONITOR) && $(CONTROL) && $(DEMO_SUMMARY) --title demo-drift-feature
demo-drift-feature-again: demo-drift-feature ## a second drift cycle: the drift goes on; the sentinel names the similar past incident
	$(GENERATE) --scenario drift_feature_more --out $(DATA)/current.csv \
		&& $(DEMO_MONITOR) && $(CONTROL) && $(DEMO_SUMMARY) --title demo-drift-feature-again
demo-drift-concept: $(SCRIPTS_BUILT) ## concept drift seen through the AUC drop -> retrain on current -> promote
	$(DEMO_BASE) && $(GENERATE) --scenario drift_concept --out $(DATA)/current.csv \
		&& $(DEMO_MONITOR) && $(CONTROL) && $(DEMO_SUMMARY) --title demo-drift-concept
demo-black-friday: $(SCRIPTS_BUILT) ## a transient shock -> escalate (pending approval), Production unchanged
	$(DEMO_BASE) && $(GENERATE) --scenario shock_black_friday --out $(DATA)/current.csv \
		&& $(DEMO_MONITOR) && $(CONTROL) && $(APPROVALS) list && $(DEMO_SUMMARY) --title demo-black-friday
demo-rollback: $(SCRIPTS_BUILT) ## a bad model promoted by hand -> regression detected -> rolled back
	$(DEMO_BASE) && $(TRAIN) --data $(DATA)/reference.csv --model lr --registry $(REGISTRY) --shuffle-labels \
		&& $(REGISTRY_CLI) promote latest --stage Production --registry $(REGISTRY) --reason "hand-promoted (deliberately bad)" \
		&& $(GENERATE) --scenario nodrift --out $(DATA)/current.csv \
		&& $(DEMO_MONITOR) && $(CONTROL) && $(DEMO_SUMMARY) --title demo-rollback
demo-nodrift: $(SCRIPTS_BUILT) ## same distribution -> noop
	$(DEMO_BASE) && $(GENERATE) --scenario nodrift --out $(DATA)/current.csv \
		&& $(DEMO_MONITOR) && $(CONTROL) && $(DEMO_SUMMARY) --title demo-nodrift

# Your own data, the whole chain (see infra/demo-own.sh): DATASET=spec.yaml REFERENCE=a.csv CURRENT=b.csv.
.PHONY: demo-own
demo-own: node_modules/.install-stamp ## your data: train (lr+rf) on REFERENCE -> promote -> monitor CURRENT -> control (DATASET=spec.yaml REFERENCE=a.csv CURRENT=b.csv [POLICY=p.yaml])
	@POLICY="$(POLICY)" bash infra/demo-own.sh "$(DATASET)" "$(REFERENCE)" "$(CURRENT)"

# --- the loop over time ------------------------------------------------------------
# make watch WATCH_ARGS="--once --batches DIR": flags as in `npm run watch -- --help`.
WATCH_ARGS ?=
# How a replay answers escalations: approve | reject | after:Nd.
APPROVE ?= approve
.PHONY: watch replay replay-compare demo-timeline
watch: $(SCRIPTS_BUILT) ## the watcher: decide every window of the prediction log (or --batches DIR) as it closes; WATCH_ARGS="--once" for cron
	$(WATCH) --dataset $(DATASET) $(WATCH_ARGS)
replay: $(SCRIPTS_BUILT) ## a policy over a timeline on a simulated clock, with baselines (TIMELINE=quarter POLICY=file.yaml APPROVE=approve|reject|after:2d) -> shared/replay/NAME/
	$(REPLAY) --timeline $(TIMELINE) --policy $(or $(POLICY),policies/promotion.yaml) --approvals $(APPROVE)
replay-compare: $(SCRIPTS_BUILT) ## several policies over one timeline, side by side (TIMELINE=quarter POLICIES="a.yaml b.yaml")
	$(REPLAY) --timeline $(TIMELINE) --approvals $(APPROVE) --compare $(POLICIES)
# make demo-live SPEED=max DAYS=10: flags as in services/traffic/src/liveDemoCli.ts --help.
SPEED ?= 43200
DAYS ?=
.PHONY: demo-live
demo-live: node_modules/.install-stamp ## the live loop: API + traffic player + watcher over 30 days (drift from day 7): retrain, promote, hot reload; then the replay-style summary
	@$(DEMO_RESET)
	$(TSX) services/traffic/src/liveDemoCli.ts --speed $(SPEED) $(if $(DAYS),--days $(DAYS))
demo-timeline: $(SCRIPTS_BUILT) ## replay the quarter timeline under policies/promotion.yaml and print the comparison with the baselines
	$(REPLAY) --timeline quarter --policy policies/promotion.yaml --approvals $(APPROVE)

# --- benchmarks (figures printed, never asserted in tests) ---------------------
.PHONY: bench
bench: $(SCRIPTS_BUILT) ## print speed and memory figures for every stage, the API and the models vs scikit-learn included
	npx tsx bench/run.ts
	@echo
	npx tsx bench/models.ts
	@echo
	npx tsx bench/api.ts
	@echo
	npx tsx bench/replay.ts
	@echo
	npx tsx bench/cbpe.ts
	@echo
	npx tsx bench/bus.ts

.PHONY: bench-bus
bench-bus: $(SCRIPTS_BUILT) ## Redis Streams: /predict with the bus vs the file log; 1 API + 2 watchers over 200k predictions, window latency
	npx tsx bench/bus.ts

.PHONY: bench-api
bench-api: $(SCRIPTS_BUILT) ## autocannon against the API: req/s, p99, and log records == 2xx responses
	npx tsx bench/api.ts

.PHONY: clean
clean: ## remove runtime output under shared/ (keeps .gitkeep)
	find shared -mindepth 1 ! -name .gitkeep -exec rm -rf {} +

.PHONY: audit-adopt-key
audit-adopt-key: $(SCRIPTS_BUILT) ## key an audit log written before DRIFTWATCH_AUDIT_KEY was set (once; checks it first)
	$(AUDIT_VERIFY) --adopt-key
