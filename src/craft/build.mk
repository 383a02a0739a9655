# src/craft/build.mk: tcpviz-craft, the raw-socket segment crafter (its libnl use is tv_nl.c alone)
#
# It links the segment builder (tv_craft.o: only this program sends
# hand-made segments) and libtcpviz.a, which parses and judges what comes back.
PROGS     += tcpviz-craft
CRAFT_OBJ := build/craft/tcpviz-craft.o build/craft/tv_craft.o build/craft/tv_nl.o
NL_LIBS    = $(call pc_libs,libnl-3.0 libnl-idiag-3.0)
TEST_OBJ_test_craft := build/craft/tv_craft.o

build/tests/test_craft: build/craft/tv_craft.o

build/craft/tv_nl.o build/asan/craft/tv_nl.o: XCFLAGS = $(call pc_cflags,libnl-3.0 libnl-idiag-3.0)

tcpviz-craft: $(CRAFT_OBJ) $(UTIL_OBJ) $(LIB)
	$(CC) $(CFLAGS) -o $@ $(CRAFT_OBJ) $(UTIL_OBJ) $(LIB) $(NL_LIBS)
