# src/capture/build.mk: capture through libpcap (files, interfaces, BPF, -w); the one folder that includes pcap.h
CAP_SRC  := src/capture/tv_cap.c src/capture/tv_pcapng.c
CAP_OBJ  := $(CAP_SRC:src/%.c=build/%.o)
PCAP_LIBS = $(call pc_libs,libpcap)

build/capture/%.o build/asan/capture/%.o build/fuzz/capture/%.o: XCFLAGS = $(call pc_cflags,libpcap)
