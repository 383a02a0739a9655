# mk/install.mk: make install and make uninstall (included by the Makefile).
#
#   make install   [PREFIX=/usr/local] [DESTDIR=]
#   make uninstall [PREFIX=/usr/local] [DESTDIR=]
#
# The four programs go in one bin directory: tcpviz --demo runs the
# tcpviz-server, tcpviz-client and tcpviz-craft that sit next to its own
# binary (/proc/self/exe).  uninstall removes exactly the files install put,
# and the doc directory, which is tcpviz's own.  Capturing without sudo:
# setcap cap_net_raw,cap_net_admin+eip $(PREFIX)/bin/tcpviz after installing.

PREFIX  ?= /usr/local
DESTDIR ?=
INSTALL ?= install
BINDIR  := $(PREFIX)/bin
MAN1DIR := $(PREFIX)/share/man/man1
DOCDIR  := $(PREFIX)/share/doc/tcpviz
COMPDIR := $(PREFIX)/share/bash-completion/completions

INST_PROGS := tcpviz $(PROGS)
INST_MAN1  := docs/tcpviz.1 docs/tcpviz-server.1 docs/tcpviz-client.1 docs/tcpviz-craft.1
INST_DOCS  := README.md $(sort $(wildcard docs/*.md))
INST_COMP  := tools/tcpviz.bash-completion

.PHONY: install uninstall

install: tcpviz $(PROGS)
	$(INSTALL) -d "$(DESTDIR)$(BINDIR)" "$(DESTDIR)$(MAN1DIR)" "$(DESTDIR)$(DOCDIR)" "$(DESTDIR)$(COMPDIR)"
	$(INSTALL) -m 755 $(INST_PROGS) "$(DESTDIR)$(BINDIR)/"
	$(INSTALL) -m 644 $(INST_MAN1) "$(DESTDIR)$(MAN1DIR)/"
	$(INSTALL) -m 644 $(INST_DOCS) "$(DESTDIR)$(DOCDIR)/"
	$(INSTALL) -m 644 $(INST_COMP) "$(DESTDIR)$(COMPDIR)/tcpviz"

uninstall:
	rm -f $(foreach f,$(INST_PROGS),"$(DESTDIR)$(BINDIR)/$(notdir $(f))")
	rm -f $(foreach f,$(INST_MAN1),"$(DESTDIR)$(MAN1DIR)/$(notdir $(f))")
	rm -f $(foreach f,$(INST_DOCS),"$(DESTDIR)$(DOCDIR)/$(notdir $(f))")
	rm -f "$(DESTDIR)$(COMPDIR)/tcpviz"
	rmdir "$(DESTDIR)$(DOCDIR)" 2>/dev/null || true
