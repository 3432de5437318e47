# sfsim - a Salesforce simulator, a delivery client and a conformance suite.
#
#   make                build sim/sfsim, client/sfdeliver, conformance/sfconform
#   make run            start sfsim on the built-in default org at 127.0.0.1:8080
#   make test           unit + end-to-end tests (installs packages first if root)
#   make SANITIZE=address,undefined test    the same, instrumented (build-san/)
#   make SANITIZE=thread unit conformance   data races (build-tsan/)
#   make conformance-repeat   the example clients, 100 runs of the areas
#                       where concurrency matters (auth retry truth w2l)
#   make bench          benchmarks (never part of test)
#   make install        binaries, man pages and fixtures under PREFIX
#                       (default /usr/local), staged under DESTDIR; uninstall
#   make deb            a Debian package (build/sfsim_VERSION_ARCH.deb);
#                       deb-check installs it, runs it, removes it (root)
#   make soak           a few minutes of mixed and hostile load (never part of test)
#   make killtest       sfdeliver SIGKILLed 100 times per path, resumed
#   make peer-suite     jsforce's own integration suite against sfsim (PEER_SRC=...)
#   make deps | format | format-check | lint | cycles | valgrind | fuzz | clean
#
# Objects go to build/ (build-san/ when SANITIZE is set, build-tsan/ for
# SANITIZE=thread). Each component is a
# static archive of everything but its main.c, so a unit test links only the
# objects it uses.

CC ?= cc
DEB_PKGS := pkg-config libmicrohttpd-dev libcurl4-openssl-dev libjansson-dev libcmocka-dev \
	libgnutls28-dev libexpat1-dev openssl
# gnutls: sfsim's HTTPS certificate and the JWT bearer grant's signatures
# (the TLS library libmicrohttpd is built with); expat: the SOAP login's XML and
# the customer metadata sfsim --org-metadata reads (sim/metadata/xmlread.c).
PC_PKGS := libmicrohttpd libcurl jansson cmocka gnutls expat
# What the conformance tests' script and example clients run on.
CLIENT_PKGS := python3 curl jq nodejs
CLIENT_CMDS := python3 curl jq node

SANITIZE ?=
WERROR ?= -Werror
OPT ?= -O2

ifeq ($(SANITIZE),)
BUILD := build
BIN_SIM := sim/sfsim
BIN_CLIENT := client/sfdeliver
BIN_CONF := conformance/sfconform
SAN_FLAGS :=
else
# ThreadSanitizer cannot share objects with the others.
BUILD := $(if $(filter thread,$(SANITIZE)),build-tsan,build-san)
BIN_SIM := $(BUILD)/bin/sfsim
BIN_CLIENT := $(BUILD)/bin/sfdeliver
BIN_CONF := $(BUILD)/bin/sfconform
SAN_FLAGS := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
endif

WARN := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wformat=2 -Wwrite-strings -Wvla $(WERROR)
# Recursive (=) so pkg-config runs only after `make deps` has installed it.
PKG_CFLAGS = $(shell pkg-config --cflags $(PC_PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PC_PKGS) 2>/dev/null)
CFLAGS ?=
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(OPT) -g $(WARN) $(SAN_FLAGS) \
	-Icommon -I$(BUILD)/gen $(PKG_CFLAGS) $(CFLAGS) -MMD -MP
ALL_LDFLAGS = $(SAN_FLAGS) $(LDFLAGS)
LIBS = $(PKG_LIBS) -lm -lpthread

# The project's one version: the VERSION file (part of any tarball), else
# `git describe`. The programs read it from a generated header that is
# rewritten only when the version changes, so a new one relinks the three
# programs and nothing else.
VERSION := $(shell cat VERSION 2>/dev/null || \
	git describe --tags --always 2>/dev/null || echo unknown)
VERSION_H := $(BUILD)/gen/version.h

COMMON_SRC := $(wildcard common/*.c)
# sim/ is a folder per concept (README, "Layout"); its files include each
# other's headers by name, so every folder is on the sim's include path.
SIM_DIRS := sim $(patsubst %/,%,$(sort $(dir $(wildcard sim/*/*.c sim/*/*.h))))
SIM_INC := $(addprefix -I,$(SIM_DIRS))
SIM_SRC := $(filter-out sim/main.c,$(wildcard $(addsuffix /*.c,$(SIM_DIRS))))
CLIENT_SRC := $(filter-out client/main.c,$(wildcard client/*.c))
CONF_SRC := $(filter-out conformance/main.c,$(wildcard conformance/*.c))
SUPPORT_SRC := $(wildcard tests/support/*.c)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
E2E_SRC := $(wildcard tests/e2e/test_*.c)

obj = $(patsubst %.c,$(BUILD)/%.o,$(1))
LIB_COMMON := $(BUILD)/libcommon.a
LIB_SIM := $(BUILD)/libsim.a
LIB_CLIENT := $(BUILD)/libclient.a
LIB_CONF := $(BUILD)/libconf.a
LIB_SUPPORT := $(BUILD)/libsupport.a
# Consumer before provider.
TEST_LIBS := $(LIB_SUPPORT) $(LIB_CONF) $(LIB_CLIENT) $(LIB_SIM) $(LIB_COMMON)

UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/unit/%,$(UNIT_SRC))
E2E_BINS := $(patsubst tests/e2e/%.c,$(BUILD)/tests/e2e/%,$(E2E_SRC))
# The hostile-input corpus runner (tests/hostile/README.md).
HOSTILE_BIN := $(BUILD)/tests/hostile/runner
HOSTILE_OBJS := $(call obj,$(addprefix tests/hostile/,runner.c corpus.c \
	rawhttp.c fakelead.c))
# The slow, non-reading and probe clients of make soak.
SOAK_BIN := $(BUILD)/tests/hostile/soakc
# How much of a metadata corpus's validation rules the sim runs.
COVERAGE_BIN := $(BUILD)/tests/coverage/mdcoverage

BINS := $(BIN_SIM)
ifneq ($(wildcard client/main.c),)
BINS += $(BIN_CLIENT)
endif
ifneq ($(wildcard conformance/main.c),)
BINS += $(BIN_CONF)
endif

ifeq ($(V),)
Q := @
QUIET_CC = @echo "  CC      $@";
QUIET_AR = @echo "  AR      $@";
QUIET_LD = @echo "  LD      $@";
endif

.PHONY: all binaries deps deps-c deps-clients deps-node run test unit e2e conformance \
	conformance-repeat hostile tests-build bench soak valgrind valgrind-units fuzz \
	format format-check lint clean cycles install uninstall install-test deb deb-check FORCE

all: deps-c
	@$(MAKE) --no-print-directory binaries

binaries: $(BINS)

# Installs the Debian packages the build needs, only when something is
# missing, the interpreters the conformance tests' clients run on, and the
# npm clients the end-to-end tests run.
deps: deps-c deps-clients deps-node

# $(call apt_install,PACKAGES,WHAT): installs PACKAGES as root, or says
# how to (a shell command for a recipe).
apt_install = if [ "$$(id -u)" = 0 ]; then \
	    echo "installing $(2): $(1)"; \
	    (apt-get update -qq || true) && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1) >/dev/null; \
	else \
	    echo "missing $(2); run: sudo apt-get install $(1)" >&2; exit 1; \
	fi

deps-clients:
	@missing=; for c in $(CLIENT_CMDS); do \
	    command -v $$c >/dev/null 2>&1 || missing="$$missing $$c"; done; \
	if [ -z "$$missing" ]; then :; \
	else $(call apt_install,$(CLIENT_PKGS),the conformance clients' tools); fi

# The npm clients, by directory, each with the file under node_modules that
# marks it installed: jsforce (tests/e2e/jsforce), node-salesforce-connection
# (tests/e2e/logins), and the Salesforce CLI with the Node.js 22 it needs
# (tests/e2e/sfcli: about 480 MB, a few minutes the first time). When npm ci
# fails (no registry), the tests that run that client say so and skip.
NODE_DEPS := tests/e2e/jsforce:jsforce tests/e2e/logins:node-salesforce-connection \
	tests/e2e/sfcli:.bin/sf

deps-node:
	@for d in $(NODE_DEPS); do dir=$${d%%:*}; pkg=$${d#*:}; \
	    [ -e $$dir/node_modules/$$pkg ] && continue; \
	    if ! command -v npm >/dev/null 2>&1; then \
	        if [ "$$(id -u)" = 0 ]; then \
	            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; \
	        else \
	            echo "missing npm; run: sudo apt-get install nodejs npm" >&2; exit 1; \
	        fi; \
	    fi; \
	    echo "installing the npm clients of $$dir for the end-to-end tests"; \
	    npm ci --prefix $$dir --no-audit --no-fund --loglevel=error || \
	        echo "warning: npm ci in $$dir failed; the tests that run its clients will skip" >&2; \
	done

deps-c:
	@if command -v pkg-config >/dev/null 2>&1 && \
	    pkg-config --exists $(PC_PKGS) 2>/dev/null && \
	    command -v openssl >/dev/null 2>&1; then :; \
	else $(call apt_install,$(DEB_PKGS),build dependencies); fi

run: all
	./sim/sfsim --port 8080

test: deps
	@$(MAKE) --no-print-directory tests-build
	@$(MAKE) --no-print-directory unit e2e conformance hostile install-test

tests-build: $(BINS) $(UNIT_BINS) $(E2E_BINS) $(HOSTILE_BIN) $(COVERAGE_BIN)

# Each test program is a cmocka suite; the last line counts programs.
unit: $(UNIT_BINS)
	@passed=0; failed=0; for t in $(UNIT_BINS); do \
	    echo "== $$t"; if $$t; then passed=$$((passed + 1)); \
	    else failed=$$((failed + 1)); fi; done; \
	echo "unit: $$passed passed, $$failed failed"; [ $$failed -eq 0 ]

# The system's interpreters where there are (the ones deps installs; a
# version manager's shim on PATH can cost a second per start).
PYTHON3 ?= $(firstword $(wildcard /usr/bin/python3) python3)
NODE ?= $(firstword $(wildcard /usr/bin/node) node)
E2E_ENV = SFSIM=$(abspath $(BIN_SIM)) SFDELIVER=$(abspath $(BIN_CLIENT)) \
	SFCONFORM=$(abspath $(BIN_CONF)) SFSIM_FIXTURES=$(abspath fixtures) \
	SFSIM_SANITIZE=$(SANITIZE) PYTHON3=$(PYTHON3) NODE=$(NODE) \
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

e2e: $(BINS) $(E2E_BINS)
	@passed=0; failed=0; for t in $(E2E_BINS); do \
	    echo "== $$t"; if $(E2E_ENV) $$t; then passed=$$((passed + 1)); \
	    else failed=$$((failed + 1)); fi; done; \
	echo "e2e: $$passed passed, $$failed failed"; [ $$failed -eq 0 ]

# The conformance catalog against the bundled client (a MUST failure fails).
# The per-run limit only catches a hung client; it is generous so that an
# instrumented build on a busy machine is not mistaken for one.
CONF_TIMEOUT ?= 30000
conformance: $(BINS)
	./$(BIN_CONF) --jobs 2 --timeout $(CONF_TIMEOUT) --sim $(BIN_SIM) --profile batch \
	    --client $(abspath $(BIN_CLIENT)) \
	    --junit $(BUILD)/conformance.xml --html $(BUILD)/conformance.html

# Each example client, and sfdeliver, over the areas where concurrency
# and order matter, REPEAT times each (every case afresh every time), as
# CI runs the suite; each client's whole run is bounded by REPEAT_LIMIT
# seconds. The two volume cases (3,000 leads between them, the same cap
# as w2l.cap.no-false-delivered at scale) are left to the whole-catalog
# runs: `make conformance-repeat REPEAT=10 REPEAT_AREAS=` runs every case.
# The README has the figures of the last runs.
REPEAT ?= 100
W2L_SMALL := w2l.cap.no-false-delivered,w2l.window,w2l.json-body,w2l.recaptcha
REPEAT_AREAS ?= auth,retry,truth,$(W2L_SMALL),w2l.picklist,w2l.unavailable
REPEAT_LIMIT ?= 14400
EXAMPLES := $(abspath tests/conformance/clients/independent)
conformance-repeat: $(BINS)
	@fail=; for c in \
	    "4xx-final|$(PYTHON3) $(EXAMPLES)/python-threads/deliver.py" \
	    "4xx-final|sh $(EXAMPLES)/shell-curl/deliver.sh" \
	    "4xx-retried|$(NODE) $(EXAMPLES)/node-async/deliver.mjs" \
	    "batch|$(PYTHON3) $(EXAMPLES)/python-batch/deliver.py" \
	    "4xx-retried|$(abspath $(BIN_CLIENT))"; do \
	    profile=$${c%%|*}; client=$${c#*|}; out=$$(mktemp); st=0; \
	    echo "== $$client ($$profile): $(REPEAT) runs of $(or $(REPEAT_AREAS),every case)"; \
	    timeout $(REPEAT_LIMIT) ./$(BIN_CONF) --sim $(BIN_SIM) --jobs 2 \
	        --timeout $(CONF_TIMEOUT) --repeat $(REPEAT) --profile $$profile \
	        $(if $(REPEAT_AREAS),--only '$(REPEAT_AREAS)') --client "$$client" \
	        >$$out || st=$$?; \
	    grep -v '^PASS' $$out || true; rm -f $$out; \
	    [ $$st = 0 ] || fail="$$fail $$client"; \
	done; \
	if [ -n "$$fail" ]; then echo "conformance-repeat: failed:$$fail" >&2; exit 1; fi

# Every input of tests/hostile/ against the binaries of this build.
# The peer-suite measurement: jsforce's own integration suite, unmodified,
# against a fresh sfsim (tests/peer/jsforce.sh; PEER_SRC names its source).
# A measurement, not part of make test.
.PHONY: peer-suite
peer-suite: $(BIN_SIM)
	@bash tests/peer/jsforce.sh

hostile: $(BINS) $(HOSTILE_BIN)
	@$(E2E_ENV) HOSTILE_DIR=tests/hostile $(HOSTILE_BIN)

# The README's "Formula coverage": every Lead, Contact and Account
# validation rule of the metadata trees under CORPUS (a retrieve, or a
# directory of them), loaded and evaluated on a synthetic record.
.PHONY: formula-coverage
formula-coverage: $(COVERAGE_BIN)
	@if [ -z "$(CORPUS)" ]; then \
	    echo "usage: make formula-coverage CORPUS=DIR" >&2; exit 2; fi
	@$(COVERAGE_BIN) $(CORPUS)

# sfdeliver killed with SIGKILL at KILLS random instants per delivery path,
# each resumed (tests/e2e/test_deliver_kill.c; make test runs 5 per path).
KILLS ?= 100
.PHONY: killtest
killtest: $(BINS) $(BUILD)/tests/e2e/test_deliver_kill
	$(E2E_ENV) SFDELIVER_KILLS=$(KILLS) $(BUILD)/tests/e2e/test_deliver_kill

# A few minutes of mixed and hostile load, then a reset (bench/soak.sh).
# Never part of test; needs wrk (installed here when root).
soak: all $(SOAK_BIN)
	@command -v wrk >/dev/null 2>&1 || \
	    { [ "$$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; } || \
	    { echo "soak needs wrk (apt-get install wrk)" >&2; exit 1; }
	@SFSIM=$(BIN_SIM) SOAKC=$(SOAK_BIN) bash bench/soak.sh

bench: all
	@command -v wrk >/dev/null 2>&1 && command -v nginx >/dev/null 2>&1 || \
	    { [ "$$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx-light >/dev/null; } || \
	    { echo "bench needs wrk and nginx (apt-get install wrk nginx-light)" >&2; exit 1; }
	@bash bench/run.sh

# Unit tests under valgrind, unoptimised, in a build directory of their own
# so that build/ keeps its optimised objects.
valgrind: deps-c
	@$(MAKE) --no-print-directory OPT=-O0 BUILD=build-vg valgrind-units

valgrind-units: $(UNIT_BINS)
	@for t in $(UNIT_BINS); do echo "== valgrind $$t"; \
	    valgrind -q --error-exitcode=1 --leak-check=full $$t || exit 1; done

fuzz:
	@bash tests/fuzz/run.sh

CLANG_FORMAT ?= clang-format
FORMAT_FILES = $(wildcard common/*.[ch] sim/*.[ch] sim/*/*.[ch] client/*.[ch] \
	conformance/*.[ch] tests/*/*.[ch])

format:
	$(CLANG_FORMAT) -i $(FORMAT_FILES)

format-check:
	@$(CLANG_FORMAT) --dry-run --Werror $(FORMAT_FILES)

# Banned functions (see the README's code conventions); comment lines aside.
BANNED := \b(strcpy|strcat|sprintf|vsprintf|gets|atoi|atol|strtok)[[:space:]]*\(
lint:
	@if grep -nE '$(BANNED)' $(FORMAT_FILES) | \
	    grep -vE '^[^:]+:[0-9]+:[[:space:]]*(\*|/\*|//)'; then \
	    echo "lint: banned function used" >&2; exit 1; fi
	@bash tests/lint/cycles.sh $(CYCLE_DIRS)
	@echo "lint: ok"

# No module may include another that includes it back, even through others
# (tests/lint/cycles.sh, one directory or several); lint fails on a cycle
# in CYCLE_DIRS.
CYCLE_DIRS := common $(SIM_DIRS) client conformance
cycles:
	@bash tests/lint/cycles.sh $(CYCLE_DIRS)

clean:
	rm -rf build build-san build-tsan build-vg sim/sfsim client/sfdeliver conformance/sfconform

# --- install and package -----------------------------------------------------

# Only PREFIX and DESTDIR are settings: sfconform finds its data from its own
# location (bin/../share/sfsim/fixtures), so the layout under PREFIX is fixed
# and an installed tree can be moved whole.
PREFIX ?= /usr/local
DESTDIR ?=
INSTALL ?= install
DATADIR = $(PREFIX)/share/sfsim
DOCDIR = $(PREFIX)/share/doc/sfsim
MAN1 := sim/sfsim.1 client/sfdeliver.1 conformance/sfconform.1
MAN5 := sim/sfsim-org.5 client/sfdeliver-buyer.5 conformance/sfconform-case.5
# The support scenarios' webhook.sh runs this script client as
# ../../../../tests/conformance/clients/client.py: installed beside the
# fixtures as in the source tree, `sfconform replay` works installed too.
SCENARIO_CLIENT := tests/conformance/clients/client.py

# The data tree is replaced whole, so a case removed from the catalog does
# not linger from an older install.
install: all
	$(INSTALL) -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	    $(DESTDIR)$(PREFIX)/share/man/man5 $(DESTDIR)$(DOCDIR)
	$(INSTALL) -m 755 $(BIN_SIM) $(BIN_CLIENT) $(BIN_CONF) $(DESTDIR)$(PREFIX)/bin/
	$(INSTALL) -m 644 $(MAN1) $(DESTDIR)$(PREFIX)/share/man/man1/
	$(INSTALL) -m 644 $(MAN5) $(DESTDIR)$(PREFIX)/share/man/man5/
	$(INSTALL) -m 644 README.md $(DESTDIR)$(DOCDIR)/
	rm -rf $(DESTDIR)$(DATADIR)
	$(INSTALL) -d $(DESTDIR)$(DATADIR)/$(dir $(SCENARIO_CLIENT))
	cp -R fixtures $(DESTDIR)$(DATADIR)/
	find $(DESTDIR)$(DATADIR)/fixtures -name .gitignore -delete
	$(INSTALL) -m 644 $(SCENARIO_CLIENT) $(DESTDIR)$(DATADIR)/$(SCENARIO_CLIENT)
	chmod -R u=rwX,go=rX $(DESTDIR)$(DATADIR)

uninstall:
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/bin/,sfsim sfdeliver sfconform) \
	    $(addprefix $(DESTDIR)$(PREFIX)/share/man/man1/,$(notdir $(MAN1))) \
	    $(addprefix $(DESTDIR)$(PREFIX)/share/man/man5/,$(notdir $(MAN5)))
	rm -rf $(DESTDIR)$(DATADIR) $(DESTDIR)$(DOCDIR)

# make install into a temporary DESTDIR: what is installed answers and finds
# its data from another directory; then uninstall; the man pages lint clean.
install-test: $(BINS)
	@bash tests/package/install.sh "$(MAKE)" "$(VERSION)"

# A Debian package from a staged install with PREFIX=/usr, without debhelper:
# dpkg-shlibdeps computes Depends, dpkg-deb builds it (root-owned files
# without fakeroot). Native: its version is the project's.
DEB_ARCH = $(shell dpkg --print-architecture 2>/dev/null)
DEB_VERSION = $(subst -,+,$(patsubst v%,%,$(VERSION)))
DEB_DIR := $(BUILD)/deb
DEB_ROOT := $(DEB_DIR)/debian/sfsim
DEB_FILE = $(BUILD)/sfsim_$(DEB_VERSION)_$(DEB_ARCH).deb
DEB_MAINTAINER ?= sfsim maintainers <sfsim@example.org>
# sfdeliver sets CURLOPT_PREREQFUNCTION, new in 7.80; the symbols file
# only knows the functions it calls.
DEB_CURL := libcurl4 (>= 7.80.0)
DEB_DOC := $(DEB_ROOT)/usr/share/doc/sfsim

deb:
	@if [ -n "$(SANITIZE)" ]; then \
	    echo "make deb: not from an instrumented build (unset SANITIZE)" >&2; exit 1; fi
	@command -v dpkg-deb >/dev/null && command -v dpkg-shlibdeps >/dev/null || \
	    { echo "make deb needs dpkg-dev: apt-get install dpkg-dev" >&2; exit 1; }
	rm -rf $(DEB_DIR)
	@$(MAKE) --no-print-directory install DESTDIR=$(abspath $(DEB_ROOT)) PREFIX=/usr
	strip --strip-unneeded --remove-section=.comment --remove-section=.note \
	    $(DEB_ROOT)/usr/bin/sfsim $(DEB_ROOT)/usr/bin/sfdeliver $(DEB_ROOT)/usr/bin/sfconform
	gzip -9n $(DEB_ROOT)/usr/share/man/man1/* $(DEB_ROOT)/usr/share/man/man5/* \
	    $(DEB_DOC)/README.md
	@{ printf 'sfsim (%s) unstable; urgency=medium\n\n' '$(DEB_VERSION)'; \
	   printf '  * Built from the sfsim source tree; see README.md.gz.\n\n'; \
	   printf ' -- %s  %s\n' '$(DEB_MAINTAINER)' \
	       "$$(git log -1 --format=%cD 2>/dev/null || date -R)"; \
	 } | gzip -9n >$(DEB_DOC)/changelog.gz
	@printf '%s\n' \
	    'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' \
	    'Upstream-Name: sfsim' '' 'Files: *' \
	    "Copyright: $$(date -u +%Y) the sfsim authors" \
	    'License: unspecified' ' The sfsim source tree states no licence yet.' \
	    >$(DEB_DOC)/copyright
	@mkdir -p $(DEB_ROOT)/DEBIAN && touch $(DEB_DIR)/debian/control
	@cd $(DEB_DIR) && dpkg-shlibdeps -O debian/sfsim/usr/bin/* | \
	    sed -e 's/^shlibs:Depends=//' \
	        -e 's/libcurl4 ([^)]*)/$(DEB_CURL)/' >depends
	@{ printf 'Package: sfsim\nVersion: %s\nArchitecture: %s\n' \
	       '$(DEB_VERSION)' '$(DEB_ARCH)'; \
	   printf 'Maintainer: %s\n' '$(DEB_MAINTAINER)'; \
	   printf 'Installed-Size: %s\n' "$$(du -sk $(DEB_ROOT)/usr | cut -f1)"; \
	   printf 'Depends: %s\n' "$$(cat $(DEB_DIR)/depends)"; \
	   printf 'Recommends: python3\nSection: devel\nPriority: optional\n'; \
	   printf '%s\n' \
	    'Description: Salesforce simulator and lead-delivery conformance harness' \
	    ' sfsim answers on the wire as a Salesforce org does (Web-to-Lead with its' \
	    ' daily cap and silent drops, OAuth 2.0, the REST API, validation and' \
	    ' duplicate rules, Flows and Apex REST) on a simulated clock, and journals' \
	    ' what it did with every request.' \
	    ' .' \
	    ' sfdeliver delivers leads with correct retry, re-authentication and' \
	    ' no-silent-loss semantics; sfconform runs a conformance catalog against' \
	    ' any delivery client and replays support scenarios.'; \
	 } >$(DEB_ROOT)/DEBIAN/control
	@cd $(DEB_ROOT) && find usr -type f -exec md5sum {} + | sort -k 2 >DEBIAN/md5sums
	dpkg-deb --root-owner-group -Zxz --build $(DEB_ROOT) $(DEB_FILE)

# Installs the package with dpkg, runs what it installed, removes it and
# checks that nothing is left (root: dpkg writes the system).
deb-check: deb
	@bash tests/package/deb-check.sh "$(DEB_FILE)" "$(VERSION)"

# --- rules -------------------------------------------------------------------

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(QUIET_CC)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIB_COMMON): $(call obj,$(COMMON_SRC))
$(LIB_SIM): $(call obj,$(SIM_SRC))
$(LIB_CLIENT): $(call obj,$(CLIENT_SRC))
$(LIB_CONF): $(call obj,$(CONF_SRC))
$(LIB_SUPPORT): $(call obj,$(SUPPORT_SRC))

$(BUILD)/%.a:
	@mkdir -p $(dir $@)
	@rm -f $@
	$(QUIET_AR)ar rcs $@ $^ $(if $^,,$(BUILD)/empty.o)

$(BUILD)/empty.o:
	@mkdir -p $(dir $@)
	@echo 'typedef int empty_translation_unit;' | $(CC) -x c -c -o $@ -

$(LIB_CONF) $(LIB_CLIENT) $(LIB_SUPPORT) $(LIB_SIM): | $(BUILD)/empty.o

$(VERSION_H): FORCE
	@mkdir -p $(dir $@)
	@printf '/* Generated by the Makefile from VERSION. */\n#define SFSIM_VERSION "%s"\n' \
	    '$(VERSION)' >$@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv -f $@.tmp $@; fi

FORCE:

$(BUILD)/sim/main.o $(BUILD)/client/main.o $(BUILD)/conformance/main.o: $(VERSION_H)
$(BUILD)/sim/admin/snapshot.o: $(VERSION_H)

# The dashboard page (GET /__sim/) built into sfsim as its bytes.
DASHBOARD_H := $(BUILD)/gen/dashboard_html.h
$(DASHBOARD_H): sim/admin/dashboard.html
	@mkdir -p $(dir $@)
	@od -An -v -tx1 $< | sed 's/\([0-9a-f][0-9a-f]\)/0x\1,/g' >$@.tmp && mv -f $@.tmp $@
$(BUILD)/sim/admin/dashboard.o: $(DASHBOARD_H)

$(BIN_SIM): $(BUILD)/sim/main.o $(LIB_SIM) $(LIB_COMMON)
	@mkdir -p $(dir $@)
	$(QUIET_LD)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BIN_CLIENT): $(BUILD)/client/main.o $(LIB_CLIENT) $(LIB_COMMON)
	@mkdir -p $(dir $@)
	$(QUIET_LD)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BIN_CONF): $(BUILD)/conformance/main.o $(LIB_CONF) $(LIB_COMMON)
	@mkdir -p $(dir $@)
	$(QUIET_LD)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/tests/unit/%: $(BUILD)/tests/unit/%.o $(TEST_LIBS)
	$(QUIET_LD)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/tests/e2e/%: $(BUILD)/tests/e2e/%.o $(TEST_LIBS)
	$(QUIET_LD)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(HOSTILE_BIN): $(HOSTILE_OBJS) $(TEST_LIBS)
	$(QUIET_LD)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(COVERAGE_BIN): $(BUILD)/tests/coverage/mdcoverage.o $(TEST_LIBS)
	$(QUIET_LD)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(SOAK_BIN): $(call obj,tests/hostile/soakc.c tests/hostile/rawhttp.c) $(LIB_COMMON)
	$(QUIET_LD)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/sim/%.o: ALL_CFLAGS += $(SIM_INC)
$(BUILD)/tests/%.o: ALL_CFLAGS += $(SIM_INC) -Iclient -Iconformance -Itests/support
$(BUILD)/tests/%.o: WARN := $(filter-out -Wmissing-prototypes,$(WARN))

.SECONDARY:

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
