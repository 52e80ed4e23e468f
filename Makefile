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
	$(MAKE) --no-print-directory fuzz FUZZTIME=$(CI_FUZZTIME)

# make test fuzzes every target briefly beyond its committed seeds; make fuzz runs them longer.
CI_FUZZTIME ?= 10s

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
FUZZ_TARGETS = ./internal/planfile:FuzzParse \
	./internal/tabular:FuzzParseNumber ./internal/tabular:FuzzParseDate ./internal/tabular:FuzzFold \
	./internal/tabular:FuzzReadCSV ./internal/tabular:FuzzReadXLSX ./internal/tabular:FuzzXLSXRoundTrip \
	./internal/exchange:FuzzParseActivities ./internal/exchange:FuzzParseDistributions \
	./internal/web:FuzzActivityForm ./internal/web:FuzzRecordForms
## fuzz: run every fuzz target for $(FUZZTIME) each, one after another (not part of make test); a failing input is written to the package's testdata/fuzz/ and stops the run
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		echo "== $${t#*:} ($${t%%:*})"; \
		$(GO) test -run '^$$' -fuzz "^$${t#*:}\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZETIME) "$${t%%:*}"; \
	done
