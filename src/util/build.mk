# src/util/build.mk: helpers the programs share (messages, clocks, numbers, signals, spawning); not part of the core
UTIL_SRC += src/util/tv_msg.c src/util/tv_util.c src/util/tv_callrep.c
