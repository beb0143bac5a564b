# rvmctl — the two commands a newcomer needs:
#   make demo   build, then a real blue-green deploy on this machine (no cluster, no SSH)
#   make test   everything CI runs: format, lints, unit + integration tests, 60 s of fuzzing per target
SHELL := /bin/bash
CARGO ?= cargo
RVMCTL := target/debug/rvmctl
DEMO := $(RVMCTL) -f examples/quickstart/deployment-config.yaml

.PHONY: all build demo demo-stop test lint fmt test-deps completions man clean bench-k8s \
	validate plan deploy-staging deploy-production rollback status bench-fleet bench fuzz dist

all: build

build:
	$(CARGO) build

## The quickstart: deploy 1.0.0, then 1.1.0 (the color flips), then status.
demo: build demo-stop
	@examples/quickstart/build-release.sh 1.0.0 >/dev/null
	@examples/quickstart/build-release.sh 1.1.0 >/dev/null
	@echo "==> deploying 1.0.0 to development (3 simulated RVM hosts)"
	$(DEMO) deploy -e development --version 1.0.0 --yes
	@echo "==> deploying 1.1.0: staged into the idle color, health-checked, then switched"
	$(DEMO) deploy -e development --version 1.1.0 --yes
	$(DEMO) status -e development
	@echo "==> live page of sim-01 (green): $$(curl -s http://127.0.0.1:18102/)"
	@echo "Try: $(DEMO) rollback -e development    (instant: the previous color is still warm)"
	@echo "     make demo-stop                     (stops the demo services)"

## Stops the quickstart's services and removes its sandbox.
demo-stop:
	@for f in examples/quickstart/.rvmctl/sandbox/*/run/*.pid; do [ -f "$$f" ] && kill "$$(cat "$$f")" 2>/dev/null || true; done
	@rm -rf examples/quickstart/.rvmctl

## What tests need beyond cargo (installed by this Makefile, never by hand).
test-deps:
	@scripts/install-test-deps.sh

## One real kube-apiserver (scripts/kube-test-env.sh) serves every Kubernetes test of the
## run; it is stopped afterwards whatever the outcome (tests started without it start
## their own per process and stop it at exit).
KUBE_TEST_ENV ?= $(CURDIR)/target/kube-test-env
test: test-deps lint
	@scripts/kube-test-env.sh stop $(KUBE_TEST_ENV) >/dev/null 2>&1 || true
	scripts/kube-test-env.sh start $(KUBE_TEST_ENV)
	@status=0; RVMCTL_KUBE_TEST_ENV=$(KUBE_TEST_ENV) $(CARGO) nextest run --no-fail-fast || status=$$?; \
	  scripts/kube-test-env.sh stop $(KUBE_TEST_ENV); exit $$status
	scripts/fuzz.sh

## The libFuzzer targets for config and plan-file loading, FUZZ_SECONDS (60) each.
fuzz:
	scripts/fuzz.sh

## Every benchmark → docs/benchmarks.md (~15 min): machine, startup, validate/plan at
## 10…10,000 hosts, fleet deploys over 10/50/100 loopback sshd hosts beside a plain ssh
## script, the Kubernetes switch beside kubectl.
bench: test-deps
	scripts/bench.sh

## One section only.
bench-k8s: test-deps
	BENCH_ONLY=k8s scripts/bench.sh
bench-fleet: test-deps
	BENCH_ONLY=fleet scripts/bench.sh

lint:
	$(CARGO) fmt --check
	$(CARGO) clippy --all-targets -- -D warnings
	$(CARGO) clippy --lib --no-default-features -- -D warnings
	scripts/lint-workflows.sh

fmt:
	$(CARGO) fmt

## Operator targets (thin calls of rvmctl), e.g. `make deploy-staging VERSION=1.4.2`.
CONFIG ?= deployment-config.yaml
ENV ?= staging
RV := $(RVMCTL) -f $(CONFIG)
validate: build
	$(RV) config validate
plan: build
	$(RV) plan -e $(ENV) --version $(VERSION)
deploy-staging: build
	$(RV) deploy -e staging --version $(VERSION) --yes
deploy-production: build
	$(RV) deploy -e production --version $(VERSION) $(if $(APPROVE),--approve,)
rollback: build
	$(RV) rollback -e $(ENV)
status: build
	$(RV) status -e $(ENV)

## What a release ships, for this machine's target (scripts/dist.sh): the binary
## tarball, the .deb and SHA256SUMS in target/dist/. The release workflow runs the
## same script per target.
dist:
	scripts/dist.sh --profile release

## Regenerates the committed man pages (docs/man).
man: build
	rm -rf docs/man && $(RVMCTL) man docs/man

## Regenerates the committed shell completions.
completions: build
	for s in bash zsh fish powershell; do $(RVMCTL) completion $$s > completions/rvmctl.$$s; done

clean: demo-stop
	$(CARGO) clean
