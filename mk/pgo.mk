# mk/pgo.mk: make tcpviz-pgo, tcpviz compiled with GCC's profile-guided optimization (included by the Makefile).
#
#   make tcpviz-pgo   ./tcpviz-pgo: built once with counters, run over
#                     generated captures (bench/pgo-train.sh), built again
#                     laid out by what ran; the same program as ./tcpviz,
#                     byte-for-byte the same output, faster offline
#                     (docs/performance.md).  BENCH_TCPVIZ=./tcpviz-pgo make
#                     bench measures it.  Not part of make or make test.
#
# Both builds put their objects in build/pgo/, the second in place of the
# first, because GCC finds an object's profile (.gcda) by the object's path.

PGO_DIR := build/pgo
PGO_OBJ := $(patsubst src/%.c,$(PGO_DIR)/%.o,$(TCPVIZ_SRC) $(CAP_SRC) $(KERN_SRC) \
	$(LAB_SRC) $(UTIL_SRC) $(CORE_SRC))
PGO_PHASE ?= use
ifeq ($(PGO_PHASE),gen)
PGO_FLAGS := -fprofile-generate
else
PGO_FLAGS := -fprofile-use -fprofile-partial-training -Wno-missing-profile
endif

.PHONY: tcpviz-pgo
tcpviz-pgo: deps build/bench/mkcap
	@$(CC) -v 2>&1 | grep -q '^gcc version' && \
	    [ "$$($(CC) -dumpversion | cut -d. -f1)" -ge 10 ] || \
	    { echo "make tcpviz-pgo: needs GCC 10 or later (CC=$(CC) is not)"; exit 1; }
	rm -rf $(PGO_DIR)
	$(MAKE) --no-print-directory PGO_PHASE=gen $(PGO_DIR)/tcpviz-pgo
	sh bench/pgo-train.sh $(PGO_DIR)/tcpviz-pgo $(PGO_DIR)/train
	@[ -n "$$(find $(PGO_DIR) -name '*.gcda' | head -1)" ] || \
	    { echo "make tcpviz-pgo: the training run left no profile"; exit 1; }
	find $(PGO_DIR) -name '*.o' -delete
	$(MAKE) --no-print-directory PGO_PHASE=use $(PGO_DIR)/tcpviz-pgo
	cp $(PGO_DIR)/tcpviz-pgo $@

$(PGO_DIR)/tcpviz-pgo: $(PGO_OBJ)
	$(CC) $(CFLAGS) $(PGO_FLAGS) -o $@ $(PGO_OBJ) $(PCAP_LIBS) $(KERN_LIBS) \
	    $(LAB_LIBS) -lpthread

$(PGO_DIR)/%.o: src/%.c | deps
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(PGO_FLAGS) -c -o $@ $<
