# DriftWatch: every stage is a stand-alone script; this file chains them.
# Run `make` for the list of targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help
NPM_RUN := npm run --silent
DATA := shared/data
REGISTRY := shared/registry
REPORTS := shared/reports

# Install when node_modules is missing or older than the lock file.
node_modules/.install-stamp: package-lock.json package.json
	npm ci --no-audit --no-fund
	@touch $@

.PHONY: help
help: ## list the targets
	@echo "DriftWatch targets:"
	@grep -hE '^[a-zA-Z0-9_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-22s\033[0m %s\n", $$1, $$2}'

.PHONY: install
install: node_modules/.install-stamp ## install dependencies (npm ci) when needed

.PHONY: test
test: node_modules/.install-stamp ## typecheck, lint and run every test
	npx tsc --noEmit
	npx eslint .
	npx vitest run

.PHONY: typecheck lint
typecheck: node_modules/.install-stamp ## tsc --noEmit
	npx tsc --noEmit
lint: node_modules/.install-stamp ## eslint
	npx eslint .

# --- data -------------------------------------------------------------------
.PHONY: gen-base gen-nodrift gen-feature gen-concept gen-blackfriday
gen-base: node_modules/.install-stamp ## reference data: base scenario -> shared/data/reference.csv
	$(NPM_RUN) generate -- --scenario base --out $(DATA)/reference.csv
gen-nodrift: node_modules/.install-stamp ## current data, no drift (control) -> shared/data/current.csv
	$(NPM_RUN) generate -- --scenario nodrift --out $(DATA)/current.csv
gen-feature: node_modules/.install-stamp ## current data with feature drift -> shared/data/current.csv
	$(NPM_RUN) generate -- --scenario drift_feature --out $(DATA)/current.csv
gen-concept: node_modules/.install-stamp ## current data with concept drift -> shared/data/current.csv
	$(NPM_RUN) generate -- --scenario drift_concept --out $(DATA)/current.csv
gen-blackfriday: node_modules/.install-stamp ## current data, black-friday shock -> shared/data/current.csv
	$(NPM_RUN) generate -- --scenario shock_black_friday --out $(DATA)/current.csv

# --- training and registry ------------------------------------------------------
.PHONY: train promote-prod rollback registry
train: node_modules/.install-stamp ## train LR + RF on shared/data/reference.csv, register the best
	$(NPM_RUN) train -- --data $(DATA)/reference.csv --registry $(REGISTRY)
promote-prod: node_modules/.install-stamp ## promote the latest version to Production
	$(NPM_RUN) registry -- promote latest --stage Production --registry $(REGISTRY) --reason "make promote-prod"
rollback: node_modules/.install-stamp ## restore the previous Production version (by the history)
	$(NPM_RUN) registry -- rollback --registry $(REGISTRY) --reason "make rollback"
registry: node_modules/.install-stamp ## list the registered versions and their stages
	$(NPM_RUN) registry -- list --registry $(REGISTRY)

# --- monitoring -------------------------------------------------------------------
.PHONY: monitor
monitor: node_modules/.install-stamp ## drift + quality + performance: reference vs current -> shared/reports/
	$(NPM_RUN) monitor -- --reference $(DATA)/reference.csv --current $(DATA)/current.csv --out $(REPORTS) \
		--target is_fraud $$( [ -n "$$($(NPM_RUN) registry -- list --registry $(REGISTRY) --json 2>/dev/null | grep '"stage": "Production"')" ] && echo --model production --registry $(REGISTRY) )

# --- benchmarks (figures printed, never asserted in tests) ---------------------
.PHONY: bench
bench: node_modules/.install-stamp ## print speed and memory figures for every stage
	npx tsx bench/run.ts

.PHONY: clean
clean: ## remove runtime output under shared/ (keeps .gitkeep)
	find shared -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
