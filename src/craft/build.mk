# src/craft/build.mk: tcpviz-craft, the raw-socket segment crafter (its libnl use is tv_nl.c alone)
#
# tcpviz-craft.c holds the options and the modes, craft_link.c the raw
# socket and the one receive loop, craft_nft.c the nft table through
# libnftables (craft-int.h between them).  It links the segment builder (tv_craft.o: only this
# program sends hand-made segments, and it hands what it sent and got to
# the core's tracker) and libtcpviz.a, which parses and judges the segments.
PROGS     += tcpviz-craft
CRAFT_OBJ := build/craft/tcpviz-craft.o build/craft/craft_link.o \
	build/craft/craft_nft.o build/craft/tv_craft.o build/craft/tv_nl.o
NL_LIBS    = $(call pc_libs,libnl-3.0 libnl-idiag-3.0 libnftables)
TEST_OBJ_test_craft := build/craft/tv_craft.o

build/tests/test_craft: build/craft/tv_craft.o

build/craft/tv_nl.o build/asan/craft/tv_nl.o: XCFLAGS = $(call pc_cflags,libnl-3.0 libnl-idiag-3.0)

tcpviz-craft: $(CRAFT_OBJ) $(UTIL_OBJ) $(LIB)
	$(CC) $(CFLAGS) -o $@ $(CRAFT_OBJ) $(UTIL_OBJ) $(LIB) $(NL_LIBS)
