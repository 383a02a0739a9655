# src/kernel/build.mk: the kernel's sockets (sock_diag through libnl-idiag) and their owners (/proc), for tcpviz --kernel
#
# Not part of the core: it asks the kernel and reads /proc.  tv_kern.c is
# the one file here that includes libnl; tv_kproc.c scans /proc.  The
# words for what it finds are the core's (tv_ksock.h, src/render).
KERN_SRC  := src/kernel/tv_kern.c src/kernel/tv_kproc.c
KERN_OBJ  := $(KERN_SRC:src/%.c=build/%.o)
KERN_LIBS  = $(call pc_libs,libnl-3.0 libnl-idiag-3.0)
TEST_OBJ_test_kern = build/kernel/tv_kern.o build/kernel/tv_kproc.o $(KERN_LIBS)

build/tests/test_kern: $(KERN_OBJ)
build/asan/tests/test_kern: $(KERN_OBJ:build/%=build/asan/%)

build/kernel/tv_kern.o build/asan/kernel/tv_kern.o build/pgo/kernel/tv_kern.o: XCFLAGS = $(call pc_cflags,libnl-3.0 libnl-idiag-3.0)
