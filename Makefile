# Makefile for tcpviz: the core library, the programs, tests and the demo.

CC      ?= cc
CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CPPFLAGS += -Iinclude -D_GNU_SOURCE
PKGS    := libpcap

# pkg-config is asked only after tools/deps.sh has made sure it is there
PC_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PC_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CMOCKA_LIBS = $(shell pkg-config --libs cmocka 2>/dev/null)
# libnl: sock_diag for the crafter (src/tv_nl.c, the one file that includes it)
NL_PKGS   := libnl-3.0 libnl-idiag-3.0
NL_CFLAGS = $(shell pkg-config --cflags $(NL_PKGS) 2>/dev/null)
NL_LIBS   = $(shell pkg-config --libs $(NL_PKGS) 2>/dev/null)

ALL_CFLAGS = $(WARN) $(CFLAGS) $(CPPFLAGS) $(PC_CFLAGS) $(NL_CFLAGS) -MMD -MP

# the core: decode, track, render; no I/O of its own
CORE_SRC := src/tv_decode.c src/tv_flow.c src/tv_tcp.c src/tv_render.c
CORE_OBJ := $(CORE_SRC:src/%.c=build/%.o)
LIB      := build/libtcpviz.a

PROG_SRC := src/tcpviz.c src/tv_cap.c src/tv_run.c src/tv_demo.c
PROG_OBJ := $(PROG_SRC:src/%.c=build/%.o)

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=build/tests/%)

.DEFAULT_GOAL := all
.PHONY: all deps test unit golden demo clean regen setcap bench

# the bundled socket programs (PROGS) that the demo runs
include mk/progs.mk
include mk/craft.mk

all: deps tcpviz $(PROGS)

deps:
	@sh tools/deps.sh build

tcpviz: $(PROG_OBJ) $(LIB)
	$(CC) $(CFLAGS) -o $@ $(PROG_OBJ) $(LIB) $(PC_LIBS)

$(LIB): $(CORE_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

build/%.o: src/%.c | build deps
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

build/tests/%: tests/unit/%.c $(LIB) | build/tests deps
	$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(LIB) $(CMOCKA_LIBS)

build build/tests:
	@mkdir -p $@

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

# sudo make demo: install what is missing, build, and run the live demo
demo: all
	./tcpviz --demo

# replay speed against tcpdump -r, as ratios measured in one run
bench: tcpviz
	sh bench/bench.sh

# let ./tcpviz capture without sudo (as tcpdump's packaging does)
setcap: tcpviz
	setcap cap_net_raw,cap_net_admin+eip ./tcpviz

clean:
	rm -rf build tcpviz

-include $(CORE_OBJ:.o=.d) $(PROG_OBJ:.o=.d) $(UNIT_BIN:=.d)

include mk/san.mk

