# checkin — build, demo, test. `make demo` and `make test` are the two
# commands a newcomer needs (see README.md).

GO       ?= go
# The release this tree is working towards; builds between releases are
# RELEASE+gitYYYYMMDD.SHORTSHA (a Debian version: newer commits sort later).
RELEASE  := 0.16.0
COMMIT   ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
VERSION  ?= $(shell v=$$(git log -1 --format='$(RELEASE)+git%cd.%h' --date=format:%Y%m%d 2>/dev/null) && \
	{ git diff --quiet HEAD 2>/dev/null || v=$$v.dirty; } && echo $$v || echo $(RELEASE))
# The build date: SOURCE_DATE_EPOCH when set (reproducible builds), else now.
BUILD_DATE ?= $(shell date -u -d @$${SOURCE_DATE_EPOCH:-$$(date +%s)} +%Y-%m-%dT%H:%M:%SZ)
LDFLAGS  := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT) -X main.buildDate=$(BUILD_DATE)
ADDR     ?= 127.0.0.1:8080
FUZZTIME ?= 10s
BIN      := bin

.PHONY: all build build-arm64 build-all demo test vet fmt-check bench fuzz soak docs clean

all: build

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/checkin ./cmd/checkin

# Kiosks are often small ARM boxes.
build-arm64:
	CGO_ENABLED=0 GOOS=linux GOARCH=arm64 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/checkin-linux-arm64 ./cmd/checkin

build-all: build build-arm64
	CGO_ENABLED=0 GOOS=linux GOARCH=amd64 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/checkin-linux-amd64 ./cmd/checkin

demo: build
	$(BIN)/checkin demo --addr $(ADDR)

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt wants to rewrite:"; echo "$$out"; exit 1; fi

# Screenshots from browser tests land in artifacts/. The browser tests of
# kiosk/web take about five minutes with the race detector; -timeout gives a
# loaded machine room before go test's ten-minute default kills a package.
# The registry's server tests and the sync client's run a second time on
# PostgreSQL (the store conformance suite and the end-to-end tests run on
# both every time).
test: vet fmt-check
	CHECKIN_ARTIFACTS=$(CURDIR)/artifacts $(GO) test -race -count=1 -timeout 15m ./...
	CHECKIN_TEST_REGISTRY_STORE=postgres $(GO) test -race -count=1 ./sync/registry/ ./sync/client/

# docs/flags.md is generated from the binary's --help (a test in make test
# fails when it differs): rewrite it after changing a flag.
docs:
	$(GO) test -count=1 -run '^TestFlagsDoc$$' ./cmd/checkin/ -update

bench:
	$(GO) test -run '^$$' -bench . -benchmem -timeout 30m ./...

# Runs every fuzz target briefly (FUZZTIME each).
fuzz:
	@set -e; for f in $$(grep -rl --include='*_test.go' '^func Fuzz' .); do \
		pkg=./$$(dirname $$f); \
		for t in $$(grep -o '^func Fuzz[A-Za-z0-9_]*' $$f | cut -d' ' -f2); do \
			echo "== $$pkg $$t"; \
			$(GO) test -run '^$$' -fuzz "^$$t\$$" -fuzztime $(FUZZTIME) $$pkg; \
		done; \
	done

# The fleet rehearsal, five minutes compressed (README "Rehearsing a
# venue"): 50 kiosks and two registries on a fresh database of the
# PostgreSQL server SOAK_PG, dropped afterwards whatever happens.
# SOAK_ARGS adds flags, e.g. SOAK_ARGS=--full for the real morning.
SOAK_PG   ?= postgres://postgres@127.0.0.1:5432
SOAK_ARGS ?=
soak: build
	@db=checkin_soak_$$$$; \
	psql "$(SOAK_PG)/postgres" -qc "CREATE DATABASE $$db" || exit 1; \
	trap 'psql "$(SOAK_PG)/postgres" -qc "DROP DATABASE IF EXISTS $$db WITH (FORCE)"' EXIT; \
	trap 'exit 130' INT TERM; \
	$(BIN)/checkin soak --db "$(SOAK_PG)/$$db" --duration 5m $(SOAK_ARGS)

clean:
	rm -rf $(BIN) artifacts

# Debian packages: bin/checkin_VERSION_ARCH.deb for each ARCH (default both;
# make deb ARCH=amd64 for one), built by assets/debian/build-deb.sh with this
# Makefile's LDFLAGS, so the package carries the binary's version, commit
# and build date. docs/install.md says what the package installs.
.PHONY: deb
# Only ARCH given on make's command line counts: some shells export their
# own ARCH (x86_64).
ifneq ($(origin ARCH),command line)
ARCH := amd64 arm64
endif
deb:
	@set -e; for a in $(ARCH); do \
		GO='$(GO)' LDFLAGS='$(LDFLAGS)' assets/debian/build-deb.sh '$(VERSION)' $$a $(BIN); \
	done
