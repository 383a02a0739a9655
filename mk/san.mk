# mk/san.mk: hostile-input checks: sanitizer build, valgrind and libFuzzer runs (included by the Makefile).
#
#   make asan              ./tcpviz-asan and the unit tests under build/asan/
#   make test SAN=1        the whole suite against the sanitizer build
#   make valgrind          tcpviz under valgrind on every capture, text and JSON
#   make fuzz              each tests/fuzz harness for FUZZ_SECONDS (60) seconds
#   make fuzz-ci           the same for 20 seconds each

SAN_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=all

ASAN_CORE_OBJ := $(CORE_SRC:src/%.c=build/asan/%.o)
ASAN_PROG_OBJ := $(TCPVIZ_SRC:src/%.c=build/asan/%.o) $(CAP_SRC:src/%.c=build/asan/%.o) \
	$(KERN_SRC:src/%.c=build/asan/%.o) $(LAB_SRC:src/%.c=build/asan/%.o) \
	$(UTIL_SRC:src/%.c=build/asan/%.o)
ASAN_LIB      := build/asan/libtcpviz.a
ASAN_UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=build/asan/tests/%)

.PHONY: asan valgrind fuzz fuzz-ci fuzz-deps clean-san

asan: deps tcpviz-asan $(ASAN_UNIT_BIN)

tcpviz-asan: $(ASAN_PROG_OBJ) $(ASAN_LIB)
	$(CC) $(CFLAGS) $(SAN_FLAGS) -o $@ $(ASAN_PROG_OBJ) $(ASAN_LIB) $(PCAP_LIBS) \
	    $(KERN_LIBS) $(LAB_LIBS) -lpthread

$(ASAN_LIB): $(ASAN_CORE_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

build/asan/%.o: src/%.c | deps
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -c -o $@ $<

build/asan/tests/%: tests/unit/%.c $(ASAN_LIB) | deps
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -Itests/unit -o $@ $< \
	    $(TEST_OBJ_$*:build/%=build/asan/%) $(ASAN_LIB) $(CMOCKA_LIBS)

build/asan/tests/test_craft: $(TEST_OBJ_test_craft:build/%=build/asan/%)

# make test SAN=1: the test target's binaries become the sanitizer ones; a
# sanitizer report exits 86 so it can never pass for tcpviz's own 1 or 2
ifeq ($(SAN),1)
TEST_TCPVIZ := ./tcpviz-asan
TEST_UNITS  := $(ASAN_UNIT_BIN)
export ASAN_OPTIONS  ?= exitcode=86:detect_leaks=1
export UBSAN_OPTIONS ?= exitcode=86:print_stacktrace=1:halt_on_error=1
endif

# ---- valgrind: every capture, good and bad, as text, JSON and --compare ----
# tcpviz exits 0, 1 or 2 on its own; valgrind's 99 (or a signal) fails.
VALGRIND_CAPS = $(sort $(wildcard captures/*.pcap captures/*.pcapng captures/bad/*.pcap captures/bad/*.pcapng))
VALGRIND := valgrind -q --error-exitcode=99 --leak-check=full \
	--errors-for-leak-kinds=definite,indirect

valgrind: all
	@sh tools/deps.sh valgrind
	@mkdir -p build/valgrind; pass=0; fail=0; \
	for f in $(VALGRIND_CAPS); do \
		for fmt in text json compare; do \
			a="--format=$$fmt"; [ $$fmt = compare ] && a=--compare; \
			$(VALGRIND) ./tcpviz -n -r "$$f" $$a \
			    >/dev/null 2>build/valgrind/log; st=$$?; \
			if [ $$st -le 2 ]; then \
				pass=$$((pass + 1)); echo "ok      valgrind $$f $$fmt"; \
			else \
				fail=$$((fail + 1)); echo "FAIL    valgrind $$f $$fmt: exit status $$st"; \
				sed 's/^/        /' build/valgrind/log | head -60; \
			fi; \
		done; \
	done; \
	echo "valgrind: $$pass passed, $$fail failed"; [ $$fail = 0 ]

# ---- libFuzzer (clang only): harnesses in tests/fuzz/, objects in build/fuzz/ ----
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_SRC     := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN     := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)
FUZZ_OBJ     := $(CORE_SRC:src/%.c=build/fuzz/%.o) $(CAP_SRC:src/%.c=build/fuzz/%.o) \
	$(UTIL_SRC:src/%.c=build/fuzz/%.o) \
	build/fuzz/tcpviz/tv_run.o

build/fuzz/%.o: src/%.c | deps
	@mkdir -p $(@D)
	$(FUZZ_CC) $(ALL_CFLAGS) $(SAN_FLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJ) | deps
	@mkdir -p $(@D)
	$(FUZZ_CC) $(ALL_CFLAGS) $(SAN_FLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJ) $(PCAP_LIBS)

# the objects are reached only through a pattern rule: keep them
.SECONDARY: $(FUZZ_OBJ)

# Each run starts from seeds copied out of captures/ into build/fuzz/run/NAME/
# (fuzz_decode gets the single frames of each capture, tests/fuzz/frames.py);
# crashes and hangs are left in build/fuzz/run/NAME/ as crash-*, timeout-* ...
fuzz-deps:
	@sh tools/deps.sh fuzz

fuzz: deps fuzz-deps $(FUZZ_BIN)
	@pass=0; fail=0; \
	for h in $(notdir $(FUZZ_BIN)); do \
		d=build/fuzz/run/$$h; rm -rf $$d; mkdir -p $$d/corpus; \
		if [ $$h = fuzz_decode ]; then \
			python3 tests/fuzz/frames.py $$d/corpus captures/*.pcap captures/bad/*.pcap || exit 1; \
		else \
			cp captures/*.pcap captures/*.pcapng captures/bad/*.pcap captures/bad/*.pcapng $$d/corpus/; \
		fi; \
		echo "== $$h: $(FUZZ_SECONDS) s from $$(ls $$d/corpus | wc -l) seeds"; \
		build/fuzz/$$h -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
		    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=$$d/ \
		    $$d/corpus >$$d/log 2>&1; st=$$?; \
		grep -E '^(#[0-9]+[[:space:]]+DONE|stat::number_of_executed_units|Done )' $$d/log | tail -2; \
		if [ $$st = 0 ]; then \
			pass=$$((pass + 1)); echo "ok      $$h"; \
		else \
			fail=$$((fail + 1)); echo "FAIL    $$h: exit status $$st (log $$d/log)"; \
			grep -A40 -E '^==[0-9]+==|runtime error|SUMMARY' $$d/log | head -60; \
			ls $$d | grep -E '^(crash|timeout|leak|oom|slow-unit)-' | sed "s|^|        $$d/|"; \
		fi; \
	done; \
	echo "fuzz: $$pass passed, $$fail failed"; [ $$fail = 0 ]

fuzz-ci:
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=20

clean: clean-san
clean-san:
	rm -f tcpviz-asan

# (every .d under build/ is read by the Makefile)
