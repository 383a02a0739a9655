# src/lab/build.mk: the lab: two hosts and a wire in private network namespaces (libnl-route, libnftables)
#
# tv_lab.c makes the namespaces, links, addresses and qdiscs (libnl-route)
# and runs programs in them; tv_lab_nft.c loads the nftables rules
# (libnftables); tv_lab_opt.c parses the impairment options.  It captures
# through src/capture (tv_cap_open_live in a host's namespace).
LAB_SRC  := src/lab/tv_lab.c src/lab/tv_lab_nft.c src/lab/tv_lab_opt.c src/lab/tv_lab_eth.c
LAB_OBJ  := $(LAB_SRC:src/%.c=build/%.o)
LAB_LIBS  = $(call pc_libs,libnl-3.0 libnl-route-3.0 libnftables) -lm
TEST_OBJ_test_lab = $(LAB_OBJ) $(CAP_OBJ) $(LAB_LIBS) $(PCAP_LIBS)

build/tests/test_lab: $(LAB_OBJ) $(CAP_OBJ)
build/asan/tests/test_lab: $(LAB_OBJ:build/%=build/asan/%) $(CAP_OBJ:build/%=build/asan/%)

build/lab/tv_lab.o build/asan/lab/tv_lab.o build/pgo/lab/tv_lab.o: XCFLAGS = $(call pc_cflags,libnl-3.0 libnl-route-3.0)
build/lab/tv_lab_nft.o build/asan/lab/tv_lab_nft.o build/pgo/lab/tv_lab_nft.o: XCFLAGS = $(call pc_cflags,libnftables)
