# Quick start (Debian 12, as root or with sudo):
#   make demo   install build dependencies, build, run a sample sync into ./demo-lake
#   make test   install test dependencies, build, run every test
BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc)

.PHONY: all deps test-deps configure build demo test unit-test e2e-test bench format clean

all: build

deps:
	@scripts/install-deps.sh

test-deps:
	@scripts/install-deps.sh --test
	@npm ci --no-audit --no-fund --loglevel=error

configure:
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) > $(BUILD_DIR).configure.log 2>&1 || \
		(cat $(BUILD_DIR).configure.log; exit 1)

build: deps configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

demo: build
	@scripts/demo.sh $(BUILD_DIR)/destination-aws-datalake

unit-test:
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

e2e-test:
	@DATALAKE_BINARY=$(abspath $(BUILD_DIR))/destination-aws-datalake node --test tests/e2e/

test: test-deps configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)
	@$(MAKE) --no-print-directory unit-test e2e-test

bench: build
	@scripts/bench.sh $(BUILD_DIR)/destination-aws-datalake

format:
	@clang-format -i $$(git ls-files 'src/*.cc' 'src/*.h' 'tests/*.cc' 'tests/*.h' 'bench/*.cc')

clean:
	@rm -rf $(BUILD_DIR) $(BUILD_DIR).configure.log demo-lake
