# src/track/build.mk: the connection table and the TCP analysis (core library)
CORE_SRC += src/track/tv_pair.c src/track/tv_flow.c src/track/tv_tcp.c src/track/tv_tcp_state.c \
	src/track/tv_tcp_anom.c src/track/tv_tcp_zeek.c src/track/tv_ports.c
