# src/progs/build.mk: tcpviz-server and tcpviz-client, the socket programs the demo runs
#
# They link only their socket helpers and src/util, not libtcpviz.a: the
# core does no I/O and the programs decode nothing.
PROGS     += tcpviz-server tcpviz-client
SOCK_OBJ  := build/progs/tv_sock.o $(UTIL_OBJ)

tcpviz-server: build/progs/tcpviz-server.o $(SOCK_OBJ)
	$(CC) $(CFLAGS) -o $@ build/progs/tcpviz-server.o $(SOCK_OBJ) -lpthread

tcpviz-client: build/progs/tcpviz-client.o $(SOCK_OBJ)
	$(CC) $(CFLAGS) -o $@ build/progs/tcpviz-client.o $(SOCK_OBJ)
