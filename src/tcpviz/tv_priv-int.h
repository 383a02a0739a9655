/* \summary: giving up root and capabilities once the capture is open (private to src/tcpviz) */
#ifndef TV_PRIV_INT_H
#define TV_PRIV_INT_H

#include <sys/types.h>

/*
 * Give up root once the capture is open, as tcpdump -Z does: become USER
 * when given, else the user who ran sudo (SUDO_UID must name a user), else
 * stay root (root by login); a process that is not root (a setcap binary)
 * drops its capabilities.  Returns 0, or -1 with a message.
 */
int tv_drop_privileges(const char *user);

/* The same, but root by login becomes `fallback` (the demo's programs run
 * as "nobody" then, never as root). */
int tv_drop_privileges_or(const char *user, const char *fallback);

/* The uid and gid tv_drop_privileges_or() would give (to own files made
 * for those programs); -1 with a message as it would fail. */
int tv_priv_whom(const char *user, const char *fallback, uid_t *uid, gid_t *gid);

#endif /* TV_PRIV_INT_H */
