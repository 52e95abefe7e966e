# The verbs a person types. See README.md.
SHELL := /bin/bash

# One pin: the Pulumi CLI and language hosts (Go modules), PyPI `pulumi` and npm `@pulumi/pulumi`.
PULUMI_VERSION ?= 3.260.0

CACHE_DIR ?= $(HOME)/.cache/pulumi-resource-auth0
# A cache's stamp names a short hash of its dependency list (package==version words, or a lock
# file), so changing any pin installs again instead of reusing what an old stamp vouches for.
deps_hash = $(shell printf '%s\n' $(foreach d,$(1),'$(d)') | sha1sum | cut -c1-8)
file_hash = $(shell cat $(1) | sha1sum | cut -c1-8)
CARGO ?= cargo
# The plugin's version is the workspace version in Cargo.toml.
VERSION := $(shell sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' Cargo.toml)

.PHONY: build release test test-rust demo version

build:
	$(CARGO) build --locked --workspace --bins

release:
	$(CARGO) build --locked --release -p pulumi-resource-auth0 -p auth0-emulator

# Rust first, then the suites that drive the built binaries and SDKs; the real engine last.
# test-migration builds the official bridged provider once (4 to 8 min, cached in CACHE_DIR).
test: test-rust sdk-check sdk-test sdk-compare conformance pulumi-cli-check e2e bench-smoke test-migration release-test
	@echo "make test: every suite passed"

test-rust:
	$(CARGO) test --locked --workspace

version:
	@echo $(VERSION)

# The interim demo without Pulumi: start the emulator, create an API, a client and a grant through
# the Management API, get a token for the client and verify it against the JWKS.
.PHONY: demo-api
demo-api:
	$(CARGO) run --locked -q -p auth0-emulator --example demo

# The emulator in the foreground; flags via EMULATOR_ARGS, e.g. EMULATOR_ARGS="--rate-limit free".
.PHONY: emulator bench-emulator
emulator:
	$(CARGO) run --locked -q -p auth0-emulator -- $(EMULATOR_ARGS)

# Emulator throughput on loopback (GET and POST, in memory, rate limit off), median of 3 runs.
# LOADGEN_ARGS="REQUESTS CONCURRENCY RUNS MAX_SECONDS" (default 20000 32 3 20).
bench-emulator:
	$(CARGO) run --locked --release -q -p auth0-emulator --example loadgen -- $(LOADGEN_ARGS)


# Reliability at full size (issue 14): about 1,000 operations under faults and 429 bursts, 100
# creates on the free tenant with and without auth0:maxRequestsPerSecond, with figures printed.
# `make test` runs the same tests smaller. RELIABILITY_GROUPS, RELIABILITY_CREATES and
# RELIABILITY_SEED override the sizes and the fault seed.
.PHONY: reliability
reliability:
	RELIABILITY_GROUPS=$${RELIABILITY_GROUPS:-120} RELIABILITY_CREATES=$${RELIABILITY_CREATES:-100} \
		$(CARGO) test --locked -p pulumi-resource-auth0 --test load -- --nocapture --test-threads 1

# The real Pulumi CLI and language hosts at PULUMI_VERSION, built from Go modules into
# $(CACHE_DIR)/pulumi-cli-$(PULUMI_VERSION)-r<recipe>/bin (or the `pulumi` already on PATH).
# The last line printed is the bin dir; `make -s pulumi-cli-bin` prints only that.
.PHONY: pulumi-cli pulumi-cli-bin
pulumi-cli:
	@PULUMI_VERSION=$(PULUMI_VERSION) CACHE_DIR=$(CACHE_DIR) scripts/build-pulumi-cli.sh

pulumi-cli-bin:
	@PULUMI_VERSION=$(PULUMI_VERSION) CACHE_DIR=$(CACHE_DIR) scripts/build-pulumi-cli.sh --quiet

# Runs `pulumi version`, then `runtime: yaml`, `python`, `nodejs` and `go` projects through their
# language hosts and Python and Node.js inline programs, against a throwaway file backend.
.PHONY: pulumi-cli-check
pulumi-cli-check:
	@PULUMI_VERSION=$(PULUMI_VERSION) CACHE_DIR=$(CACHE_DIR) scripts/check-pulumi-cli.sh

# --- SDKs: sdk-gen turns schema.json into sdk/python, sdk/nodejs and sdk/go (see README "SDKs").
SDK_GEN = $(CARGO) run --locked -q -p sdk-gen --
SDK_GEN_ARGS = --schema schema.json --pulumi-version $(PULUMI_VERSION)
PY_VENV = $(CACHE_DIR)/venv-py-$(PULUMI_VERSION)
PY_DEPS = pulumi==$(PULUMI_VERSION) pytest==8.3.5
PY_STAMP = $(PY_VENV)/.installed-$(call deps_hash,$(PY_DEPS))
# npm packages for the TypeScript SDK test, sdk-compare and the TypeScript e2e test: exact versions
# in tests/sdk/nodejs/package.json, the whole tree in its package-lock.json, installed by `npm ci`.
NODE_LOCK_DIR = tests/sdk/nodejs
NODE_DEPS = $(CACHE_DIR)/node-sdk-test-$(PULUMI_VERSION)
NODE_STAMP = $(NODE_DEPS)/.installed-$(call file_hash,$(NODE_LOCK_DIR)/package.json $(NODE_LOCK_DIR)/package-lock.json)
GO_SDK = github.com/pulumi-auth0-rs/pulumi-auth0-rs/sdk/go/auth0
# The official SDKs the API-surface comparison is made against.
OFFICIAL_AUTH0 = 3.49.0
OFFICIAL_DIR = $(CACHE_DIR)/official-auth0-sdks-$(OFFICIAL_AUTH0)
OFFICIAL_STAMP = $(OFFICIAL_DIR)/.installed-$(call deps_hash,pulumi-auth0==$(OFFICIAL_AUTH0) @pulumi/auth0==$(OFFICIAL_AUTH0))
# The .d.ts files of every token in the parity fixture (compare.py fails if one is missing here).
DTS_FILES = client.d.ts clientCredentials.d.ts clientGrant.d.ts resourceServer.d.ts resourceServerScope.d.ts \
	resourceServerScopes.d.ts getClient.d.ts getClientGrants.d.ts getClients.d.ts getResourceServer.d.ts \
	provider.d.ts types/input.d.ts types/output.d.ts config/vars.d.ts index.d.ts
# Per worktree, so concurrent runs in other checkouts do not overwrite each other's surfaces.
SDK_COMPARE_DIR = target/sdk-compare

.PHONY: sdks sdk-check sdk-test sdk-test-python sdk-test-nodejs sdk-test-go sdk-compare

sdks:
	$(SDK_GEN) $(SDK_GEN_ARGS) --out sdk

# Regenerate into a temp dir; any difference from the committed sdk/ fails.
sdk-check:
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(SDK_GEN) $(SDK_GEN_ARGS) --out "$$tmp" || exit 1; \
	if diff -r -q -x node_modules -x __pycache__ -x go.sum -x '*.egg-info' -x bin -x build sdk "$$tmp"; then \
	  echo "sdk-check: sdk/ matches schema.json"; \
	else \
	  echo "sdk-check: sdk/ differs from a fresh generation; run 'make sdks' and commit sdk/"; exit 1; \
	fi

sdk-test: sdk-test-python sdk-test-nodejs sdk-test-go

$(PY_STAMP):
	@mkdir -p $(CACHE_DIR)
	@flock $(PY_VENV).lock bash -c 'set -e; [[ -f $@ ]] && exit 0; rm -f $(PY_VENV)/.installed*; \
	  [[ -x $(PY_VENV)/bin/python ]] || nice -n 10 python3 -m venv $(PY_VENV); \
	  nice -n 10 timeout 900 $(PY_VENV)/bin/python -m pip install -q --disable-pip-version-check $(PY_DEPS); \
	  touch $@'

sdk-test-python: $(PY_STAMP)
	PYTHONPATH=$(CURDIR)/sdk/python EXAMPLES_DIR=$(CURDIR)/examples/python \
	  $(PY_VENV)/bin/python -m pytest -q -p no:cacheprovider tests/sdk/python

$(NODE_STAMP):
	@grep -q '"@pulumi/pulumi": "$(PULUMI_VERSION)"' $(NODE_LOCK_DIR)/package.json || { \
	  echo "$(NODE_LOCK_DIR)/package.json does not pin @pulumi/pulumi $(PULUMI_VERSION); run: cd $(NODE_LOCK_DIR) && npm install --package-lock-only --save-exact @pulumi/pulumi@$(PULUMI_VERSION)"; exit 1; }
	@mkdir -p $(NODE_DEPS)
	@flock $(NODE_DEPS).lock bash -c 'set -e; [[ -f $@ ]] && exit 0; rm -f $(NODE_DEPS)/.installed*; \
	  cp $(NODE_LOCK_DIR)/package.json $(NODE_LOCK_DIR)/package-lock.json $(NODE_DEPS)/; \
	  cd $(NODE_DEPS) && nice -n 10 timeout 900 npm ci --no-audit --no-fund --loglevel=error; \
	  touch $@'

# tsc --strict on the SDK alone, then on the mock test (which compiles the SDK again) and run it;
# the build goes under target/, per checkout, and finds the npm packages through NODE_PATH.
sdk-test-nodejs: $(NODE_STAMP)
	ln -sfn $(NODE_DEPS)/node_modules sdk/nodejs/node_modules
	ln -sfn $(NODE_DEPS)/node_modules tests/sdk/nodejs/node_modules
	$(NODE_DEPS)/node_modules/.bin/tsc -p sdk/nodejs --noEmit
	rm -rf target/sdk-test-nodejs
	$(NODE_DEPS)/node_modules/.bin/tsc -p tests/sdk/nodejs --outDir target/sdk-test-nodejs
	NODE_PATH=$(NODE_DEPS)/node_modules node --test --test-reporter=dot target/sdk-test-nodejs/tests/sdk/nodejs/

# --- End-to-end: the real Pulumi CLI, engine and language hosts, the plugin binary and the emulator
# binary (tests/e2e, see README "End-to-end tests"): example projects through `pulumi up` in their
# directories, and Automation API inline programs.
E2E_VENV = $(CACHE_DIR)/venv-e2e-$(PULUMI_VERSION)
E2E_PY_DEPS = pulumi==$(PULUMI_VERSION) pytest==8.3.5 PyJWT[crypto]==2.10.1
E2E_STAMP = $(E2E_VENV)/.e2e-ready-$(call deps_hash,$(E2E_PY_DEPS))
E2E_BINS = $(CURDIR)/target/debug
E2E_ARGS ?=

.PHONY: e2e e2e-build

# Shares the venv (and its lock and .ready mark) with scripts/check-pulumi-cli.sh.
$(E2E_STAMP):
	@mkdir -p $(CACHE_DIR)
	@flock $(E2E_VENV).lock bash -c 'set -e; [[ -f $@ ]] && exit 0; rm -f $(E2E_VENV)/.e2e-ready*; \
	  [[ -x $(E2E_VENV)/bin/python ]] || nice -n 10 python3 -m venv $(E2E_VENV); \
	  nice -n 10 timeout 900 $(E2E_VENV)/bin/python -m pip install -q --disable-pip-version-check $(E2E_PY_DEPS); \
	  touch $(E2E_VENV)/.ready $@'

e2e-build:
	$(CARGO) build --locked -p pulumi-resource-auth0 -p auth0-emulator

# The TypeScript scenario compiles with, and runs on, the SDK tests' node_modules (NODE_DEPS).
e2e: e2e-build $(E2E_STAMP) $(NODE_STAMP)
	@bin=$$(PULUMI_VERSION=$(PULUMI_VERSION) CACHE_DIR=$(CACHE_DIR) scripts/build-pulumi-cli.sh --quiet) && \
	PATH="$(E2E_BINS):$$bin:$$PATH" PYTHONPATH=$(CURDIR)/sdk/python E2E_NODE_MODULES=$(NODE_DEPS)/node_modules \
	  PULUMI_VERSION=$(PULUMI_VERSION) $(E2E_VENV)/bin/python -m pytest -q -p no:cacheprovider tests/e2e \
	  --ignore=tests/e2e/test_migration.py $(E2E_ARGS)

# --- Migration: a stack made with the official bridged provider and SDKs carries on under ours and
# back (tests/e2e/test_migration.py, see docs/user-guide.md "Migrating"). The official provider is
# built from ../shared/third_party/pulumi-auth0-bridged into $(CACHE_DIR)/bridged-auth0-<version>
# (4 to 8 min on a cold Go cache, once); the official SDKs install into their own venv and
# node_modules, keyed by the pins.
MIGRATION_VENV = $(CACHE_DIR)/venv-migration-$(PULUMI_VERSION)
MIGRATION_PY_DEPS = pulumi==$(PULUMI_VERSION) pulumi-auth0==$(OFFICIAL_AUTH0) pytest==8.3.5
MIGRATION_STAMP = $(MIGRATION_VENV)/.installed-$(call deps_hash,$(MIGRATION_PY_DEPS))
MIGRATION_NODE_LOCK_DIR = tests/e2e/migration/nodejs
MIGRATION_NODE = $(CACHE_DIR)/node-migration-$(PULUMI_VERSION)
MIGRATION_NODE_STAMP = $(MIGRATION_NODE)/.installed-$(call file_hash,$(MIGRATION_NODE_LOCK_DIR)/package.json $(MIGRATION_NODE_LOCK_DIR)/package-lock.json)
MIGRATION_ARGS ?=

.PHONY: bridged-provider test-migration

# The last line printed is the bin dir holding the official plugin.
bridged-provider:
	@BRIDGED_AUTH0_VERSION=$(OFFICIAL_AUTH0) CACHE_DIR=$(CACHE_DIR) scripts/build-bridged-provider.sh

$(MIGRATION_STAMP):
	@mkdir -p $(CACHE_DIR)
	@flock $(MIGRATION_VENV).lock bash -c 'set -e; [[ -f $@ ]] && exit 0; rm -f $(MIGRATION_VENV)/.installed*; \
	  [[ -x $(MIGRATION_VENV)/bin/python ]] || nice -n 10 python3 -m venv $(MIGRATION_VENV); \
	  nice -n 10 timeout 900 $(MIGRATION_VENV)/bin/python -m pip install -q --disable-pip-version-check $(MIGRATION_PY_DEPS); \
	  touch $@'

$(MIGRATION_NODE_STAMP):
	@grep -q '"@pulumi/pulumi": "$(PULUMI_VERSION)"' $(MIGRATION_NODE_LOCK_DIR)/package.json && \
	  grep -q '"@pulumi/auth0": "$(OFFICIAL_AUTH0)"' $(MIGRATION_NODE_LOCK_DIR)/package.json || { \
	  echo "$(MIGRATION_NODE_LOCK_DIR)/package.json does not pin @pulumi/pulumi $(PULUMI_VERSION) and @pulumi/auth0 $(OFFICIAL_AUTH0); run: cd $(MIGRATION_NODE_LOCK_DIR) && npm install --package-lock-only --save-exact @pulumi/pulumi@$(PULUMI_VERSION) @pulumi/auth0@$(OFFICIAL_AUTH0)"; exit 1; }
	@mkdir -p $(MIGRATION_NODE)
	@flock $(MIGRATION_NODE).lock bash -c 'set -e; [[ -f $@ ]] && exit 0; rm -f $(MIGRATION_NODE)/.installed*; \
	  cp $(MIGRATION_NODE_LOCK_DIR)/package.json $(MIGRATION_NODE_LOCK_DIR)/package-lock.json $(MIGRATION_NODE)/; \
	  cd $(MIGRATION_NODE) && nice -n 10 timeout 900 npm ci --no-audit --no-fund --loglevel=error; \
	  touch $@'

test-migration: e2e-build $(MIGRATION_STAMP) $(MIGRATION_NODE_STAMP)
	@bridged=$$(BRIDGED_AUTH0_VERSION=$(OFFICIAL_AUTH0) CACHE_DIR=$(CACHE_DIR) scripts/build-bridged-provider.sh) && \
	bin=$$(PULUMI_VERSION=$(PULUMI_VERSION) CACHE_DIR=$(CACHE_DIR) scripts/build-pulumi-cli.sh --quiet) && \
	PATH="$(E2E_BINS):$$bin:$$PATH" BRIDGED_PLUGIN=$$bridged/pulumi-resource-auth0 BRIDGED_VERSION=$(OFFICIAL_AUTH0) \
	  MIGRATION_NODE_MODULES=$(MIGRATION_NODE)/node_modules PULUMI_VERSION=$(PULUMI_VERSION) \
	  $(MIGRATION_VENV)/bin/python -m pytest -q -p no:cacheprovider tests/e2e/test_migration.py $(MIGRATION_ARGS)

# The AI service-to-service example as a user runs it (tests/e2e/demo.py): `pulumi up` in the Python
# project examples/python/ai-service-auth-corrected against a fresh emulator, the service's token
# verified against the JWKS, `pulumi destroy`. Builds what it lacks first, saying what and why.
demo:
	@echo "demo: building pulumi-resource-auth0 and auth0-emulator (cargo; seconds when up to date)"
	@$(CARGO) build --locked -p pulumi-resource-auth0 -p auth0-emulator
	@[[ -f $(E2E_STAMP) ]] || echo "demo: first run: a Python venv with pulumi==$(PULUMI_VERSION) and PyJWT (for verifying the token) in $(E2E_VENV)"
	@$(MAKE) --no-print-directory -s $(E2E_STAMP)
	@echo "demo: the Pulumi CLI and language hosts at $(PULUMI_VERSION) (built from Go modules into $(CACHE_DIR) on the first run: minutes)"
	@bin=$$(PULUMI_VERSION=$(PULUMI_VERSION) CACHE_DIR=$(CACHE_DIR) scripts/build-pulumi-cli.sh) && \
	PATH="$(E2E_BINS):$$bin:$$PATH" PYTHONPATH=$(CURDIR)/sdk/python \
	  timeout -k 30 600 $(E2E_VENV)/bin/python tests/e2e/demo.py

# --- Conformance: the plugin binary driven as the engine drives it, through Pulumi's own generated
# Python gRPC client, against the emulator binary; plus proto/ vs the pinned descriptors, and the
# replay of PULUMI_DEBUG_GRPC logs (tests/conformance, see README "Conformance").
# `make conformance PROVIDER=path/to/pulumi-resource-auth0` tests any build.
CONFORMANCE_VENV = $(CACHE_DIR)/venv-conformance-$(PULUMI_VERSION)
# grpcio-tools compiles proto/ for the descriptor comparison; 1.81.1 is the newest that accepts
# the protobuf 6.x the pinned pulumi needs.
CONFORMANCE_PY_DEPS = pulumi==$(PULUMI_VERSION) pytest==8.3.5 grpcio-tools==1.81.1
CONFORMANCE_STAMP = $(CONFORMANCE_VENV)/.installed-$(call deps_hash,$(CONFORMANCE_PY_DEPS))
PROVIDER ?=
EMULATOR ?=
CONFORMANCE_ARGS ?=
CONFORMANCE_ENV = PROVIDER="$(abspath $(or $(PROVIDER),target/debug/pulumi-resource-auth0))" \
	EMULATOR="$(abspath $(or $(EMULATOR),target/debug/auth0-emulator))"

.PHONY: conformance conformance-build replay

$(CONFORMANCE_STAMP):
	@mkdir -p $(CACHE_DIR)
	@flock $(CONFORMANCE_VENV).lock bash -c 'set -e; [[ -f $@ ]] && exit 0; rm -f $(CONFORMANCE_VENV)/.installed*; \
	  [[ -x $(CONFORMANCE_VENV)/bin/python ]] || nice -n 10 python3 -m venv $(CONFORMANCE_VENV); \
	  nice -n 10 timeout 900 $(CONFORMANCE_VENV)/bin/python -m pip install -q --disable-pip-version-check $(CONFORMANCE_PY_DEPS); \
	  touch $@'

# Builds only what PROVIDER/EMULATOR do not name.
conformance-build:
	@crates="$(if $(PROVIDER),,-p pulumi-resource-auth0) $(if $(EMULATOR),,-p auth0-emulator)"; \
	if [[ -n "$${crates// }" ]]; then $(CARGO) build --locked $$crates; fi

conformance: conformance-build $(CONFORMANCE_STAMP)
	$(CONFORMANCE_ENV) $(CONFORMANCE_VENV)/bin/python -m pytest -q -p no:cacheprovider tests/conformance $(CONFORMANCE_ARGS)

# make replay LOG="a.jsonl [b.jsonl …]" [PROVIDER=…]: the logs in order, against one fresh emulator.
replay: conformance-build $(CONFORMANCE_STAMP)
	@[[ -n "$(LOG)" ]] || { echo "replay: set LOG to a PULUMI_DEBUG_GRPC log, e.g. make replay LOG=tests/conformance/fixtures/grpc-logs/yaml-ai-service-auth.up.jsonl"; exit 2; }
	$(CONFORMANCE_ENV) $(CONFORMANCE_VENV)/bin/python tests/conformance/replay.py $(LOG)

# go vet and go build on the SDK, then the mock test; tests/sdk/go/go.mod carries the pin too.
sdk-test-go:
	@grep -q 'github.com/pulumi/pulumi/sdk/v3 v$(PULUMI_VERSION)$$' tests/sdk/go/go.mod || { \
	  echo "tests/sdk/go/go.mod does not require pulumi sdk v$(PULUMI_VERSION); run: cd tests/sdk/go && go get github.com/pulumi/pulumi/sdk/v3@v$(PULUMI_VERSION) && go mod tidy"; exit 1; }
	cd tests/sdk/go && nice -n 10 go vet ./... $(GO_SDK)/... && nice -n 10 go build $(GO_SDK)/... && nice -n 10 go test -count=1 ./...

$(OFFICIAL_STAMP): $(PY_STAMP)
	rm -rf $(OFFICIAL_DIR) && mkdir -p $(OFFICIAL_DIR)/py $(OFFICIAL_DIR)/npm
	$(PY_VENV)/bin/pip download -q --disable-pip-version-check --no-deps pulumi-auth0==$(OFFICIAL_AUTH0) -d $(OFFICIAL_DIR)/wheel
	$(PY_VENV)/bin/python -m zipfile -e $(OFFICIAL_DIR)/wheel/pulumi_auth0-$(OFFICIAL_AUTH0)-py3-none-any.whl $(OFFICIAL_DIR)/py
	cd $(OFFICIAL_DIR) && npm pack --silent --loglevel=error @pulumi/auth0@$(OFFICIAL_AUTH0) >/dev/null && tar xzf pulumi-auth0-$(OFFICIAL_AUTH0).tgz -C npm
	touch $@

# API surface of our Python and TypeScript SDKs vs the official ones; report in target/sdk-compare-report.md.
sdk-compare: $(OFFICIAL_STAMP) $(NODE_STAMP)
	ln -sfn $(NODE_DEPS)/node_modules sdk/nodejs/node_modules
	rm -rf $(SDK_COMPARE_DIR) && mkdir -p $(SDK_COMPARE_DIR)
	$(NODE_DEPS)/node_modules/.bin/tsc -p sdk/nodejs --declaration --emitDeclarationOnly --outDir $(SDK_COMPARE_DIR)/dts
	NODE_PATH=$(NODE_DEPS)/node_modules node tests/sdk/compare/dts_surface.js $(SDK_COMPARE_DIR)/dts $(DTS_FILES) > $(SDK_COMPARE_DIR)/ours-dts.json
	NODE_PATH=$(NODE_DEPS)/node_modules node tests/sdk/compare/dts_surface.js $(OFFICIAL_DIR)/npm/package $(DTS_FILES) > $(SDK_COMPARE_DIR)/official-dts.json
	$(PY_VENV)/bin/python tests/sdk/compare/compare.py --ours-py sdk/python/pulumi_auth0 \
	  --official-py $(OFFICIAL_DIR)/py/pulumi_auth0 --ours-dts $(SDK_COMPARE_DIR)/ours-dts.json \
	  --official-dts $(SDK_COMPARE_DIR)/official-dts.json --report target/sdk-compare-report.md

# --- Release: archives the Pulumi engine installs, SDK packages, checksums and the install-path
# tests (docs/install.md). Tools install into CACHE_DIR keyed by version: a venv with PyPI
# `ziglang` (the C toolchain and linker for every target) and pypa `build`, and cargo-zigbuild.
DIST_DIR = $(CURDIR)/dist
ZIGLANG_VERSION = 0.17.1
CARGO_ZIGBUILD_VERSION = 0.24.1
RELEASE_VENV = $(CACHE_DIR)/venv-release
RELEASE_PY_DEPS = ziglang==$(ZIGLANG_VERSION) build==1.6.1 setuptools==84.2.1
RELEASE_STAMP = $(RELEASE_VENV)/.installed-$(call deps_hash,$(RELEASE_PY_DEPS))
ZIGBUILD_ROOT = $(CACHE_DIR)/cargo-zigbuild-$(CARGO_ZIGBUILD_VERSION)
ZIGBUILD = $(ZIGBUILD_ROOT)/bin/cargo-zigbuild
DIST_HOST_PLATFORMS = linux-amd64
DIST_ALL_PLATFORMS = linux-amd64 linux-arm64 darwin-amd64 darwin-arm64 windows-amd64
DIST_ENV = VERSION=$(VERSION) CARGO="$(CARGO)" ZIGBUILD=$(ZIGBUILD) RELEASE_VENV=$(RELEASE_VENV) \
	DIST_DIR=$(DIST_DIR) NODE_DEPS=$(NODE_DEPS)
INSTALL_ARGS ?=

.PHONY: release-tools dist dist-all dist-verify dist-repro-check \
	release-check install-test release-test

$(RELEASE_STAMP):
	@mkdir -p $(CACHE_DIR)
	@flock $(RELEASE_VENV).lock bash -c 'set -e; [[ -f $@ ]] && exit 0; rm -f $(RELEASE_VENV)/.installed*; \
	  [[ -x $(RELEASE_VENV)/bin/python ]] || nice -n 10 python3 -m venv $(RELEASE_VENV); \
	  nice -n 10 timeout 900 $(RELEASE_VENV)/bin/python -m pip install -q --disable-pip-version-check $(RELEASE_PY_DEPS); \
	  touch $@'

$(ZIGBUILD):
	@mkdir -p $(CACHE_DIR)
	@flock $(ZIGBUILD_ROOT).lock bash -c 'set -e; [[ -x $@ ]] && exit 0; \
	  nice -n 10 timeout 1200 $(CARGO) install --locked --quiet --root $(ZIGBUILD_ROOT) cargo-zigbuild@$(CARGO_ZIGBUILD_VERSION)'

release-tools: $(RELEASE_STAMP) $(ZIGBUILD)

# The host platform's archives (what `make test` installs), the SDK packages and SHA256SUMS.
dist: release-tools $(NODE_STAMP)
	rm -rf $(DIST_DIR)
	$(DIST_ENV) scripts/dist.sh binaries $(DIST_HOST_PLATFORMS)
	$(DIST_ENV) scripts/dist.sh sdks
	$(DIST_ENV) scripts/dist.sh checksums

# All five platforms, the SDK packages and SHA256SUMS, then the format and run checks.
dist-all: release-tools $(NODE_STAMP)
	rm -rf $(DIST_DIR)
	$(DIST_ENV) scripts/dist.sh binaries $(DIST_ALL_PLATFORMS)
	$(DIST_ENV) scripts/dist.sh sdks
	$(DIST_ENV) scripts/dist.sh checksums
	$(MAKE) --no-print-directory dist-verify

# `file` formats, no build paths, sizes; linux-arm64 under qemu and windows under wine answer
# GetPluginInfo with the version (each runner only if installed; dist-verify says which ran).
dist-verify: $(E2E_STAMP)
	$(DIST_ENV) PYTHON=$(E2E_VENV)/bin/python scripts/dist.sh verify

# Builds the host archives again and compares them with dist/ byte for byte: our crates are
# recompiled and relinked; DIST_REPRO_ARGS=--full rebuilds everything in a second target dir.
DIST_REPRO_ARGS ?=
dist-repro-check: release-tools
	$(DIST_ENV) scripts/dist.sh repro $(DIST_REPRO_ARGS) $(DIST_HOST_PLATFORMS)

# Workspace version, GetSchema's version, SDK versions and download URLs, CHANGELOG, archive names.
release-check: $(E2E_STAMP)
	$(E2E_VENV)/bin/python scripts/release_check.py --root $(CURDIR) --dist $(DIST_DIR)

# Every install path with the real CLI (tests/install), from the archives and packages in dist/.
install-test: $(E2E_STAMP) $(NODE_STAMP)
	@bin=$$(PULUMI_VERSION=$(PULUMI_VERSION) CACHE_DIR=$(CACHE_DIR) scripts/build-pulumi-cli.sh --quiet) && \
	PULUMI_BIN=$$bin/pulumi DIST_DIR=$(DIST_DIR) VERSION=$(VERSION) NODE_DEPS=$(NODE_DEPS) PULUMI_VERSION=$(PULUMI_VERSION) \
	  $(E2E_VENV)/bin/python -m pytest -q -p no:cacheprovider tests/install $(INSTALL_ARGS)

release-test: dist dist-repro-check release-check install-test

# --- Benchmarks (bench/, see README "Benchmarks"): one table, ours and the official bridged
# provider side by side, medians of repeated runs in one run; raw figures in target/bench/.
# `make bench` compares with the bridged plugin when it is already built (make bridged-provider);
# `make bench-bridged` builds it first (4 to 8 min, once). BENCH_ARGS passes options to
# bench/run.py, e.g. BENCH_ARGS="--runs 5 --cli-runs 1 --scale 200,1000".
BENCH_ARGS ?=
BRIDGED_BIN_DIR = $(CACHE_DIR)/bridged-auth0-$(OFFICIAL_AUTH0)/bin
BENCH_RUN = bin=$$(PULUMI_VERSION=$(PULUMI_VERSION) CACHE_DIR=$(CACHE_DIR) scripts/build-pulumi-cli.sh --quiet) && \
	PATH="$(CURDIR)/target/$(1):$$bin:$$PATH" PULUMI_VERSION=$(PULUMI_VERSION)

.PHONY: bench bench-bridged bench-smoke

bench: release $(E2E_STAMP)
	@if [[ -x $(BRIDGED_BIN_DIR)/pulumi-resource-auth0 && -f $(MIGRATION_STAMP) ]]; then \
	  $(MAKE) --no-print-directory bench-bridged; \
	else \
	  echo "bench: ours only (run 'make bench-bridged' to build the official provider and compare)"; \
	  $(call BENCH_RUN,release) $(E2E_VENV)/bin/python bench/run.py --ours target/release/pulumi-resource-auth0 \
	    --version $(VERSION) --python $(E2E_VENV)/bin/python $(BENCH_ARGS); \
	fi

bench-bridged: release $(MIGRATION_STAMP)
	@bridged=$$(BRIDGED_AUTH0_VERSION=$(OFFICIAL_AUTH0) CACHE_DIR=$(CACHE_DIR) scripts/build-bridged-provider.sh) && \
	$(call BENCH_RUN,release) $(MIGRATION_VENV)/bin/python bench/run.py --ours target/release/pulumi-resource-auth0 \
	  --version $(VERSION) --bridged $$bridged/pulumi-resource-auth0 --bridged-version $(OFFICIAL_AUTH0) \
	  --python $(MIGRATION_VENV)/bin/python --official-python $(MIGRATION_VENV)/bin/python $(BENCH_ARGS)

# One small iteration of every row with ours only (debug build), so that the bench keeps working.
bench-smoke: e2e-build $(E2E_STAMP)
	@$(call BENCH_RUN,debug) $(E2E_VENV)/bin/python bench/run.py --smoke --ours target/debug/pulumi-resource-auth0 \
	  --version $(VERSION) --python $(E2E_VENV)/bin/python

# --- Fuzzing
# The property tests (provider/tests/fuzz, emulator/tests/fuzz.rs) optimised (--profile fuzz)
# at FUZZ_CASES cases per unit of a target's weight; `make test` runs them short in debug.
# The default is over 10 million executions in all; each target prints its count and time.
FUZZ_CASES ?= 15000
.PHONY: fuzz
# One cargo command for both crates: built apart, their dependencies' features differ and the
# emulator's would be compiled a second time.
fuzz:
	FUZZ_CASES=$(FUZZ_CASES) $(CARGO) test --locked --profile fuzz -p pulumi-resource-auth0 -p auth0-emulator --test fuzz -- --nocapture
