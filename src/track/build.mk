# src/track/build.mk: the connection table and the TCP analysis (core library)
CORE_SRC += src/track/tv_flow.c src/track/tv_tcp.c
