# Dépenses éclairées — build, test, demo and benchmarks.
GO        ?= go
BIN       := bin/depenses
PKGS      := ./...
export CGO_ENABLED ?= 0

.PHONY: all build deps test vet staticcheck race faults fuzz bench bench-ingest bench-scale demo clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/depenses

deps:
	./scripts/install-deps.sh

vet:
	$(GO) vet $(PKGS)

staticcheck:
	$(GO) tool staticcheck $(PKGS)

# The race detector needs cgo.
race:
	CGO_ENABLED=1 $(GO) test -race -count=1 -timeout 15m $(PKGS)

# Restarts the shared PostgreSQL server mid-ingest: alone, after the rest.
faults:
	DEPENSES_TEST_PG_RESTART=1 CGO_ENABLED=1 $(GO) test -count=1 -run 'TestPostgresRestart' ./cmd/depenses

test: deps build vet staticcheck race faults

# Runs every fuzz target for FUZZTIME each (default 30s).
FUZZTIME ?= 30s
fuzz:
	./scripts/fuzz-all.sh $(FUZZTIME)

bench: deps build
	./scripts/bench.sh

# Ingest of 10 000 EJ / 30 000 pieces and a 100 000-row extract (long: ~30 min).
bench-ingest: deps build
	./scripts/bench-ingest.sh

# OCR batch on 1 then 2 worker processes; text batch on PostgreSQL vs SQLite.
bench-scale: deps build
	./scripts/bench-scale.sh

demo: deps build
	./scripts/demo.sh

clean:
	rm -rf bin
