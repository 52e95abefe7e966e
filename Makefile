# The verbs a person types. See README.md.
SHELL := /bin/bash

# One pin: the Pulumi CLI and language hosts (Go modules), PyPI `pulumi` and npm `@pulumi/pulumi`.
PULUMI_VERSION ?= 3.260.0

CACHE_DIR ?= $(HOME)/.cache/pulumi-resource-auth0
CARGO ?= cargo
# The plugin's version is the workspace version in Cargo.toml.
VERSION := $(shell sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' Cargo.toml)

.PHONY: build release test demo bench version

build:
	$(CARGO) build --locked --workspace --bins

release:
	$(CARGO) build --locked --release -p pulumi-resource-auth0 -p auth0-emulator

test:
	$(CARGO) test --locked --workspace

version:
	@echo $(VERSION)

# The real Pulumi CLI and language hosts at PULUMI_VERSION, built from Go modules into
# $(CACHE_DIR)/pulumi-cli-$(PULUMI_VERSION)/bin (or the `pulumi` already on PATH).
# The last line printed is the bin dir; `make -s pulumi-cli-bin` prints only that.
.PHONY: pulumi-cli pulumi-cli-bin
pulumi-cli:
	@PULUMI_VERSION=$(PULUMI_VERSION) CACHE_DIR=$(CACHE_DIR) scripts/build-pulumi-cli.sh

pulumi-cli-bin:
	@PULUMI_VERSION=$(PULUMI_VERSION) CACHE_DIR=$(CACHE_DIR) scripts/build-pulumi-cli.sh --quiet

# Runs `pulumi version` and YAML, Python and Node.js programs against a throwaway file backend.
.PHONY: pulumi-cli-check
pulumi-cli-check:
	@PULUMI_VERSION=$(PULUMI_VERSION) CACHE_DIR=$(CACHE_DIR) scripts/check-pulumi-cli.sh
