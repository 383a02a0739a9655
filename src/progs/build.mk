# src/progs/build.mk: tcpviz-server and tcpviz-client, the socket programs the demo runs
#
# They link only their socket helpers, the store protocol and src/util, not
# libtcpviz.a: the core does no I/O and the programs decode nothing.
PROGS     += tcpviz-server tcpviz-client
SOCK_OBJ  := build/progs/tv_sock.o build/progs/tv_store.o $(UTIL_OBJ)
TEST_OBJ_test_store := build/progs/tv_store.o

build/tests/test_store: build/progs/tv_store.o
build/asan/tests/test_store: build/asan/progs/tv_store.o

tcpviz-server: build/progs/tcpviz-server.o $(SOCK_OBJ)
	$(CC) $(CFLAGS) -o $@ build/progs/tcpviz-server.o $(SOCK_OBJ) -lpthread

tcpviz-client: build/progs/tcpviz-client.o $(SOCK_OBJ)
	$(CC) $(CFLAGS) -o $@ build/progs/tcpviz-client.o $(SOCK_OBJ)
