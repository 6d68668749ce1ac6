# geospike: `make demo` and `make test` are the two commands a new user needs.
# Both install what is missing first (as root on Debian), so they work on a fresh clone.

SWIFT ?= swift
APT_PACKAGES := libopenblas-dev liblapacke-dev libmaxminddb-dev zlib1g-dev libsqlite3-dev tor-geoipdb librsvg2-bin
# Release binaries link the Swift runtime and Foundation statically: a scorer run on a
# 30-minute batch otherwise spends about 15 ms of its 50 ms budget binding symbols.
RELEASE = -c release --static-swift-stdlib
RELEASE_BIN = $(shell $(SWIFT) build $(RELEASE) --show-bin-path)
export OPENBLAS_NUM_THREADS ?= 1

.PHONY: deps build test test-other-kernels fuzz fuzz-smoke kill-test state-week-test spark-test demo models notebooks bench datasets clean

# Installs only the Debian packages that are missing, so a second run costs one dpkg query.
deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

build: deps
	$(SWIFT) build $(RELEASE)

test: deps spark-test
	$(SWIFT) build
	$(SWIFT) test
	$(MAKE) --no-print-directory test-other-kernels
	$(MAKE) --no-print-directory fuzz-smoke

# The tests that compare generated models, cards, notebooks and datasets with the committed
# ones, run again with glibc's libm and OpenBLAS forced onto other kernels than this CPU's
# (as on an older CPU): they compare meaning within stated tolerances, so they must pass
# on any CPU (README.md, "What is the same on every machine").
REPRODUCIBILITY_TESTS := modelsDirectoryIsReproducible|regeneratingGivesTheCommittedNotebooks|NumericTextTests|SyntheticDatasetTests|trainingTwiceGivesTheSameBytes
OTHER_KERNELS := GLIBC_TUNABLES=glibc.cpu.hwcaps=-AVX512F,-AVX512DQ,-AVX2,-FMA OPENBLAS_CORETYPE=Sandybridge
test-other-kernels:
	$(SWIFT) build --build-tests
	env $(OTHER_KERNELS) $(SWIFT) test --skip-build --filter '$(REPRODUCIBILITY_TESTS)'

# The --state kill test with 100 random `kill -9`s (`make test` runs it with 10).
kill-test: deps
	$(SWIFT) build
	GEOSPIKE_KILL_RUNS=100 $(SWIFT) test --filter EndToEndTests.StateCommandTests/killedRunsLoseNoBucketAndDuplicateNoAlert

# A week of counts scored in 672 runs of 15 minutes with --state against one run over the week.
state-week-test: deps
	$(SWIFT) build
	GEOSPIKE_REPLAY_WEEK=1 $(SWIFT) test --filter EndToEndTests.StateCommandTests/aWeekIn672RunsAlertsAsOneRunOverTheWeek

# Spark's counts against geospike's, byte for byte (spark/README.md); makes spark/.venv once.
# SPARK_SWIFT_FLAGS (e.g. --scratch-path .build-x) picks the Swift build it compares with.
spark-test: deps
	bash spark/setup_venv.sh
	$(SWIFT) build $(SPARK_SWIFT_FLAGS)
	spark/.venv/bin/python spark/tests/run_tests.py --bin "$$($(SWIFT) build $(SPARK_SWIFT_FLAGS) --show-bin-path)"

demo: build
	@bash scripts/demo.sh "$(RELEASE_BIN)"

# The demo model and its card from datasets/ (checked by TrainScoreTests.modelsDirectoryIsReproducible).
models: deps
	$(SWIFT) build
	bash scripts/model-card.sh "$$($(SWIFT) build --show-bin-path)"

# Regenerates every file in datasets/ byte for byte; datasets/README.md says what each is.
datasets: SYNTH = $(RELEASE_BIN)/geospike-eval synth --seed 7 --volume 0.4 --compression-level 9 --out datasets
datasets: build
	$(SYNTH) --days 28 --format ecs --file-name train-ecs.ndjson.gz
	$(SYNTH) --days 28 --format counts --file-name train-counts.csv
	$(SYNTH) --start 2026-10-05 --days 1 --format ecs --file-name batch-clean-ecs.ndjson.gz
	$(SYNTH) --start 2026-10-05 --days 1 --format ecs --attacks --file-name batch-attack-ecs.ndjson.gz \
		--labels batch-attack-labels.csv
	$(SYNTH) --start 2026-10-05 --days 1 --format zeek --file-name sample-zeek-conn.log.gz
	$(SYNTH) --start 2026-10-05 --days 1 --format suricata --file-name sample-suricata-eve.json.gz
	$(SYNTH) --start 2026-10-05 --days 1 --format csv --file-name sample-nfdump.csv.gz
	@if [ -d ../shared/data/geoip ]; then \
		mkdir -p datasets/geoip && \
		install -m 644 ../shared/data/geoip/GeoLite2-Country-Test.mmdb ../shared/data/geoip/LICENSE-MIT datasets/geoip/; \
	fi

# Mutation fuzzing of every reader, the model loader, exception and rule files through the
# debug binaries (scripts/fuzz.py): crashes, hangs and undocumented exit codes fail it.
# FUZZ_SEED picks the mutations; a full run takes about a quarter of an hour on one core.
FUZZ = python3 scripts/fuzz.py --bin "$$($(SWIFT) build --show-bin-path)" --seed $${FUZZ_SEED:-1}
fuzz: deps
	$(SWIFT) build
	$(FUZZ) --lines-per-reader 1000000 --models 2000 --texts 1000

# A few seconds of the same, seeded, inside `make test`.
fuzz-smoke:
	$(SWIFT) build
	$(FUZZ) --lines-per-reader 10000 --batch 5000 --models 20 --texts 10

clean:
	rm -rf .build

# Side-by-side benchmarks with the pandas/statsmodels peers; writes bench/RESULTS.md.
# BENCH_SIZE=small|100mb|1gb (comma-separated for several), BENCH_REPEAT=N.
bench: deps
	@missing=""; [ -x /usr/bin/time ] || missing="time"; \
	python3 -c 'import ensurepip' 2>/dev/null || missing="$$missing python3-venv"; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
	python3 bench/run.py --size $${BENCH_SIZE:-small} --repeat $${BENCH_REPEAT:-3}

# Prophet, the seasonal peer, on the real labelled series (bench/README.md); writes bench/work/.
# GEOSPIKE_JSON=path (from `geospike-eval labelled --json`) adds Prophet at geospike's operating point.
.PHONY: bench-labelled
# geospike and Prophet on the real labelled series (docs/labelled-series-protocol.md), side by
# side; writes its section of bench/RESULTS.md.
bench-labelled: build
	@python3 -c 'import ensurepip' 2>/dev/null || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv >/dev/null; }
	python3 bench/prophet_labelled.py --self-check
	mkdir -p bench/work
	$(RELEASE_BIN)/geospike-eval labelled --input datasets/real/cloud-monitoring/*/*.csv --json > bench/work/geospike-labelled.json
	$(RELEASE_BIN)/geospike-eval labelled --input datasets/real/cloud-monitoring/*/*.csv > bench/work/geospike-labelled.txt
	python3 bench/prophet_labelled.py --json bench/work/prophet-labelled.json --markdown bench/work/prophet-labelled.md \
		--geospike-json bench/work/geospike-labelled.json
	{ echo 'Written by `make bench-labelled` on $(shell git rev-parse --short HEAD), $(shell date -u +"%Y-%m-%d %H:%M UTC").'; \
		echo; echo '### geospike (`geospike-eval labelled`, threshold 75, default options)'; echo; \
		echo '```'; cat bench/work/geospike-labelled.txt; echo '```'; echo; \
		sed 's/^## /### /' bench/work/prophet-labelled.md; } > bench/work/labelled-section.md
	python3 bench/splice_section.py bench/RESULTS.md '## Real labelled series: geospike and Prophet' bench/work/labelled-section.md

# Regenerates notebooks-md/ from the real binaries on datasets/ (figures in notebooks-md/figures).
# Debug binaries, like `make test`, whose EvaluationNotebookTests compares them (numbers to the printed digit).
notebooks: deps
	$(SWIFT) build
	bash notebooks-md/generate.sh "$$($(SWIFT) build --show-bin-path)" notebooks-md
