# The front door: make run, make test, make lint, make build.
GO ?= go
DATA ?= ./data
ADDR ?= :8080

.PHONY: run test lint build build-windows db

## run: serve the UI on $(ADDR) with SQLite in $(DATA) (first start seeds and prints the admin password)
run:
	$(GO) run ./cmd/outreach serve --addr $(ADDR) --data $(DATA)

## test: lint, run every test on SQLite and PostgreSQL (starting it if needed), cross-build for Windows
test: db lint
	$(GO) test -count=1 ./...
	GOOS=windows GOARCH=amd64 CGO_ENABLED=0 $(GO) build -o /dev/null ./cmd/outreach

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
