# mk/deps.mk: when tools/deps.sh may install packages (included by the Makefile).
#
# Every object waits for the deps target (tools/deps.sh build).  A plain build
# (make, make all, make progs, make tcpviz, make install ...) only checks: it
# names what is missing and the command to run, and installs nothing.
# make deps installs; so do make demo and make test (the README's two
# commands on a fresh machine), and the other targets that always did
# (asan, valgrind, fuzz, soak ...), as root on an apt system.
DEPS_CHECK_GOALS := all progs tcpviz $(PROGS) install uninstall clean
ifeq ($(filter-out $(DEPS_CHECK_GOALS),$(or $(MAKECMDGOALS),all)),)
export TCPVIZ_DEPS := check
endif
