# The front door: make run, make test, make lint, make build.
GO ?= go
DATA ?= ./data
ADDR ?= :8080

.PHONY: run test lint build build-windows db browser fuzz

## run: serve the UI on $(ADDR) with SQLite in $(DATA) (first start seeds and prints the admin password)
run:
	$(GO) run ./cmd/outreach serve --addr $(ADDR) --data $(DATA)

## test: lint, run every test on SQLite and PostgreSQL (starting it if needed) and in Chromium (installing it if needed), cross-build for Windows
test: db browser lint
	$(GO) test -count=1 ./...
	GOOS=windows GOARCH=amd64 CGO_ENABLED=0 $(GO) build -o /dev/null ./cmd/outreach
	$(MAKE) --no-print-directory fuzz FUZZTIME=

# make test fuzzes every target briefly beyond its committed seeds, for a number of executions
# (about 10 s each on a 2-core machine, the count after each target below); make fuzz runs them
# longer. Counts, not durations: Go 1.26's fuzz coordinator can fail a target with a bare
# "context deadline exceeded" when a duration runs out (go.dev/issue/75804), which made CI flaky.

## lint: gofmt and go vet
lint:
	@out=$$(gofmt -l cmd internal); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

## build: the binary in bin/, and the Windows one
build:
	$(GO) build -o bin/outreach ./cmd/outreach

build-windows:
	GOOS=windows GOARCH=amd64 CGO_ENABLED=0 $(GO) build -o bin/outreach.exe ./cmd/outreach

db:
	@./.ci/postgres

browser:
	@./.ci/browser

FUZZTIME ?= 60s
# Minimizing each new input for up to a minute (go's default) stalls slow targets.
FUZZMINIMIZETIME ?= 100x
# package:target:executions (the executions make test runs; measured rates 130–15,000 a second).
FUZZ_TARGETS = ./internal/planfile:FuzzParse:90000x \
	./internal/tabular:FuzzParseNumber:130000x ./internal/tabular:FuzzParseDate:110000x ./internal/tabular:FuzzFold:120000x \
	./internal/tabular:FuzzReadCSV:150000x ./internal/tabular:FuzzReadCSVLimits:50000x ./internal/tabular:FuzzReadXLSX:6000x ./internal/tabular:FuzzXLSXRoundTrip:1500x \
	./internal/exchange:FuzzParseActivities:18000x ./internal/exchange:FuzzParseDistributions:18000x \
	./internal/web:FuzzActivityForm:30000x ./internal/web:FuzzRecordForms:1300x
## fuzz: run every fuzz target for $(FUZZTIME) each (empty: its execution count), one after another; a failing input is written to the package's testdata/fuzz/ and stops the run
fuzz:
	@set -e; ft='$(FUZZTIME)'; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; rest=$${t#*:}; name=$${rest%%:*}; budget=$${rest#*:}; \
		echo "== $$name ($$pkg)"; \
		$(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $${ft:-$$budget} -fuzzminimizetime $(FUZZMINIMIZETIME) "$$pkg"; \
	done
