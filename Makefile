# The two commands of the README, plus the benchmarks. Each runs the set-up script first
# (it installs missing Debian packages, and does nothing when all are present).
.PHONY: setup web build run test test-web test-asan bench bench-web clean

JOBS ?= $(shell nproc)
DB ?= ./boucle.db
PORT ?= 8080

setup:
	@bash scripts/setup.sh

# The web app (web/dist), served at / by `boucle serve`.
web: setup
	bash scripts/web.sh build

build: setup web
	cmake --preset release >/dev/null
	cmake --build --preset release -j $(JOBS)

run: build
	./build/release/apps/boucle/boucle demo --db $(DB) --port $(PORT)

test: setup web
	cmake --preset ci >/dev/null
	cmake --build --preset ci -j $(JOBS)
	ctest --preset ci
	$(MAKE) test-web BOUCLE_BIN=$(CURDIR)/build/ci/apps/boucle/boucle
	cmake --preset asan-ubsan >/dev/null
	cmake --build --preset asan-ubsan -j $(JOBS)
	ctest --preset asan-ubsan

# The web app's tests: unit tests of the sync engine (Vitest), the sync fault-injection run and
# the end-to-end tests in Debian's chromium, both against a real `boucle serve`.
BOUCLE_BIN ?= $(CURDIR)/build/release/apps/boucle/boucle
test-web: web
	BOUCLE_BIN=$(BOUCLE_BIN) bash scripts/web.sh test fault e2e

bench: build
	bash bench/run.sh

# The web app's benchmarks (docs/PERFORMANCE.md, "The web app and sync"): shell size, first
# load in chromium, catch-up of 600 offline changes, 1,000 simulated clients.
bench-web: build
	BOUCLE_BIN=$(CURDIR)/build/release/apps/boucle/boucle bash scripts/web.sh bench:size bench:load bench:catchup bench:clients

clean:
	rm -rf build
