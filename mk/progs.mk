# mk/progs.mk: the bundled socket programs the live demo runs (included by the Makefile)
#
# They link only the socket helpers (tv_sock.o), not libtcpviz.a: the core
# does no I/O and the programs decode nothing.  Objects come from the
# Makefile's build/%.o: src/%.c rule.

PROGS     := tcpviz-server tcpviz-client
SOCK_OBJ  := build/tv_sock.o build/tv_msg.o
PROGS_OBJ := $(PROGS:%=build/%.o) $(SOCK_OBJ)
ALL_PROGS += $(PROGS)

.PHONY: progs clean-progs

progs: $(PROGS)

tcpviz-server: build/tcpviz-server.o $(SOCK_OBJ)
	$(CC) $(CFLAGS) -o $@ build/tcpviz-server.o $(SOCK_OBJ) -lpthread

tcpviz-client: build/tcpviz-client.o $(SOCK_OBJ)
	$(CC) $(CFLAGS) -o $@ build/tcpviz-client.o $(SOCK_OBJ)

# make clean removes the binaries too
clean: clean-progs
clean-progs:
	rm -f $(PROGS)

-include $(PROGS_OBJ:.o=.d)
