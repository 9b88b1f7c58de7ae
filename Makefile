# Quick start (Debian 12, as root or with sudo):
#   make demo   install build dependencies, build, run a sample sync into ./demo-lake
#   make test   install test dependencies, build, run every test
#   make image  build, then the container image archive build/destination-aws-datalake-image.tar
BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc)
# ccache keys on paths relative to the checkout: another clone or worktree of the project reuses
# the objects this one compiled (the release, sanitizer and fuzz builds are each a full build).
export CCACHE_BASEDIR ?= $(CURDIR)

.PHONY: all deps test-deps configure build image demo test unit-test e2e-test services radosgw-stop \
	bench bench-compare bench-iceberg bench-streams bench-s3 format clean sanitize-test tsan-test fuzz

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

# The container image as an OCI archive (docker load / podman load), made from this machine's
# Debian packages without a container engine. The end-to-end tests run the connector from it.
IMAGE = $(BUILD_DIR)/destination-aws-datalake-image.tar
MAKE_IMAGE = python3 scripts/image.py $(BUILD_DIR)/destination-aws-datalake $(IMAGE)

image: build
	@$(MAKE_IMAGE)

demo: build
	@scripts/demo.sh $(BUILD_DIR)/destination-aws-datalake

# The tests' services: a one-node Ceph radosgw (S3 and STS) on 127.0.0.1. Short STS sessions
# are allowed so that credential refresh is tested with credentials that really expire.
# moto (Glue, Lake Formation) is started by the tests that use it.
services:
	@RADOSGW_STS_MIN_DURATION=20 scripts/radosgw.sh start

radosgw-stop:
	@scripts/radosgw.sh stop

# Each recipe line is its own shell: the radosgw environment is loaded on the same line.
RADOSGW_ENV = eval "$$(scripts/radosgw.sh env)" && \
	export DATALAKE_TEST_S3_ENDPOINT=$$RADOSGW_ENDPOINT DATALAKE_TEST_S3_ACCESS_KEY=$$RADOSGW_ACCESS_KEY \
	DATALAKE_TEST_S3_SECRET_KEY=$$RADOSGW_SECRET_KEY DATALAKE_TEST_S3_REGION=$$RADOSGW_REGION

unit-test: services
	@$(RADOSGW_ENV) && cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

e2e-test: services
	@$(MAKE_IMAGE)
	@$(RADOSGW_ENV) && DATALAKE_BINARY=$(abspath $(BUILD_DIR))/destination-aws-datalake \
		DATALAKE_IMAGE=$(abspath $(IMAGE)) node --test --test-concurrency=2 tests/e2e/

# Sanitizer runs (scripts/sanitize.sh says what each runs), built with clang: ASan+UBSan in
# build-san (which also holds the fuzz targets), TSan in build-tsan. Any sanitizer report fails
# them.
sanitize-test: services
	@scripts/install-deps.sh --test
	@$(RADOSGW_ENV) && JOBS=$(JOBS) scripts/sanitize.sh asan

tsan-test: services
	@scripts/install-deps.sh --test
	@$(RADOSGW_ENV) && JOBS=$(JOBS) scripts/sanitize.sh tsan

test: test-deps configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)
	@$(MAKE) --no-print-directory unit-test e2e-test sanitize-test tsan-test fuzz

# libFuzzer targets (fuzz/), built in build-san (clang, ASan, UBSan): each replays its corpus,
# then fuzzes FUZZ_SECONDS (20) from it. FUZZ_SECONDS=600 make fuzz for a longer run.
fuzz:
	@scripts/install-deps.sh --test
	@JOBS=$(JOBS) scripts/fuzz.sh

bench: build
	@scripts/bench.sh $(BUILD_DIR)/destination-aws-datalake

# Ours next to DuckDB on six input shapes and five formats (scripts/bench_compare.py for the
# settings). Not part of `make test`: tests/e2e/bench_smoke.test.mjs runs it on a tiny input.
bench-compare: build
	@test -d node_modules/@duckdb/node-api || npm ci --no-audit --no-fund --loglevel=error
	@python3 scripts/bench_compare.py $(BUILD_DIR)/destination-aws-datalake

# Iceberg tables next to Hive tables on the same inputs (scripts/bench_iceberg.py).
bench-iceberg: build
	@python3 scripts/bench_iceberg.py $(BUILD_DIR)/destination-aws-datalake

# 200 interleaved streams against one stream of the same records (scripts/bench_streams.py).
bench-streams: build
	@python3 scripts/bench_streams.py $(BUILD_DIR)/destination-aws-datalake

# S3 upload throughput next to boto3, then a whole sync into radosgw + Glue (moto) next to the
# same sync into the local lake.
bench-s3: build services
	@python3 scripts/bench_s3.py $(BUILD_DIR)/s3_upload_tool
	@python3 scripts/bench_s3_sync.py $(BUILD_DIR)/destination-aws-datalake

format:
	@clang-format -i $$(git ls-files 'src/*.cc' 'src/*.h' 'tests/*.cc' 'tests/*.h' 'bench/*.cc' \
		'fuzz/*.cc' 'fuzz/*.h')

clean:
	@rm -rf $(BUILD_DIR) $(BUILD_DIR).configure.log demo-lake build-san build-san.configure.log \
		build-tsan build-tsan.configure.log
