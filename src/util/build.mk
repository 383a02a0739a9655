# src/util/build.mk: helpers the programs share (messages, clocks, numbers, signals, spawning); not part of the core
UTIL_SRC += src/util/tv_msg.c src/util/tv_util.c src/util/tv_callrep.c

# the calls' channel: the writer against the core's parser
TEST_OBJ_test_call := build/util/tv_callrep.o
build/tests/test_call: build/util/tv_callrep.o
build/asan/tests/test_call: build/asan/util/tv_callrep.o
