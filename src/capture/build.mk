# src/capture/build.mk: capture through libpcap (files, interfaces, BPF, -w); the one folder that includes pcap.h
CAP_SRC  := src/capture/tv_cap.c src/capture/tv_pcapng.c
CAP_OBJ  := $(CAP_SRC:src/%.c=build/%.o)
PCAP_LIBS = $(call pc_libs,libpcap)

build/capture/%.o build/asan/capture/%.o build/fuzz/capture/%.o build/pgo/capture/%.o: XCFLAGS = $(call pc_cflags,libpcap)

# the pcapng reader alone, over files built in memory (fmemopen)
TEST_OBJ_test_pcapng := build/capture/tv_pcapng.o
build/tests/test_pcapng: build/capture/tv_pcapng.o
build/asan/tests/test_pcapng: build/asan/capture/tv_pcapng.o
