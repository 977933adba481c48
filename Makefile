# minzheng — the thin layer over CMake and npm.  `make run` and `make test`
# install whatever is missing first (scripts/deps.sh), so both work on a
# fresh Debian 12 machine as root.
.PHONY: all deps build build-c build-web run demo demo-city test bench fmt lint clean

LISTEN ?= 127.0.0.1:8080
DB ?= var/minzheng.db
C_SOURCES := $(shell find src tests/unit -name '*.[ch]' 2>/dev/null)

all: build

deps:
	@scripts/deps.sh

build: deps build-c build-web

build-c:
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build build -j2

web/dist/index.html: $(shell find web/src web/index.html web/vite.config.js web/package-lock.json 2>/dev/null)
	cd web && npm run build

build-web: web/dist/index.html

# Creates the database on first start, loads the Suqian registry and the demo
# accounts (both steps do nothing when already done), then serves.
run: build
	@mkdir -p var
	@build/minzheng --db "$${MZ_DB:-$(DB)}" migrate
	@build/minzheng --db "$${MZ_DB:-$(DB)}" demo
	build/minzheng --db "$${MZ_DB:-$(DB)}" --listen "$${MZ_LISTEN:-$(LISTEN)}" serve

# A synthetic city added to the demo database (`make demo-city`, then `make run`):
# PERSONS invented persons (default 20000) in the real villages, with their incomes, assets,
# 低保/特困 enrollments and the twelve departments' data, from `minzheng gen` — the 监测看板,
# 核对 and 发放 pages then show a county's worth of work.  Imported through the validating
# importers, all or nothing: a second run with the same SEED changes nothing.
demo-city: build
	@mkdir -p var
	@build/minzheng --db "$${MZ_DB:-$(DB)}" migrate
	@build/minzheng --db "$${MZ_DB:-$(DB)}" demo
	@rm -rf var/city
	@build/minzheng gen --persons $${PERSONS:-20000} --seed $${SEED:-1} --out var/city
	@build/minzheng --db "$${MZ_DB:-$(DB)}" registry import var/city
	@asof=$$(sed -n 's/^as_of=//p' var/city/manifest.txt); for f in var/city/evidence/*.csv; do \
	  build/minzheng --db "$${MZ_DB:-$(DB)}" import --source "$$(basename $$f .csv)" \
	    --as-of "$$asof" "$$f" || exit 1; done

test:
	@scripts/test.sh

# The benchmark suite (bench/README.md); never part of `make test`.  PERSONS=N to resize,
# STORE=postgresql for PostgreSQL (default sqlite).
bench: build
	@scripts/deps.sh --bench
	@bench/run.sh --persons $${PERSONS:-500000} --store $${STORE:-sqlite}

fmt:
	clang-format -i $(C_SOURCES)

lint:
	clang-format --dry-run --Werror $(C_SOURCES)

clean:
	rm -rf build build-asan web/dist
