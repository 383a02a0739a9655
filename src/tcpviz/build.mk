# src/tcpviz/build.mk: the tcpviz program: options, the run loop, privileges, the demo
TCPVIZ_SRC := src/tcpviz/tcpviz.c src/tcpviz/tv_run.c src/tcpviz/tv_demo.c \
	src/tcpviz/tv_scen.c src/tcpviz/tv_priv.c src/tcpviz/tv_sink.c \
	src/tcpviz/tv_kview.c src/tcpviz/tv_cview.c src/tcpviz/tv_labrun.c \
	src/tcpviz/tv_labdemo.c
TCPVIZ_OBJ := $(TCPVIZ_SRC:src/%.c=build/%.o)

tcpviz: $(TCPVIZ_OBJ) $(CAP_OBJ) $(KERN_OBJ) $(LAB_OBJ) $(UTIL_OBJ) $(LIB)
	$(CC) $(CFLAGS) -o $@ $(TCPVIZ_OBJ) $(CAP_OBJ) $(KERN_OBJ) $(LAB_OBJ) $(UTIL_OBJ) \
	    $(LIB) $(PCAP_LIBS) $(KERN_LIBS) $(LAB_LIBS) -lpthread

# the kernel's view, driven by the run loop over a capture, answers scripted
KVIEW_TEST_OBJ := build/tcpviz/tv_kview.o build/tcpviz/tv_run.o $(CAP_OBJ) $(KERN_OBJ) \
	$(UTIL_OBJ)
TEST_OBJ_test_kview = $(KVIEW_TEST_OBJ) $(PCAP_LIBS) $(KERN_LIBS) -lpthread
build/tests/test_kview: $(KVIEW_TEST_OBJ)
build/asan/tests/test_kview: $(KVIEW_TEST_OBJ:build/%=build/asan/%)

# the programs' calls, placed by the run loop along a capture
CVIEW_TEST_OBJ := build/tcpviz/tv_cview.o build/tcpviz/tv_run.o $(CAP_OBJ) $(UTIL_OBJ)
TEST_OBJ_test_cview = $(CVIEW_TEST_OBJ) $(PCAP_LIBS) -lpthread
build/tests/test_cview: $(CVIEW_TEST_OBJ)
build/asan/tests/test_cview: $(CVIEW_TEST_OBJ:build/%=build/asan/%)
