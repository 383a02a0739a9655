# Makefile for tcpviz: puts together what each folder's build.mk says it builds.
#
#   src/decode src/track src/render   the core library build/libtcpviz.a (no I/O)
#   src/capture                       libpcap, for tcpviz
#   src/kernel                        sock_diag (libnl-idiag) and /proc, for tcpviz --kernel
#   src/lab                           the lab: hosts in network namespaces (libnl-route, libnftables)
#   src/tcpviz                        the tcpviz program: main, run loop, demo
#   src/progs                         tcpviz-server and tcpviz-client
#   src/craft                         tcpviz-craft, the raw-socket segment crafter
#   src/util                          helpers the programs share (not the core)
# docs/design.md draws the layers and says what each folder may include.

CC      ?= cc
CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CPPFLAGS += -Iinclude -D_GNU_SOURCE

# pkg-config is asked only after tools/deps.sh has made sure it is there;
# a folder gives a package's flags only to the files that include it
# (XCFLAGS, set per folder in its build.mk)
pc_cflags = $(shell pkg-config --cflags $(1) 2>/dev/null)
pc_libs   = $(shell pkg-config --libs $(1) 2>/dev/null)
CMOCKA_LIBS = $(call pc_libs,cmocka)

ALL_CFLAGS = $(WARN) $(CFLAGS) $(CPPFLAGS) $(XCFLAGS) -MMD -MP

# the library and the shared helpers first: the programs' rules name them
CORE_SRC :=
UTIL_SRC :=
include src/decode/build.mk src/track/build.mk src/render/build.mk src/util/build.mk
CORE_OBJ := $(CORE_SRC:src/%.c=build/%.o)
UTIL_OBJ := $(UTIL_SRC:src/%.c=build/%.o)
LIB      := build/libtcpviz.a

PROGS    :=
include src/capture/build.mk src/kernel/build.mk src/lab/build.mk src/tcpviz/build.mk src/progs/build.mk \
	src/craft/build.mk

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=build/tests/%)

.DEFAULT_GOAL := all
.PHONY: all deps test unit golden demo clean regen setcap bench progs soak install uninstall docs

all: deps tcpviz $(PROGS)
progs: $(PROGS)

deps:
	@sh tools/deps.sh build

$(LIB): $(CORE_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

# every object waits for tools/deps.sh (make -j included)
build/%.o: src/%.c | deps
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# a unit test links the library, and the objects TEST_OBJ_name names
build/tests/%: tests/unit/%.c $(LIB) | deps
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(TEST_OBJ_$*) $(LIB) $(CMOCKA_LIBS)

# make test: every unit test and golden test, then one "N passed, N failed" line
# (mk/san.mk points these at the sanitizer build for make test SAN=1)
TEST_TCPVIZ ?= ./tcpviz
TEST_UNITS  ?= $(UNIT_BIN)
test:
	@sh tools/deps.sh test
	@$(MAKE) --no-print-directory $(TEST_TCPVIZ) $(TEST_UNITS) $(PROGS)
	@TCPVIZ=$(TEST_TCPVIZ) sh tests/run.sh $(TEST_UNITS)

# regenerate one golden file after reading the new output: make regen T=name
regen: tcpviz
	@test -n "$(T)" || { echo "usage: make regen T=<test name from tests/TESTLIST>"; exit 1; }
	@sh tests/golden.sh --regen "$(T)"

# make docs: the pictures in README.md and docs/pictures.md, from real
# outputs (tests/pictures.sh fails when they drift)
docs: tcpviz
	./tcpviz -n -r captures/close-four-way.pcap --format=svg -o docs/img/close-four-way.svg
	./tcpviz -n -r captures/retrans.pcap --graph=tsg -o docs/img/retrans-tsg.svg

# sudo make demo: install what is missing, build, and run the live demo
demo: all
	./tcpviz --demo

# make bench: every mode against the libpcap floor on two generated
# captures, and live drops next to tcpdump's (bench/bench.sh, docs/performance.md);
# not in make test (tests/bench.sh only checks the tools count right)
BENCH_TOOLS := build/bench/mkcap build/bench/floor build/bench/rss build/bench/blast \
    build/bench/latency build/bench/connmem
.PHONY: bench-tools
bench-tools: $(BENCH_TOOLS)
bench: tcpviz bench-tools
	@sh tools/deps.sh bench
	sh bench/bench.sh

build/bench/floor: bench/floor.c | deps
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) -o $@ $< -lpcap

# connmem measures the library's table, so it links it
build/bench/connmem: bench/connmem.c $(LIB) | deps
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB)

build/bench/%: bench/%.c
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) -o $@ $<

# make soak: SOAK_SECONDS (600) of live capture with -w on loopback traffic;
# the file complete, memory and descriptors steady (tests/soak.sh); not in make test
soak: all
	@sh tests/soak.sh

# let ./tcpviz capture without sudo (as tcpdump's packaging does)
setcap: tcpviz
	setcap cap_net_raw,cap_net_admin+eip ./tcpviz

clean:
	rm -rf build tcpviz tcpviz-pgo $(PROGS)

-include $(shell find build -name '*.d' 2>/dev/null)

include mk/san.mk mk/pgo.mk
include mk/deps.mk mk/install.mk
