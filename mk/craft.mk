# mk/craft.mk: tcpviz-craft, the raw-socket segment crafter (included by the Makefile after mk/progs.mk)
#
# It links the segment builder (tv_craft.o, not part of the core library:
# only this program sends hand-made segments) and libtcpviz.a for
# tv_decode(), which parses what comes back.  Objects come from the
# Makefile's build/%.o: src/%.c rule.

PROGS     += tcpviz-craft
CRAFT_OBJ := build/tcpviz-craft.o build/tv_craft.o build/tv_nl.o build/tv_msg.o

.PHONY: craft

craft progs: tcpviz-craft

tcpviz-craft: $(CRAFT_OBJ) $(LIB)
	$(CC) $(CFLAGS) -o $@ $(CRAFT_OBJ) $(LIB) $(NL_LIBS)

-include $(CRAFT_OBJ:.o=.d)
