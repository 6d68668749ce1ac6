# geospike: `make demo` and `make test` are the two commands a new user needs.
# Both install what is missing first (as root on Debian), so they work on a fresh clone.

SWIFT ?= swift
APT_PACKAGES := libopenblas-dev liblapacke-dev libmaxminddb-dev zlib1g-dev tor-geoipdb librsvg2-bin
RELEASE_BIN = $(shell $(SWIFT) build -c release --show-bin-path)
export OPENBLAS_NUM_THREADS ?= 1

.PHONY: deps build test demo models notebooks bench datasets clean

# Installs only the Debian packages that are missing, so a second run costs one dpkg query.
deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

build: deps
	$(SWIFT) build -c release

test: deps
	$(SWIFT) build
	$(SWIFT) test

demo: build
	@bash scripts/demo.sh "$(RELEASE_BIN)"

clean:
	rm -rf .build

# Side-by-side benchmarks with the pandas/statsmodels peers; writes bench/RESULTS.md.
# BENCH_SIZE=small|100mb|1gb (comma-separated for several), BENCH_REPEAT=N.
bench: deps
	@python3 -c 'import ensurepip' 2>/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv >/dev/null)
	python3 bench/run.py --size $${BENCH_SIZE:-small} --repeat $${BENCH_REPEAT:-3}
