# src/decode/build.mk: link layers, IPv4/IPv6, TCP and UDP headers into struct tv_pkt (core library)
CORE_SRC += src/decode/tv_decode.c src/decode/tv_frag.c
