# The two commands of the README, plus the benchmarks. Each runs the set-up script first
# (it installs missing Debian packages, and does nothing when all are present).
.PHONY: setup build run test test-asan bench clean

JOBS ?= $(shell nproc)
DB ?= ./boucle.db
PORT ?= 8080

setup:
	@bash scripts/setup.sh

build: setup
	cmake --preset release >/dev/null
	cmake --build --preset release -j $(JOBS)

run: build
	./build/release/apps/boucle/boucle demo --db $(DB) --port $(PORT)

test: setup
	cmake --preset ci >/dev/null
	cmake --build --preset ci -j $(JOBS)
	ctest --preset ci
	cmake --preset asan-ubsan >/dev/null
	cmake --build --preset asan-ubsan -j $(JOBS)
	ctest --preset asan-ubsan

bench: build
	bash bench/run.sh

clean:
	rm -rf build
